// DiffAugment (Zhao et al. 2020; the semantics of mit-han-lab/data-efficient-gans' DiffAugment_pytorch.py): colour,
// translation and cutout drawn per image from a seeded Rng, differentiable in the images [n, h, w, c] in [-1, 1].
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/random.ts';
import { drawGate, perImage } from './per-image.ts';
import { applyPixelMaps, identityMap, shiftMap } from './pixel-map.ts';

/** The reference's translation ratio: shifts of up to 1/8 of the side. */
const TRANSLATION_RATIO = 1 / 8;
/** The reference's cutout ratio: a square of half the side. */
const CUTOUT_RATIO = 1 / 2;

/** One DiffAugment op: its --help summary and the op itself, which touches only the images whose `gate` is true. */
export interface DiffAugmentRecord {
  summary: string;
  /** images [n, h, w, c] → [n, h, w, c], parameters drawn from `rng` (gate [n]). */
  apply(images: tf.Tensor4D, rng: Rng, gate: readonly boolean[]): tf.Tensor4D;
}

/** Every DiffAugment op by its --augment-policy name, in the reference's order. */
export const DIFF_AUGMENT_RECORDS = {
  color: {
    summary: 'brightness + U(-0.5, 0.5), saturation × U(0, 2), contrast × U(0.5, 1.5), per image',
    apply: (images, rng, gate) => tf.tidy(() => {
      const factors = drawColor(rng, gate);
      return adjustContrast(adjustSaturation(adjustBrightness(images, factors.brightness), factors.saturation), factors.contrast);
    }),
  },
  translation: {
    summary: 'shift by up to 1/8 of the side (rounded) each way, zero fill',
    apply: (images, rng, gate) => {
      const { dy, dx } = drawTranslation(rng, images.shape, gate);
      return translateImages(images, dy, dx);
    },
  },
  cutout: {
    summary: 'zero a square of half the side (rounded) at a random place',
    apply: (images, rng, gate) => cutoutImages(images, drawCutout(rng, images.shape, gate)),
  },
} as const satisfies Record<string, DiffAugmentRecord>;

export type DiffAugmentOp = keyof typeof DIFF_AUGMENT_RECORDS;
/** The DiffAugment op names, in the order --help lists them (also the default policy). */
export const DIFF_AUGMENT_OPS = Object.keys(DIFF_AUGMENT_RECORDS) as [DiffAugmentOp, ...DiffAugmentOp[]];

/**
 * DiffAugment: the ops of `policy` in its order, on images [n, h, w, c] → [n, h, w, c]. Each image is augmented with
 * probability p (drawn once per image for the whole policy), the others pass unchanged. Differentiable in `images`;
 * the same `rng` state gives the same result.
 */
export function diffAugment(images: tf.Tensor4D, policy: readonly DiffAugmentOp[], rng: Rng, p = 1): tf.Tensor4D {
  const gate = drawGate(rng, images.shape[0], p);
  if (!gate.some(Boolean) || policy.length === 0) return tf.clone(images);
  return tf.tidy(() => policy.reduce((x, op) => DIFF_AUGMENT_RECORDS[op].apply(x, rng, gate), images));
}

/** Per-image factors of the colour op, [n] each; an image outside the gate gets the identity (0, 1, 1). */
export interface ColorFactors {
  brightness: number[];
  saturation: number[];
  contrast: number[];
}

/** The colour op's factors as the reference draws them: brightness U − 0.5, saturation 2U, contrast U + 0.5 (gate [n]). */
export function drawColor(rng: Rng, gate: readonly boolean[]): ColorFactors {
  const draw = (make: (u: number) => number, identity: number) => gate.map((on) => {
    const u = rng.next();
    return on ? make(u) : identity;
  });
  return { brightness: draw((u) => u - 0.5, 0), saturation: draw((u) => 2 * u, 1), contrast: draw((u) => u + 0.5, 1) };
}

/** x + amounts[i] on image i: images [n, h, w, c], amounts [n] → [n, h, w, c]. */
export function adjustBrightness(images: tf.Tensor4D, amounts: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => tf.add(images, perImage(amounts)));
}

/**
 * (x − m)·factors[i] + m on image i, m the mean over channels of each pixel: images [n, h, w, c], factors [n] → [n, h, w, c].
 * Run as each pixel times the c × c matrix s·I + (1 − s)/c (a reduction over the channel axis is slower on native).
 */
export function adjustSaturation(images: tf.Tensor4D, factors: readonly number[]): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  const matrices = new Float32Array(n * c * c);
  factors.forEach((s, i) => {
    for (let j = 0; j < c; j++) for (let k = 0; k < c; k++) matrices[(i * c + j) * c + k] = (j === k ? s : 0) + (1 - s) / c;
  });
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(images, [n, h * w, c]), tf.tensor3d(matrices, [n, c, c])), [n, h, w, c]));
}

/** (x − m)·factors[i] + m on image i, m the mean of its every pixel and channel: images [n, h, w, c], factors [n] → [n, h, w, c]. */
export function adjustContrast(images: tf.Tensor4D, factors: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const mean = tf.mean(images, [1, 2, 3], true);
    return tf.add(tf.mul(tf.sub(images, mean), perImage(factors)), mean);
  });
}

/** The largest translation of a side, int(side · 1/8 + 0.5) as in the reference. */
export function translationLimit(side: number): number {
  return Math.floor(side * TRANSLATION_RATIO + 0.5);
}

/**
 * Per-image shifts [n] each, uniform integers in [-s, s] for s = translationLimit of the side (0 outside the gate).
 * The reference samples the source offset (out = in[y + t]); the range is symmetric, so drawing the content's move is the same.
 */
export function drawTranslation(rng: Rng, shape: readonly number[], gate: readonly boolean[]): { dy: number[]; dx: number[] } {
  const draw = (side: number) => {
    const limit = translationLimit(side);
    return gate.map((on) => {
      const t = rng.int(2 * limit + 1) - limit;
      return on ? t : 0;
    });
  };
  const dy = draw(shape[1]);
  return { dy, dx: draw(shape[2]) };
}

/** Image i's content moved dy[i] rows down and dx[i] columns right, zeros where it uncovers: out[y][x] = in[y − dy][x − dx]. [n, h, w, c] → [n, h, w, c]. */
export function translateImages(images: tf.Tensor4D, dy: readonly number[], dx: readonly number[]): tf.Tensor4D {
  const [, h, w] = images.shape;
  return applyPixelMaps(images, dy.map((rows, i) => shiftMap(identityMap(h, w), rows, dx[i], 'zero')));
}

/** A rectangle of one image to zero; the parts outside the image are ignored. */
export interface CutoutBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/** The side of the cutout square along a side: int(side · 1/2 + 0.5) as in the reference. */
export function cutoutSize(side: number): number {
  return Math.floor(side * CUTOUT_RATIO + 0.5);
}

/**
 * Per-image boxes as the reference draws them: a centre offset o uniform in [0, side − (size mod 2)] along each side,
 * rows (and columns) o − ⌊size/2⌋ … o − ⌊size/2⌋ + size − 1 clipped to the image; null outside the gate. shape [n, h, w, c].
 */
export function drawCutout(rng: Rng, shape: readonly number[], gate: readonly boolean[]): (CutoutBox | null)[] {
  const [, h, w] = shape;
  const size = [cutoutSize(h), cutoutSize(w)];
  const offsets = size.map((s, axis) => gate.map(() => rng.int(shape[axis + 1] + 1 - (s % 2)) - Math.floor(s / 2)));
  return gate.map((on, i) => (on ? { top: offsets[0][i], left: offsets[1][i], height: size[0], width: size[1] } : null));
}

/** Images [n, h, w, c] with boxes[i] of image i set to zero (none for null) → [n, h, w, c]. */
export function cutoutImages(images: tf.Tensor4D, boxes: readonly (CutoutBox | null)[]): tf.Tensor4D {
  const [n, h, w] = images.shape;
  const mask = new Float32Array(n * h * w).fill(1);
  boxes.forEach((box, i) => {
    if (!box) return;
    for (let y = Math.max(0, box.top); y < Math.min(h, box.top + box.height); y++) {
      mask.fill(0, (i * h + y) * w + Math.max(0, box.left), (i * h + y) * w + Math.min(w, box.left + box.width));
    }
  });
  return tf.tidy(() => tf.mul(images, tf.tensor4d(mask, [n, h, w, 1])));
}
