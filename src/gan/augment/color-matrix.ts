// ADA's colour transforms (NVlabs/stylegan2-ada-pytorch training/augment.py) as 4×4 homogeneous matrices per image,
// composed in float64 and applied in one batched matMul: out_rgb = C[:3, :3]·in_rgb + C[:3, 3].
import * as tf from '@tensorflow/tfjs-core';
import { perImage } from './per-image.ts';

/** A 4×4 homogeneous colour transform, row-major (16 values). */
export type ColorMatrix = Float64Array;

/** The luma axis v = (1, 1, 1, 0)/√3 the reference flips along and rotates hue around. */
const LUMA = [1, 1, 1, 0].map((v) => v / Math.sqrt(3));

/** The identity transform. */
export function identityColor(): ColorMatrix {
  return matrix((i, j) => Number(i === j));
}

/** Whether `m` is exactly the identity. */
export function isIdentityColor(m: ColorMatrix): boolean {
  return m.every((v, k) => v === Number(k % 5 === 0));
}

/** a·b: the transform b, then a. */
export function composeColor(a: ColorMatrix, b: ColorMatrix): ColorMatrix {
  return matrix((i, j) => a[i * 4] * b[j] + a[i * 4 + 1] * b[4 + j] + a[i * 4 + 2] * b[8 + j] + a[i * 4 + 3] * b[12 + j]);
}

/** Adds b to every channel (the reference's translate3d(b, b, b)). */
export function brightnessColor(b: number): ColorMatrix {
  return matrix((i, j) => Number(i === j) + (j === 3 && i < 3 ? b : 0));
}

/** Scales every channel by c about 0 (scale3d(c, c, c)). */
export function contrastColor(c: number): ColorMatrix {
  return matrix((i, j) => (i === j ? (i < 3 ? c : 1) : 0));
}

/** I − 2·flip·vvᵀ: the Householder reflection along the luma axis when flip is 1, the identity when 0. */
export function lumaFlipColor(flip: number): ColorMatrix {
  return matrix((i, j) => Number(i === j) - 2 * flip * LUMA[i] * LUMA[j]);
}

/** Rotation by theta radians around the luma axis (the reference's rotate3d(v, theta), Rodrigues' formula). */
export function hueColor(theta: number): ColorMatrix {
  const [x, y, z] = LUMA;
  const s = Math.sin(theta);
  const c = Math.cos(theta);
  const cc = 1 - c;
  const rows = [
    [x * x * cc + c, x * y * cc - z * s, x * z * cc + y * s, 0],
    [y * x * cc + z * s, y * y * cc + c, y * z * cc - x * s, 0],
    [z * x * cc - y * s, z * y * cc + x * s, z * z * cc + c, 0],
    [0, 0, 0, 1],
  ];
  return matrix((i, j) => rows[i][j]);
}

/** vvᵀ + (I − vvᵀ)·s: the chroma (off the luma axis) scaled by s. */
export function saturationColor(s: number): ColorMatrix {
  return matrix((i, j) => LUMA[i] * LUMA[j] + (Number(i === j) - LUMA[i] * LUMA[j]) * s);
}

/**
 * Images [n, h, w, c] with matrices[i] applied to image i → [n, h, w, c]. RGB (c = 3): C[:3, :3]·rgb + C[:3, 3];
 * grey (c = 1), as the reference: x·Σⱼ m̄ⱼ + m̄₃, m̄ the mean of C's first three rows. Differentiable in the images.
 */
export function applyColorMatrices(images: tf.Tensor4D, matrices: readonly ColorMatrix[]): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  if (matrices.length !== n) throw new Error(`${matrices.length} colour matrices for a batch of ${n} images`);
  if (c !== 3 && c !== 1) throw new Error(`ADA's colour transforms need RGB or grey images, not ${c} channels`);
  return tf.tidy(() => {
    if (c === 1) {
      const scale = matrices.map((m) => (m[0] + m[1] + m[2] + m[4] + m[5] + m[6] + m[8] + m[9] + m[10]) / 3);
      const offset = matrices.map((m) => (m[3] + m[7] + m[11]) / 3);
      return tf.add(tf.mul(images, perImage(scale)), perImage(offset));
    }
    const linear = new Float32Array(n * 9);
    const offset = new Float32Array(n * 3);
    matrices.forEach((m, k) => {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) linear[k * 9 + i * 3 + j] = m[i * 4 + j];
        offset[k * 3 + i] = m[i * 4 + 3];
      }
    });
    // Pixels as rows: [n, h·w, 3]·C₃ᵀ.
    const rgb = tf.matMul(tf.reshape(images, [n, h * w, 3]), tf.tensor3d(linear, [n, 3, 3]), false, true);
    return tf.reshape(tf.add(rgb, tf.tensor3d(offset, [n, 1, 3])), [n, h, w, 3]);
  });
}

function matrix(entry: (i: number, j: number) => number): ColorMatrix {
  return Float64Array.from({ length: 16 }, (_, k) => entry(Math.floor(k / 4), k % 4));
}
