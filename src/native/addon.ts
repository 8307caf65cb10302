// Loads the oneDNN addon built by `ganvae build-native`; Node only (the browser never imports this).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The functions the C++ addon exports: one method per entry of native/src/kernels.def, in its order
 * (test/native/registry.test.ts checks it). Shapes are checked on both sides.
 */
export interface NativeAddon {
  /** y = act(conv(x, filter) + bias); geometry as produced by `convGeometry`. */
  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array,
    ...geometryThenActivationAndAlpha: number[]): void;
  /** dx of a convolution (also Conv2DTranspose's forward pass). */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, ...geometry: number[]): void;
  /** dFilter of a convolution, in tfjs's [fh, fw, in, out] layout. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dFilter: Float32Array, ...geometry: number[]): void;
  /** out = act(op(a) · op(b) + bias) over a batch; a batch of 1 broadcasts. */
  batchMatMul(a: Float32Array, b: Float32Array, bias: Float32Array | null, out: Float32Array,
    batchA: number, batchB: number, m: number, k: number, n: number,
    transposeA: number, transposeB: number, activation: number, alpha: number): void;
  /** out = op(a, b) with numpy broadcasting; out is Uint8Array (bool) for comparisons. Op codes: BINARY_OPS. */
  binary(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], out: Float32Array | Uint8Array,
    outShape: number[], op: number): void;
  /** Reduces x over `reducedAxes` into out (the kept axes in order). Op codes: REDUCE_OPS. */
  reduce(x: Float32Array, xShape: number[], reducedAxes: number[], out: Float32Array, op: number): void;
  /** y = op(x) element-wise; alpha is LeakyRelu's slope / Step's value. Op codes: UNARY_OPS. */
  unary(x: Float32Array, y: Float32Array, op: number, alpha: number): void;
  /** out = condition ? t : e element-wise, all of one size. */
  select(condition: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array): void;
  /** dx = x > 0 ? dy : dy·alpha element-wise (LeakyRelu's gradient), all of one size. */
  leakyReluGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, alpha: number): void;
  /** out = x repeated to outShape (each dimension a multiple of x's). */
  tile(x: Float32Array, xShape: number[], out: Float32Array, outShape: number[]): void;
  /** One Adam step of a variable: writes newValue, newM, newV (tfjs's float ops, in one pass). */
  adamUpdate(value: Float32Array, m: Float32Array, v: Float32Array, gradient: Float32Array,
    newValue: Float32Array, newM: Float32Array, newV: Float32Array, beta1: number, oneMinusBeta1: number,
    beta2: number, oneMinusBeta2: number, oneMinusAccBeta1: number, oneMinusAccBeta2: number,
    negLearningRate: number, epsilon: number): void;
  /** y = offset + (x - mean) * scale / sqrt(variance + epsilon), parameters repeating over x. */
  batchNorm(x: Float32Array, mean: Float32Array, variance: Float32Array, offset: Float32Array | null,
    scale: Float32Array | null, y: Float32Array, epsilon: number): void;
  /** Training-mode batch norm over x [rows, C]: writes y, the batch mean and the (biased) batch variance [C]. */
  batchNormTraining(x: Float32Array, gamma: Float32Array, beta: Float32Array, epsilon: number,
    y: Float32Array, mean: Float32Array, variance: Float32Array): void;
  /** Its gradient through the batch statistics: writes dx [rows, C], dGamma and dBeta [C]. */
  batchNormTrainingGrad(x: Float32Array, dy: Float32Array, gamma: Float32Array, mean: Float32Array,
    variance: Float32Array, epsilon: number, dMean: Float32Array | null, dVariance: Float32Array | null,
    dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array): void;
  /** out = average·decay + value·oneMinusDecay element-wise, in float32 as tfjs's three ops (out may be average). */
  movingAverage(average: Float32Array, value: Float32Array, out: Float32Array, decay: number, oneMinusDecay: number): void;
  /**
   * Spectral norm of a kernel viewed as [outer, out, inner] (PyTorch's W [out, rest], rest = outer·inner): with iterate 1,
   * one power-iteration step from u [out] first; writes kernel / σ, σ [1], u' [out] and v' [rest].
   */
  spectralNorm(kernel: Float32Array, u: Float32Array, v: Float32Array, outer: number, out: number, inner: number, iterate: number,
    normalized: Float32Array, sigma: Float32Array, uOut: Float32Array, vOut: Float32Array): void;
  /** Its gradient in the kernel, u and v held constant: writes dKernel from dNormalized (and dσ [1] when given). */
  spectralNormGrad(kernel: Float32Array, dNormalized: Float32Array, u: Float32Array, v: Float32Array, sigma: Float32Array,
    dSigma: Float32Array | null, outer: number, out: number, inner: number, dKernel: Float32Array): void;
  /** y = average pooling of x (padding excluded); geometry as `convGeometry` gives it for a pooling (inC = outC). */
  avgPool(x: Float32Array, y: Float32Array, ...geometry: number[]): void;
  /** dx of avgPool for the same geometry. */
  avgPoolGrad(dy: Float32Array, dx: Float32Array, ...geometry: number[]): void;
  /** dst[dstBegin + i] = src[srcBegin + i] for every index i < size (Slice and PadV2). */
  copyBox(src: Float32Array, srcShape: number[], srcBegin: number[], dst: Float32Array, dstShape: number[], dstBegin: number[], size: number[]): void;
  /**
   * out [n, h, w, c] = per-image pixel maps of x [n, h, w, c] (rows [n·h], cols [n·w], -1 for zero; transposed [n] reads
   * the spatial transpose), or with scatter 1 their transpose (the gradient: each x pixel added where the map reads).
   */
  pixelMap(x: Float32Array, out: Float32Array, n: number, h: number, w: number, c: number, rows: Int32Array, cols: Int32Array,
    transposed: Int32Array, scatter: number): void;
  /**
   * The oneDNN version, its effective ISA, how it runs bf16 (native: avx512_bf16 or AMX; emulated: AVX-512 without
   * them, slower than fp32; unsupported), the precision set, its thread count and threading runtime.
   */
  info(): { onednn: string; isa: string; bf16: 'native' | 'emulated' | 'unsupported'; precision: 'fp32' | 'bf16'; threads: number; runtime: string };
  /** Sets oneDNN's (OpenMP's) thread count. */
  setThreads(threads: number): void;
  /**
   * Sets the arithmetic of convolutions and matrix products from now on: 0 fp32, 1 bf16 operands with fp32
   * accumulation and results (shapes whose only bf16 kernel would be oneDNN's reference one stay fp32).
   */
  setPrecision(code: number): void;
}

/** Where `ganvae build-native` puts the addon: the package's native/build/Release/ (from src/native/ or dist/native/). */
export const BUILT_ADDON_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../native/build/Release/ganvae_native.node');

/** Path of the addon loaded: GANVAE_NATIVE_ADDON (a build of your own) or the package's build. */
export const addonPath = process.env.GANVAE_NATIVE_ADDON ?? BUILT_ADDON_PATH;

/** The one command that builds the addon, in every message that asks for it. */
export const BUILD_NATIVE_COMMAND = 'npx ganvae build-native';

/** Whether the addon is simply not built yet (the package's own path, no file there). */
export function addonNotBuilt(): boolean {
  return addonPath === BUILT_ADDON_PATH && !existsSync(BUILT_ADDON_PATH);
}

let cached: { addon: NativeAddon | null; error: string | null } | undefined;

/** The addon, or null with the reason it could not be loaded (not built, libdnnl missing, ...). */
export function loadAddon(): { addon: NativeAddon | null; error: string | null } {
  if (cached) return cached;
  // OpenMP threads that spin between parallel regions starve everything else on a busy machine (measured: W1
  // at 2 threads on a loaded 2-core host, 43 images/s spinning vs 78 sleeping). libgomp reads this once, when
  // the addon loads it; a user's own setting wins.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  if (addonNotBuilt()) {
    cached = { addon: null, error: `not built: run \`${BUILD_NATIVE_COMMAND}\` once` };
    return cached;
  }
  try {
    const require = createRequire(import.meta.url);
    cached = { addon: require(addonPath) as NativeAddon, error: null };
  } catch (err) {
    cached = { addon: null, error: (err as Error).message.split('\n')[0] };
  }
  return cached;
}
