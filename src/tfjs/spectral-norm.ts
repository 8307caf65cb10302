// Spectral normalisation (Miyato et al. 2018) as torch.nn.utils.spectral_norm computes it: a kernel is divided by
// σ = uᵀ W v, where W is the kernel as a matrix [output channels, everything else] and u [out], v [rest] estimate
// its top singular vectors. A training call first refines u and v by one power iteration and stores them; an
// inference call uses the stored ones. On `native` a call and its gradient are one fused kernel each
// (src/native/spectral-norm.ts); elsewhere the tfjs ops below. The layers that use it are in spectral-norm-layers.ts.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { fusedSpectralNorm, hasFusedSpectralNorm } from '../native/spectral-norm.ts';

/** torch's ε in F.normalize: a vector shorter than this is divided by ε instead of its norm. */
const EPSILON = 1e-12;

/**
 * Where a kernel keeps its output channels: last (Dense [in, out], Conv2D [kh, kw, in, out]) or second last
 * (Conv2DTranspose [kh, kw, out, in], whose output channels PyTorch's ConvTranspose2d normalises with dim=1).
 */
export type OutputAxis = 'last' | 'secondLast';

/** x [n] → x / max(‖x‖, ε) (torch's F.normalize). */
function normalize(x: tf.Tensor1D): tf.Tensor1D {
  return tf.div(x, tf.maximum(tf.norm(x), EPSILON));
}

/**
 * kernel → Wᵀ [rest, out], W being PyTorch's matrix [out, rest]. Its rows run over (kh, kw, in), tfjs's kernel
 * order, where PyTorch's columns run over (in, kh, kw): the same matrix up to a permutation of the columns, so the
 * same σ and u, and v permuted likewise.
 */
export function transposedMatrix(kernel: tf.Tensor, outputAxis: OutputAxis): tf.Tensor2D {
  const rank = kernel.rank;
  const out = kernel.shape[outputAxis === 'last' ? rank - 1 : rank - 2];
  if (outputAxis === 'last') return tf.reshape(kernel, [-1, out]);
  const swapLastTwo = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return tf.reshape(tf.transpose(kernel, swapLastTwo), [-1, out]);
}

/**
 * torch's power-iteration step on W = wtᵀ: v = normalize(Wᵀu), then u = normalize(W v); wt [rest, out], u [out] →
 * u [out], v [rest] and (W v)ᵀ [1, out], which σ = uᵀ W v reuses.
 */
function powerIteration(wt: tf.Tensor2D, u: tf.Tensor1D): { u: tf.Tensor1D; v: tf.Tensor1D; wv: tf.Tensor2D } {
  return tf.tidy(() => {
    const v = normalize(tf.reshape(tf.matMul(wt, tf.reshape(u, [-1, 1])), [-1]));
    const wv = tf.matMul(tf.reshape(v, [1, -1]), wt) as tf.Tensor2D;
    return { u: normalize(tf.reshape(wv, [-1])), v, wv };
  });
}

/**
 * σ = uᵀ W v of wt = Wᵀ [rest, out] → scalar, differentiable in wt alone: u and v are constants (dσ/dwt = v uᵀ), as
 * in torch. With `iterate`, u and v first take one power-iteration step from the stored u and are stored back. That
 * runs inside the op's forward function, which tfjs never records on a tape, so no gradient of any order reaches
 * the iteration.
 */
function sigma(wt: tf.Tensor2D, u: LayerVariable, v: LayerVariable, iterate: boolean): tf.Scalar {
  const op = tf.customGrad((...args) => {
    const [matrix, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    let [left, right] = [u.read() as tf.Tensor1D, v.read() as tf.Tensor1D];
    let wv: tf.Tensor2D | undefined;
    if (iterate) {
      ({ u: left, v: right, wv } = powerIteration(matrix, left));
      u.write(left);
      v.write(right);
    }
    save([left, right]);
    return {
      value: tf.sum(tf.mul(wv ?? tf.matMul(tf.reshape(right, [1, -1]), matrix), left)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.outerProduct(saved[1] as tf.Tensor1D, saved[0] as tf.Tensor1D)),
    };
  });
  return op(wt) as tf.Scalar;
}

/** A layer's spectral normalisation: its kernel's u [out] and v [rest], held as non-trainable weights of the layer. */
export class SpectralNorm {
  constructor(private readonly u: LayerVariable, private readonly v: LayerVariable, private readonly outputAxis: OutputAxis) {}

  /**
   * kernel (the layer's shape) → kernel / σ of that shape; `training` first takes one power-iteration step and stores
   * u and v. One fused kernel where the backend has it (native), else tfjs ops.
   */
  normalize(kernel: tf.Tensor, training: boolean): tf.Tensor {
    return tf.tidy(() => {
      if (!this.fused(kernel)) return tf.div(kernel, sigma(transposedMatrix(kernel, this.outputAxis), this.u, this.v, training));
      const [normalized, , u, v] = fusedSpectralNorm(kernel, this.u.read() as tf.Tensor1D, this.v.read() as tf.Tensor1D, { outputAxis: this.outputAxis, iterate: training });
      if (training) {
        this.u.write(u);
        this.v.write(v);
      }
      return normalized;
    });
  }

  /** σ = uᵀ W v from the stored u and v (what an inference call divides by) → scalar. */
  sigma(kernel: tf.Tensor): tf.Scalar {
    return tf.tidy(() => this.fused(kernel)
      ? fusedSpectralNorm(kernel, this.u.read() as tf.Tensor1D, this.v.read() as tf.Tensor1D, { outputAxis: this.outputAxis, iterate: false })[1]
      : sigma(transposedMatrix(kernel, this.outputAxis), this.u, this.v, false));
  }

  private fused(kernel: tf.Tensor): boolean {
    return kernel.dtype === 'float32' && hasFusedSpectralNorm();
  }
}

/** Adds one non-trainable float32 weight to a layer (its protected addWeight, bound). */
export type AddWeight = (name: string, shape: number[], initializer: ReturnType<typeof tfl.initializers.zeros>) => LayerVariable;

/**
 * Adds u [out] and v [rest] to a built layer with kernel `kernel`: u is a normal draw from `seed`, normalised, and v
 * = normalize(Wᵀu), so that σ = ‖Wᵀu‖ > 0 even before the first training call (torch draws v at random; its first training call
 * overwrites v either way).
 */
export function addSpectralNorm(addWeight: AddWeight, kernel: LayerVariable, outputAxis: OutputAxis, seed: number | undefined): SpectralNorm {
  const shape = kernel.shape as number[];
  const out = shape[outputAxis === 'last' ? shape.length - 1 : shape.length - 2];
  const rest = shape.reduce((a, b) => a * b, 1) / out;
  const u = addWeight('u', [out], tfl.initializers.randomNormal({ mean: 0, stddev: 1, seed }));
  const v = addWeight('v', [rest], tfl.initializers.zeros());
  tf.tidy(() => {
    const unit = normalize(u.read() as tf.Tensor1D);
    u.write(unit);
    v.write(powerIteration(transposedMatrix(kernel.read(), outputAxis), unit).v);
  });
  return new SpectralNorm(u, v, outputAxis);
}
