// ADA's augmentation pipeline (Karras et al. 2020; NVlabs/stylegan2-ada-pytorch training/augment.py) over its
// differentiable subset: x-flip, 90° rotations, integer translation and colour, each per image with probability p.
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../core/random.ts';
import {
  applyColorMatrices, brightnessColor, type ColorMatrix, composeColor, contrastColor, hueColor, identityColor, isIdentityColor,
  lumaFlipColor, saturationColor,
} from './color-matrix.ts';
import { drawGate, drawNormals } from './per-image.ts';
import { applyPixelMaps, flipColumns, identityMap, isIdentityMap, type PixelMap, rotateMap, shiftMap } from './pixel-map.ts';

/** The reference's integer translation range, relative to the side (xint_max). */
const TRANSLATION_MAX = 0.125;
/** The reference's colour distributions: brightness_std, contrast_std (log2), hue_max (of a full turn), saturation_std (log2). */
const COLOR = { brightnessStd: 0.2, contrastStd: 0.5, hueMax: 1, saturationStd: 1 } as const;

/** One batch's augmentation before it runs: image i gets maps[i] (geometry), then colors[i] (colour). */
export interface AdaPlan {
  maps: PixelMap[];
  colors: ColorMatrix[];
  /** The images' channels: hue and saturation act on RGB only, as in the reference. */
  channels: number;
}

/** One ADA op: its --help summary, what it needs of the images, and its draw into a batch's plan. */
export interface AdaOpRecord {
  summary: string;
  /** Why images [h, w, c] cannot take this op, or undefined when they can. */
  unsupported(shape: readonly number[]): string | undefined;
  /** Adds this op to `plan`, applied to each image with probability p, parameters drawn from `rng`. */
  draw(plan: AdaPlan, rng: Rng, p: number): void;
}

const anyShape = () => undefined;

/** Every ADA op by its --augment-policy name, in the order the pipeline runs them (the reference's). */
export const ADA_OP_RECORDS = {
  xflip: {
    summary: 'mirror left-right (half the time)',
    unsupported: anyShape,
    draw: (plan, rng, p) => {
      const flips = plan.maps.map(() => Math.floor(rng.next() * 2));
      drawGate(rng, flips.length, p).forEach((on, i) => {
        if (on && flips[i]) plan.maps[i] = flipColumns(plan.maps[i]);
      });
    },
  },
  rotate90: {
    summary: 'rotate by 0, 90, 180 or 270 degrees (square images)',
    unsupported: ([h, w]) => (h === w ? undefined : `needs square images, not ${h}x${w}`),
    draw: (plan, rng, p) => {
      const turns = plan.maps.map(() => Math.floor(rng.next() * 4));
      drawGate(rng, turns.length, p).forEach((on, i) => {
        if (on) plan.maps[i] = rotateMap(plan.maps[i], turns[i]);
      });
    },
  },
  translation: {
    summary: 'shift by up to 1/8 of the side each way (rounded), edges mirrored',
    unsupported: anyShape,
    draw: (plan, rng, p) => {
      const shifts = plan.maps.map((map) => ({
        dx: roundHalfEven((rng.next() * 2 - 1) * TRANSLATION_MAX * map.cols.length),
        dy: roundHalfEven((rng.next() * 2 - 1) * TRANSLATION_MAX * map.rows.length),
      }));
      drawGate(rng, shifts.length, p).forEach((on, i) => {
        if (on) plan.maps[i] = shiftMap(plan.maps[i], shifts[i].dy, shifts[i].dx, 'reflect');
      });
    },
  },
  color: {
    summary: 'brightness + N(0, 0.2), contrast × 2^N(0, 0.5), luma flip, hue rotation U(-180°, 180°), saturation × 2^N(0, 1) '
      + '(grey images: brightness, contrast and luma flip, which negates them), each on its own',
    unsupported: ([, , c]) => (c === 1 || c === 3 ? undefined : `needs RGB or grey images, not ${c} channels`),
    draw: (plan, rng, p) => {
      const n = plan.colors.length;
      const normals = () => drawNormals(rng, n);
      const uniforms = () => Array.from({ length: n }, () => rng.next());
      const steps: (() => (ColorMatrix | null)[])[] = [
        () => normals().map((z) => brightnessColor(z * COLOR.brightnessStd)),
        () => normals().map((z) => contrastColor(2 ** (z * COLOR.contrastStd))),
        () => uniforms().map((u) => (Math.floor(u * 2) ? lumaFlipColor(1) : null)),
      ];
      if (plan.channels > 1) {
        steps.push(
          () => uniforms().map((u) => hueColor((u * 2 - 1) * Math.PI * COLOR.hueMax)),
          () => normals().map((z) => saturationColor(2 ** (z * COLOR.saturationStd))),
        );
      }
      for (const step of steps) {
        const transforms = step();
        drawGate(rng, n, p).forEach((on, i) => {
          const transform = transforms[i];
          if (on && transform) plan.colors[i] = composeColor(transform, plan.colors[i]);
        });
      }
    },
  },
} as const satisfies Record<string, AdaOpRecord>;

export type AdaOp = keyof typeof ADA_OP_RECORDS;
/** The ADA op names, in the order --help lists them and the pipeline runs them (also the default policy). */
export const ADA_OPS = Object.keys(ADA_OP_RECORDS) as [AdaOp, ...AdaOp[]];

/**
 * ADA: each op of `ops` (run in ADA_OPS' order, geometry before colour, whatever the list's order) applied to each
 * image of [n, h, w, c] with probability p → [n, h, w, c]. Differentiable in `images`; p = 0 or no op drawn costs
 * nothing beyond a clone. The same `rng` state gives the same result.
 */
export function adaAugment(images: tf.Tensor4D, ops: readonly AdaOp[], p: number, rng: Rng): tf.Tensor4D {
  return runAdaPlan(images, drawAdaPlan(images.shape, ops, p, rng));
}

/** Images [n, h, w, c] each mirrored left-right with probability 1/2 (the data's --flip; ADA's xflip at p = 1) → [n, h, w, c]. */
export function randomXFlip(images: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  return adaAugment(images, ['xflip'], 1, rng);
}

/** The draws of adaAugment for a batch of `shape` [n, h, w, c], before any tensor work; an op the shape cannot take throws. */
export function drawAdaPlan(shape: readonly number[], ops: readonly AdaOp[], p: number, rng: Rng): AdaPlan {
  const [n, h, w, c] = shape;
  const plan: AdaPlan = {
    maps: Array.from({ length: n }, () => identityMap(h, w)),
    colors: Array.from({ length: n }, () => identityColor()),
    channels: c,
  };
  for (const op of ADA_OPS) {
    if (!ops.includes(op)) continue;
    const problem = ADA_OP_RECORDS[op].unsupported([h, w, c]);
    if (problem) throw new Error(`ADA's ${op} ${problem}`);
    ADA_OP_RECORDS[op].draw(plan, rng, p);
  }
  return plan;
}

/** `plan` run on images [n, h, w, c] → [n, h, w, c]: its pixel maps, then its colour matrices, each skipped when no image needs it. */
export function runAdaPlan(images: tf.Tensor4D, plan: AdaPlan): tf.Tensor4D {
  return tf.tidy(() => {
    let x = images;
    if (!plan.maps.every(isIdentityMap)) x = applyPixelMaps(x, plan.maps);
    if (!plan.colors.every(isIdentityColor)) x = applyColorMatrices(x, plan.colors);
    return x === images ? tf.clone(images) : x;
  });
}

/** v rounded to the nearest integer, halves to the even one (torch.round). */
function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const rest = v - floor;
  if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
