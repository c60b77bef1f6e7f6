/**
 * The spread of a deep network's input-output Jacobian's singular values at
 * initialization (Saxe et al. 2013; Pennington, Schoenholz & Ganguli 2017, "Resurrecting
 * the sigmoid in deep learning through dynamical isometry"). Chapter 6.
 *
 * For J = prod_{l=1..L} W_l D_l, D_l = diag(phi'(z_l)) with z_l at the fixed point q*, the
 * squared singular values of J (the eigenvalues of J J^T) have, for wide layers,
 *
 *   mean                      m_1 = (sigma_w^2 mu_1)^L
 *   variance / mean^2         s   = L (mu_2 / mu_1^2 - 1 + v_W)
 *
 * with mu_k = E[phi'(sqrt(q*) t)^(2k)] and v_W the relative variance of W W^T's eigenvalues:
 * 1 for Gaussian weights (Marchenko-Pastur), 0 for orthogonal ones. This is free
 * probability: the relative variances of free factors add under multiplication, and
 * each layer brings one D (mu_2 / mu_1^2 - 1) and one W (v_W). A linear network
 * (mu_1 = mu_2 = 1) with orthogonal weights at sigma_w^2 = 1 keeps every singular value at
 * 1; ReLU has mu_2 / mu_1^2 = 2 whatever the weights, so its spread grows with L.
 */
import { checkNonNegative, checkOptions, checkPositive, checkPositiveInt, oneOf, required } from '../core/checks';
import { ACTIVATION_NAMES, Activation } from '../net/activations';
import { activationMoments, meanField } from './meanfield';

export const WEIGHT_ENSEMBLES = ['gaussian', 'orthogonal'] as const;
export type WeightEnsemble = (typeof WEIGHT_ENSEMBLES)[number];

export interface JacobianSpectrumOptions {
  activation: Activation;
  weightVariance: number;
  biasVariance: number;
  /** 'gaussian' (W_ij ~ N(0, sigma_w^2 / N)) or 'orthogonal' (sigma_w times a random orthogonal matrix). */
  weights: WeightEnsemble;
  /** L, the number of layers of the Jacobian. */
  depth: number;
}

export interface JacobianSpectrum {
  /** [mu_1, mu_2] = [E[phi'^2], E[phi'^4]] at q*. */
  slopeMoments: [number, number];
  /** m_1, the mean of the squared singular values, tr(J J^T) / N. */
  meanSquare: number;
  /** Their variance relative to the mean squared, s = (m_2 - m_1^2) / m_1^2 (m_2 = tr((J J^T)^2) / N). */
  relativeVariance: number;
  /** Their variance, m_2 - m_1^2 = s m_1^2. */
  variance: number;
}

const SPECTRUM_OPTIONS = {
  activation: oneOf(ACTIVATION_NAMES),
  weightVariance: required(checkPositive),
  biasVariance: required(checkNonNegative),
  weights: oneOf(WEIGHT_ENSEMBLES),
  depth: required(checkPositiveInt),
};

/** The mean and variance of J J^T's eigenvalues for wide layers (formulas above). */
export function jacobianSpectrum(options: JacobianSpectrumOptions): JacobianSpectrum {
  const o = checkOptions('jacobianSpectrum', options, SPECTRUM_OPTIONS);
  const { qStar } = meanField({ activation: o.activation, weightVariance: o.weightVariance, biasVariance: o.biasVariance });
  const m = activationMoments({ activation: o.activation, variance: qStar });
  const [mu1, mu2] = [m.slopeSquare, m.slopeFourth];
  const meanSquare = (o.weightVariance * mu1) ** o.depth;
  const vW = o.weights === 'gaussian' ? 1 : 0;
  const relativeVariance = o.depth * (mu2 / (mu1 * mu1) - 1 + vW);
  return { slopeMoments: [mu1, mu2], meanSquare, relativeVariance, variance: meanSquare ** 2 * relativeVariance };
}

/**
 * For products J_l = W_1 ... W_l of Gaussian N x N matrices with entries of variance 1/N,
 * the exact expectations at finite width N of m_1 = tr(J J^T)/N (1 at every l) and
 * m_2 = tr((J J^T)^2)/N, l = 0..depth. With B = J^T J, one more layer gives (Wick's
 * theorem over the new W)
 *
 *   E tr(B'^2) / N       = (1 + 1/N) tr(B^2) / N + (tr B / N)^2
 *   E (tr B' / N)^2      = (tr B / N)^2 + 2 tr(B^2) / N^3
 *
 * from B_0 = I; so m_2 = 1 + l + l (l + 1) / (2N) + O(l^3 / N^2): the infinite-width
 * 1 + l plus a finite-width excess.
 */
export function gaussianProductMoments(options: { width: number; depth: number }): { secondMoment: number[] } {
  const o = checkOptions('gaussianProductMoments', options, { width: required(checkPositiveInt), depth: required(checkPositiveInt) });
  const n = o.width;
  let [b, c] = [1, 1];
  const secondMoment = [1];
  for (let l = 1; l <= o.depth; l++) {
    [b, c] = [(1 + 1 / n) * b + c, c + (2 * b) / (n * n)];
    secondMoment.push(b);
  }
  return { secondMoment };
}
