/**
 * The little linear algebra the course does in JavaScript: a blocked transpose, the Q of
 * a QR decomposition (for orthogonal kernels), and a linear solve (for least squares).
 * Matrices are row-major typed arrays.
 */

/** The transpose of a rows x cols matrix, into `out` (cols x rows) when given. */
export function transpose(values: Float32Array, rows: number, cols: number, out = new Float32Array(values.length)): Float32Array {
  // In blocks of 32 x 32, so both the reads and the writes stay in cache.
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * rows + i] = values[i * cols + j];
    }
  }
  return out;
}

/**
 * Q (m x n, m >= n, orthonormal columns) of A = QR by Householder reflections, with
 * column j multiplied by sign(R_jj), so that Q of a Gaussian A is uniformly distributed
 * over matrices with orthonormal columns. `a` is m x n row-major and is overwritten.
 */
export function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
    norm = Math.sqrt(norm);
    const akk = a[k * n + k];
    const alpha = akk > 0 ? -norm : norm; // R_kk = alpha
    signs[k] = alpha < 0 ? -1 : 1;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k];
    v[0] -= alpha;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i] * v[i];
    if (vnorm2 > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
        const f = (2 * dot) / vnorm2;
        for (let i = k; i < m; i++) a[i * n + j] -= f * v[i - k];
      }
      const inv = 1 / Math.sqrt(vnorm2);
      for (let i = 0; i < v.length; i++) v[i] *= inv;
    }
    vs.push(v);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      if (dot === 0) continue;
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * dot * v[i - k];
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= signs[j];
  return q;
}

/**
 * Solves A X = B for X by Gauss-Jordan elimination with partial pivoting, in float64:
 * `augmented` is the n x (n + k) matrix [A | B], row-major, and is overwritten; returns
 * X (n x k). Throws when A is singular.
 */
export function solveAugmented(augmented: Float64Array, n: number, k: number): Float64Array {
  const a = augmented;
  const w = n + k;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * w + c]) > Math.abs(a[p * w + c])) p = r;
    if (a[p * w + c] === 0) throw new Error('the system is singular (its rows are linearly dependent)');
    for (let j = 0; j < w; j++) [a[c * w + j], a[p * w + j]] = [a[p * w + j], a[c * w + j]];
    const d = a[c * w + c];
    for (let j = 0; j < w; j++) a[c * w + j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c || a[r * w + c] === 0) continue;
      const f = a[r * w + c];
      for (let j = 0; j < w; j++) a[r * w + j] -= f * a[c * w + j];
    }
  }
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let o = 0; o < k; o++) x[i * k + o] = a[i * w + n + o];
  return x;
}

/**
 * The singular values of a rows x cols matrix (row-major), largest first, by one-sided
 * Jacobi rotations in float64 (Hestenes' method): columns are rotated in pairs until all are
 * orthogonal, and the singular values are then their norms. It is backward stable, so a
 * singular value is accurate to about 1e-15 of the largest one, however small it is relative
 * to it (chapter 2 prints those of a product of ten Gaussian matrices, spanning ten decades).
 */
export function singularValues(values: ArrayLike<number>, rows: number, cols: number): number[] {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || values.length !== rows * cols) {
    throw new Error(`singularValues needs rows x cols = ${rows} x ${cols} values, got ${values.length}`);
  }
  // Work on the matrix with more rows than columns (the singular values are the same).
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const a = new Float64Array(m * n); // column-major: column j is a[j*m .. j*m + m - 1]
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    const v = values[i * cols + j];
    if (!Number.isFinite(v)) throw new Error(`singularValues needs finite values; value ${i * cols + j} is ${v}`);
    if (tall) a[j * m + i] = v;
    else a[i * m + j] = v;
  }
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const x = a[p * m + i], y = a[q * m + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const x = a[p * m + i], y = a[q * m + i];
          a[p * m + i] = c * x - s * y;
          a[q * m + i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const out: number[] = [];
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += a[j * m + i] ** 2;
    out.push(Math.sqrt(s));
  }
  return out.sort((x, y) => y - x);
}
