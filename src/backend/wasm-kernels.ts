/**
 * Two fixes to the WebAssembly backend of TensorFlow.js 4.22, for training models built with
 * tf.layers there (chapter 9):
 *
 * - Conv2DBackpropFilter, the gradient of a 2-D convolution with respect to its filter, is
 *   missing (tensorflow/tfjs#8474): without it no convolutional network trains on wasm, and
 *   no report of one can take its gradient. This one gathers, for every output position,
 *   the inputs under the filter (the patches, in JavaScript, from the backend's memory) and
 *   multiplies them by the output gradient on wasm's own matrix multiply:
 *
 *     dW[wR, wC, i, o] = sum over b, yR, yC of x[b, yR * strideH + wR - padTop, yC * strideW + wC - padLeft, i] * dy[b, yR, yC, o].
 *
 *   Registered only while wasm has no such kernel of its own.
 * - BatchMatMul multiplies by a transposed operand through a slow path (a [64, 784]^T by
 *   [64, 256] product takes twenty times as long as the same product untransposed), and
 *   the gradient of every Dense layer, dW = x^T dy, is such a product. The wrapper
 *   transposes the operand first (wasm's own Transpose kernel) and multiplies on the fast
 *   path: the same sums, in XNNPACK's order. The course's own networks do the same by hand
 *   (net/mlp.ts, net/engine.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** What a wasm kernel function needs of the backend (tfjs-backend-wasm's BackendWasm). */
interface WasmBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

type Conv2DFilterAttrs = {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
};

function conv2DBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xs = wasm.readSync(x.dataId);
  const last = info.dataFormat === 'channelsLast';
  // Strides of x [b, h, w, c] (or [b, c, h, w]), in elements.
  const [xb, xh, xw, xc] = last
    ? [inHeight * inWidth * inChannels, inWidth * inChannels, inChannels, 1]
    : [inChannels * inHeight * inWidth, inWidth, 1, inHeight * inWidth];
  // The patches: row m = (b, yR, yC) holds the inputs under the filter at that output position,
  // in the filter's order (wR, wC, i), zero where the filter hangs over the padding. Then
  // dW = patches^T dy, one product on wasm's own matrix multiply.
  const rows = batchSize * outHeight * outWidth;
  const cols = filterHeight * filterWidth * inChannels;
  const patches = new Float32Array(rows * cols);
  let m = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++, m++) {
        const row = m * cols;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight + wR - top;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth + wC - left;
            if (xC < 0 || xC >= inWidth) continue;
            const from = b * xb + xR * xh + xC * xw;
            const to = row + (wR * filterWidth + wC) * inChannels;
            for (let i = 0; i < inChannels; i++) patches[to + i] = xs[from + i * xc];
          }
        }
      }
    }
  }
  let dyRows: tf.TensorInfo = { dataId: dy.dataId, shape: [rows, outChannels], dtype: 'float32' };
  if (!last) {
    // dy [b, o, h, w] as rows (b, h, w) of o values.
    const dys = wasm.readSync(dy.dataId);
    const plane = outHeight * outWidth;
    const values = new Float32Array(rows * outChannels);
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outChannels; o++) {
        for (let p = 0; p < plane; p++) values[(b * plane + p) * outChannels + o] = dys[(b * outChannels + o) * plane + p];
      }
    }
    dyRows = wasm.makeOutput([rows, outChannels], 'float32', undefined, values);
  }
  const patchInfo = wasm.makeOutput([rows, cols], 'float32', undefined, patches);
  const matMul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
  try {
    const out = matMul({ inputs: { a: patchInfo, b: dyRows }, backend: backend as tf.KernelBackend, attrs: { transposeA: true, transposeB: false } }) as tf.TensorInfo;
    // [1, cols, outChannels] in the filter's own order: [filterHeight, filterWidth, inChannels, outChannels].
    return { ...out, shape: [filterHeight, filterWidth, inChannels, outChannels] };
  } finally {
    wasm.disposeData(patchInfo.dataId);
    if (!last) wasm.disposeData(dyRows.dataId);
  }
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };
const WRAPPED = Symbol('course: transposes first');

/** wasm's BatchMatMul, given operands transposed beforehand instead of a transposeA/B flag. */
function transposingMatMul(original: tf.KernelFunc): tf.KernelFunc {
  const wrapped = (args: KernelArgs) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args as Parameters<tf.KernelFunc>[0]);
    const backend = args.backend as { disposeData(dataId: object): boolean };
    const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
    const flip = (t: tf.TensorInfo) => {
      const rank = t.shape.length;
      const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
      return transpose({ inputs: { x: t }, backend: args.backend as tf.KernelBackend, attrs: { perm } }) as tf.TensorInfo;
    };
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const at = attrs.transposeA ? flip(a) : a;
    const bt = attrs.transposeB ? flip(b) : b;
    try {
      return original({ ...args, inputs: { a: at, b: bt }, attrs: { ...args.attrs, transposeA: false, transposeB: false } } as Parameters<tf.KernelFunc>[0]);
    } finally {
      if (at !== a) backend.disposeData(at.dataId);
      if (bt !== b) backend.disposeData(bt.dataId);
    }
  };
  return Object.assign(wrapped, { [WRAPPED]: true }) as unknown as tf.KernelFunc;
}

/** Registers the kernels above for the wasm backend (idempotent). */
export function registerWasmKernels(): void {
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as tf.KernelFunc });
  }
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (matMul && !(WRAPPED in matMul.kernelFunc)) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({ ...matMul, kernelFunc: transposingMatMul(matMul.kernelFunc) });
  }
}
