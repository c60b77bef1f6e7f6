import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from '../core/checks';

export const ACTIVATION_NAMES = ['linear', 'relu', 'tanh', 'sigmoid', 'leakyRelu', 'selu'] as const;
export type Activation = (typeof ACTIVATION_NAMES)[number];

/** The slope of leakyRelu for negative inputs (Keras's LeakyReLU default is 0.3; PyTorch's 0.01). */
export const LEAKY_RELU_ALPHA = 0.01;

/** Below this |x|, fastTanh uses its odd polynomial instead of 2 sigmoid(2x) - 1. */
export const TANH_SERIES_BELOW = 0.125;

/**
 * tanh to float32 precision (relative error within 6e-7 at every x, 0 included), fast on
 * the wasm backend, whose tanh is scalar code while its sigmoid is vectorised (about 4x
 * faster here, even with the correction below). For |x| >= 1/8 it is 2 sigmoid(2x) - 1.
 * Near 0 that form cancels: sigmoid(2x) rounds to float32 near 1/2 with an absolute error
 * of up to 3e-8, so 2 sigmoid(2x) - 1 is 0 for |x| below about 3e-8 and has a large
 * relative error up to |x| ~ 0.01. There the Taylor series is used instead,
 *
 *   tanh x = x - x^3/3 + 2x^5/15 + R,   |R| <= (17/315) |x|^7 < 2.1e-7 |x| for |x| < 1/8,
 *
 * so a variance of 1e-19 stays 1e-19 instead of becoming 0. The two are joined with a
 * step mask on x^2 (step is vectorised on wasm; abs, less and where are slower). The gradient is
 * written out,
 *
 *   tanh'(x) = 1 - tanh(x)^2 = 4 sigmoid(2x) sigmoid(-2x),
 *
 * a product of two factors each exact to float32 in relative terms, at every x.
 */
export const fastTanh: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const value = tf.tidy(() => {
    const viaSigmoid = tf.sub(tf.mul(2, tf.sigmoid(tf.mul(2, x))), 1);
    const x2 = tf.mul(x, x);
    const series = tf.add(x, tf.mul(tf.mul(x, x2), tf.add(-1 / 3, tf.mul(x2, 2 / 15))));
    const near0 = tf.step(tf.sub(TANH_SERIES_BELOW ** 2, x2));
    return tf.add(viaSigmoid, tf.mul(near0, tf.sub(series, viaSigmoid)));
  });
  save([x]);
  return { value, gradFunc: tanhSlope };
});

/** dy tanh'(x) = dy 4 sigmoid(2x) sigmoid(-2x), exact to float32 in relative terms at every x. */
function tanhSlope(dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => tf.mul(dy, tf.mul(4, tf.mul(tf.sigmoid(tf.mul(2, saved[0])), tf.sigmoid(tf.mul(-2, saved[0]))))));
}

/**
 * tanh on the TensorFlow backend (tfjs-node): its own tanh is vectorised and exact to
 * float32 (relative error below 3e-7, measured from 1e-30 to 20), and its sigmoid less so
 * (4e-7), which the 2 sigmoid(2x) - 1 form would double near |x| = 1/8. The slope is
 * fastTanh's: TensorFlow.js's own gradient, 1 - tanh^2, is 0 instead of tiny for large |x|.
 */
const nativeTanh: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return { value: tf.tanh(x), gradFunc: tanhSlope };
});

/** tanh, exact to float32, by the fastest form on the backend that runs it. */
const tanh = (x: tf.Tensor): tf.Tensor => (tf.getBackend() === 'tensorflow' ? nativeTanh(x) : fastTanh(x));

/**
 * SELU's constants (Klambauer et al. 2017, "Self-Normalizing Neural Networks"):
 * selu(x) = lambda x for x > 0, lambda alpha (e^x - 1) for x <= 0, with lambda and alpha
 * chosen so that z ~ N(0, 1) gives selu(z) mean 0 and variance 1 (the paper's lambda_01
 * and alpha_01, the values TensorFlow.js's tf.selu uses). Chapter 6.
 */
export const SELU_LAMBDA = 1.0507009873554804934193349852946;
export const SELU_ALPHA = 1.6732632423543772848170429916717;

/** The non-linearity as a function of tensors (the identity for 'linear'): every network of the course uses it. */
export function activationFn(name: Activation): (x: tf.Tensor) => tf.Tensor {
  switch (checkOneOf('activation', name, ACTIVATION_NAMES)) {
    case 'linear':
      return (x) => x;
    case 'relu':
      return (x) => tf.relu(x);
    case 'tanh':
      return tanh;
    case 'sigmoid':
      return (x) => tf.sigmoid(x);
    case 'leakyRelu':
      return (x) => tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case 'selu':
      return (x) => tf.selu(x);
  }
}
