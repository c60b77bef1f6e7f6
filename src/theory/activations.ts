/**
 * The course's activations as plain float64 functions, with what the mean-field theory
 * needs to know about each beyond its value and slope: whether it has a kink at 0 (the
 * quadrature then splits there), whether it is positively homogeneous (phi(a x) = a phi(x)
 * for a > 0, so that Gaussian expectations scale exactly with the variance), and its
 * slopes at 0 and far out (for fixed points at q = 0 and q = infinity). Chapter 6.
 */
import { Activation, LEAKY_RELU_ALPHA, SELU_ALPHA, SELU_LAMBDA } from '../net/activations';

export interface ScalarActivation {
  f: (x: number) => number;
  /** The slope; at a kink, the right one is used only at x > 0 (the quadrature never lands on 0). */
  df: (x: number) => number;
  /** The slope changes abruptly at 0: integrals are split there. */
  kinked: boolean;
  /** phi(a x) = a phi(x) for every a > 0 (linear, relu, leakyRelu). */
  homogeneous: boolean;
  /** phi(-x) = -phi(x) (then phi' is even): two-dimensional integrals need only half the plane. */
  odd: boolean;
  /** phi(0). */
  atZero: number;
  /** [slope just left of 0, slope just right of 0]. */
  slopesAtZero: [number, number];
  /** [slope as x -> -infinity, slope as x -> +infinity]. */
  slopesFarOut: [number, number];
}

const A = LEAKY_RELU_ALPHA;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export const SCALAR_ACTIVATIONS: Record<Activation, ScalarActivation> = {
  linear: { f: (x) => x, df: () => 1, kinked: false, homogeneous: true, odd: true, atZero: 0, slopesAtZero: [1, 1], slopesFarOut: [1, 1] },
  relu: { f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0), kinked: true, homogeneous: true, odd: false, atZero: 0, slopesAtZero: [0, 1], slopesFarOut: [0, 1] },
  leakyRelu: {
    f: (x) => (x > 0 ? x : A * x), df: (x) => (x > 0 ? 1 : A), kinked: true, homogeneous: true, odd: false, atZero: 0, slopesAtZero: [A, 1], slopesFarOut: [A, 1],
  },
  tanh: {
    f: Math.tanh,
    df: (x) => {
      const c = Math.cosh(x);
      return c === Infinity ? 0 : 1 / (c * c);
    },
    kinked: false, homogeneous: false, odd: true, atZero: 0, slopesAtZero: [1, 1], slopesFarOut: [0, 0],
  },
  sigmoid: {
    f: sigmoid,
    df: (x) => {
      const s = sigmoid(x);
      return s * (1 - s);
    },
    kinked: false, homogeneous: false, odd: false, atZero: 0.5, slopesAtZero: [0.25, 0.25], slopesFarOut: [0, 0],
  },
  selu: {
    // expm1 keeps lambda alpha (e^x - 1) accurate for small |x|.
    f: (x) => (x > 0 ? SELU_LAMBDA * x : SELU_LAMBDA * SELU_ALPHA * Math.expm1(x)),
    df: (x) => (x > 0 ? SELU_LAMBDA : SELU_LAMBDA * SELU_ALPHA * Math.exp(x)),
    kinked: true, homogeneous: false, odd: false, atZero: 0, slopesAtZero: [SELU_LAMBDA * SELU_ALPHA, SELU_LAMBDA], slopesFarOut: [0, SELU_LAMBDA],
  },
};

/** E[s^(2k)] for a slope that is one of two values, each half of the time (a symmetric z near 0 or far out). */
export const halfAndHalf = ([left, right]: [number, number], k = 1): number => (left ** (2 * k) + right ** (2 * k)) / 2;
