// The batch pipeline: seeded shuffling per epoch, batching, scaling uint8 pixels to [-1, 1] or
// [0, 1], seeded Bernoulli binarisation (dynamic or fixed), labels as ints and one-hot.
// Batches are plain Float32Arrays; `batchTensors` (src/training/batch-tensors.ts) wraps them without copying.
import type { Dataset } from './dataset.ts';
import { mixSeed, permutation, Rng } from '../core/random.ts';
import { DataError } from '../core/errors.ts';

/** Value range of pixels in a batch: [-1, 1] for tanh generators, [0, 1] for Bernoulli VAEs. */
export type PixelRange = '[-1,1]' | '[0,1]';

export interface BatchOptions {
  /** Images per batch. */
  batchSize: number;
  /** Drives shuffling and binarisation: the same seed gives the same batches, epoch by epoch. Default 0. */
  seed?: number;
  /** Shuffle each epoch (seeded by seed and epoch). Default true. */
  shuffle?: boolean;
  /** Default '[-1,1]'. */
  range?: PixelRange;
  /** 'dynamic': a fresh Bernoulli(pixel/255) draw each batch; 'fixed': one seeded draw kept for every epoch. Default 'none'. */
  binarize?: 'none' | 'dynamic' | 'fixed';
  /** Drop the last, smaller batch of an epoch (constant batch shapes). Default false. */
  dropLast?: boolean;
}

/** One batch; the arrays are fresh, so a tensor may take them over. */
export interface Batch {
  /** float32 pixels [batch, h, w, c] in the requested range. */
  images: Float32Array;
  shape: [number, number, number, number];
  /** Class indices [batch], when the dataset has labels. */
  labels?: Int32Array;
  /** The dataset rows in this batch [batch]. */
  indices: Int32Array;
  epoch: number;
  index: number;
}

/** Iterates a dataset in batches, epoch after epoch, reproducibly from a seed. */
export interface Batcher {
  batchesPerEpoch: number;
  /** Batch `index` of `epoch`: random access, so a resumed run continues mid-epoch exactly. */
  batch(epoch: number, index: number): Batch;
  /** The batches of `epoch` from batch `from` (default 0). */
  epoch(epoch: number, from?: number): Generator<Batch>;
}

/** value = byte * scale + offset maps 0..top (255, or 1 after binarising) onto `range`. */
function affineFor(range: PixelRange, binary: boolean): { scale: number; offset: number } {
  const top = binary ? 1 : 255;
  return range === '[0,1]' ? { scale: 1 / top, offset: 0 } : { scale: 2 / top, offset: -1 };
}

/** P(1) of a pixel value, scaled to 16 bits: round(v / 255 * 65536), so 0 never and 255 always gives 1. */
const BERNOULLI_THRESHOLD = Int32Array.from({ length: 256 }, (_, v) => Math.round((v / 255) * 65536));

/** One seeded Bernoulli(value/255) draw per pixel; each 32-bit draw serves two pixels (16 bits each). */
function binarizeInto(out: Uint8Array, pixels: Uint8Array, rng: Rng): void {
  for (let i = 0; i < pixels.length; i += 2) {
    const r = rng.nextUint32();
    out[i] = (r & 0xffff) < BERNOULLI_THRESHOLD[pixels[i]] ? 1 : 0;
    if (i + 1 < pixels.length) out[i + 1] = r >>> 16 < BERNOULLI_THRESHOLD[pixels[i + 1]] ? 1 : 0;
  }
}

/** A batcher over `dataset` (uint8 NHWC) giving float32 [batch, h, w, c] batches. */
export function createBatcher(dataset: Dataset, options: BatchOptions): Batcher {
  const { batchSize, seed = 0, shuffle = true, range = '[-1,1]', binarize = 'none', dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataError(`batch size must be a positive integer, got ${batchSize}`);
  if (dataset.count === 0) throw new DataError(`dataset ${dataset.name} has no images`);
  if (dropLast && dataset.count < batchSize) {
    throw new DataError(`dataset ${dataset.name} has ${dataset.count} images, fewer than one batch of ${batchSize}`);
  }

  const rowSize = dataset.height * dataset.width * dataset.channels;
  const { scale, offset } = affineFor(range, binarize !== 'none');
  const batchesPerEpoch = dropLast ? Math.floor(dataset.count / batchSize) : Math.ceil(dataset.count / batchSize);
  let fixedBinary: Uint8Array | undefined;
  let order: { epoch: number; rows: Int32Array } | undefined;

  const rowsOf = (epoch: number): Int32Array => {
    if (order?.epoch !== epoch) {
      const rows = shuffle ? permutation(dataset.count, new Rng(mixSeed(seed, epoch))) : Int32Array.from({ length: dataset.count }, (_, i) => i);
      order = { epoch, rows };
    }
    return order.rows;
  };

  const batch = (epoch: number, index: number): Batch => {
    if (!(index >= 0 && index < batchesPerEpoch)) throw new RangeError(`batch ${index} is outside 0..${batchesPerEpoch - 1}`);
    const indices = rowsOf(epoch).slice(index * batchSize, Math.min((index + 1) * batchSize, dataset.count));
    const size = indices.length;
    if (binarize === 'fixed' && !fixedBinary) {
      fixedBinary = new Uint8Array(dataset.images.length);
      binarizeInto(fixedBinary, dataset.images, new Rng(mixSeed(seed, 0xb1a7)));
    }
    const source = fixedBinary ?? dataset.images;
    // Dynamic draws happen on a gathered copy with an Rng seeded by (seed, epoch, batch), so a
    // resumed run draws exactly what the first run drew.
    let drawn: Uint8Array | null = null;
    if (binarize === 'dynamic') {
      drawn = new Uint8Array(size * rowSize);
      for (let i = 0; i < size; i++) drawn.set(source.subarray(indices[i] * rowSize, (indices[i] + 1) * rowSize), i * rowSize);
      binarizeInto(drawn, drawn, new Rng(mixSeed(seed, epoch, index, 0xd1a)));
    }
    const pixels = drawn ?? source;
    const images = new Float32Array(size * rowSize);
    for (let i = 0; i < size; i++) {
      const from = (drawn ? i : indices[i]) * rowSize;
      const to = i * rowSize;
      for (let j = 0; j < rowSize; j++) images[to + j] = pixels[from + j] * scale + offset;
    }
    const result: Batch = { images, shape: [size, dataset.height, dataset.width, dataset.channels], indices, epoch, index };
    if (dataset.labels) {
      const labels = new Int32Array(size);
      for (let i = 0; i < size; i++) labels[i] = dataset.labels[indices[i]];
      result.labels = labels;
    }
    return result;
  };

  return {
    batchesPerEpoch,
    batch,
    *epoch(epoch: number, from = 0) {
      for (let index = from; index < batchesPerEpoch; index++) yield batch(epoch, index);
    },
  };
}
