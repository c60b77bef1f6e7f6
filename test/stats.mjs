// Sample statistics and the tolerances that sampling theory gives them.
// A tolerance is Z standard errors: a correct sampler fails a test about once in
// 1.7 million runs at Z = 5, a wrong formula (a missing factor, a swapped fan) by far more.
export const Z = 5;

export function moments(values) {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let m2 = 0, m4 = 0, min = Infinity, max = -Infinity;
  for (const v of values) {
    const d = v - mean;
    m2 += d * d;
    m4 += d * d * d * d;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  m2 /= values.length;
  m4 /= values.length;
  return { mean, variance: m2, std: Math.sqrt(m2), kurtosis: m4 / (m2 * m2), min, max, n: values.length };
}

/** Standard error of a sample mean: std / sqrt(n). */
export const meanTolerance = (std, n, z = Z) => (z * std) / Math.sqrt(n);

/**
 * Relative tolerance on a sample variance: its standard error is
 * variance * sqrt((kurtosis - 1) / n); kurtosis 3 for a normal, 1.8 for a uniform,
 * 2.37 for a normal truncated at 2 std ((3 - 28 phi(2)/P) / (1 - 4 phi(2)/P)^2, P = P(|z| < 2)).
 */
export const varianceRelTolerance = (kurtosis, n, z = Z) => z * Math.sqrt((kurtosis - 1) / n);

/** Relative tolerance on a sample std: half the variance's. */
export const stdRelTolerance = (kurtosis, n, z = Z) => varianceRelTolerance(kurtosis, n, z) / 2;

/** Asserts |actual - expected| <= tol with a message that shows all three. */
export function assertClose(actual, expected, tol, what = 'value') {
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: expected ${expected} +- ${tol}, got ${actual}`);
  }
}

// The least-squares slope over points 0..K is sum_i c_i y_i with c_i = (i - mean) / S. The
// points are a random walk, y_i = y_0 + sum_{k<=i} e_k, so the slope's error is
// sum_k e_k C_k with C_k = sum_{i>=k} c_i: its variance is sum_k v_k C_k^2 and its mean
// (from E e_k = -v_k/2) is -sum_k C_k v_k / 2.
export function slopeError(stepVariances) {
  const points = stepVariances.length + 1;
  const mid = (points - 1) / 2;
  let s = 0;
  for (let i = 0; i < points; i++) s += (i - mid) ** 2;
  let variance = 0;
  let bias = 0;
  for (let k = 1; k < points; k++) {
    let c = 0;
    for (let i = k; i < points; i++) c += (i - mid) / s;
    variance += stepVariances[k - 1] * c * c;
    bias -= (c * stepVariances[k - 1]) / 2;
  }
  return { se: Math.sqrt(variance), bias };
}

/**
 * erf by its Taylor series, 2/sqrt(pi) sum (-1)^k x^(2k+1) / (k! (2k+1)), written here so the
 * tests do not check the library's Gaussian integrals against themselves. About 1e-15 absolute
 * for |x| <= 2 and 1e-13 for |x| <= 3 (the terms peak near k = x^2, at about 170 for x = 3, so
 * about three digits go to cancellation).
 */
export function erf(x) {
  let term = x;
  let sum = x;
  for (let k = 1; k < 200; k++) {
    term *= (-x * x) / k;
    sum += term / (2 * k + 1);
    if (Math.abs(term) < 1e-18) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
