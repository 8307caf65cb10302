// Per-image integer pixel maps (flips, 90° rotations, integer shifts with zero or reflect fill) and their
// differentiable application: one-hot selection matrices in batched matMuls, which tfjs differentiates.
import * as tf from '@tensorflow/tfjs-core';
import { hasNativePixelMap, nativePixelMap } from '../../native/pixel-map.ts';
import { perImage } from './per-image.ts';

/**
 * Where each output pixel of one image comes from: out[y][x] = src[rows[y]][cols[x]], src = the input, or its
 * spatial transpose when `transposed`; an index of -1 makes that row or column zero.
 */
export interface PixelMap {
  transposed: boolean;
  rows: Int32Array;
  cols: Int32Array;
}

/** How a shift fills the pixels it uncovers: zeros (DiffAugment), or the image mirrored at its edge without repeating it (ADA). */
export type ShiftFill = 'zero' | 'reflect';

/** The map that leaves an h × w image unchanged. */
export function identityMap(height: number, width: number): PixelMap {
  return { transposed: false, rows: range(height), cols: range(width) };
}

/** Whether `map` leaves its image unchanged. */
export function isIdentityMap(map: PixelMap): boolean {
  return !map.transposed && isRange(map.rows) && isRange(map.cols);
}

/** `map` followed by a left-right mirror: out'[y][x] = out[y][w-1-x]. */
export function flipColumns(map: PixelMap): PixelMap {
  return { ...map, cols: map.cols.slice().reverse() };
}

/** `map` followed by an up-down mirror: out'[y][x] = out[h-1-y][x]. */
export function flipRows(map: PixelMap): PixelMap {
  return { ...map, rows: map.rows.slice().reverse() };
}

/** `map` followed by a spatial transpose, out'[y][x] = out[x][y] (square images only). */
export function transposeMap(map: PixelMap): PixelMap {
  if (map.rows.length !== map.cols.length) throw new Error(`a transpose needs a square image, not ${map.rows.length}x${map.cols.length}`);
  return { transposed: !map.transposed, rows: map.cols, cols: map.rows };
}

/**
 * `map` followed by `quarterTurns` 90° rotations, counter-clockwise as displayed (rows downward): one turn is
 * out'[y][x] = out[x][w-1-y], ADA's rotate90 for i = 1 (square images only).
 */
export function rotateMap(map: PixelMap, quarterTurns: number): PixelMap {
  const turns = ((quarterTurns % 4) + 4) % 4;
  if (turns === 0) return map;
  if (turns === 2) return flipRows(flipColumns(map));
  return turns === 1 ? flipRows(transposeMap(map)) : flipColumns(transposeMap(map));
}

/** `map` followed by moving the content dy rows down and dx columns right: out'[y][x] = out[y-dy][x-dx], uncovered pixels filled by `fill`. */
export function shiftMap(map: PixelMap, dy: number, dx: number, fill: ShiftFill): PixelMap {
  return { transposed: map.transposed, rows: shiftIndices(map.rows, dy, fill), cols: shiftIndices(map.cols, dx, fill) };
}

/**
 * Images [n, h, w, c] with maps[i] applied to image i → [n, h, w, c]. Differentiable with respect to the images. On
 * the native backend one gather kernel; elsewhere rows are selected by one-hot [n, h, h] matrices, columns by one-hot
 * [n, w·c, w·c] ones (tfjs has no per-image gather), and steps no map needs are skipped.
 */
export function applyPixelMaps(images: tf.Tensor4D, maps: readonly PixelMap[]): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  if (maps.length !== n) throw new Error(`${maps.length} pixel maps for a batch of ${n} images`);
  if (maps.every(isIdentityMap)) return tf.clone(images);
  if (hasNativePixelMap()) {
    const rows = new Int32Array(n * h);
    const cols = new Int32Array(n * w);
    maps.forEach((map, i) => {
      if (map.rows.length !== h || map.cols.length !== w) throw new Error(`pixel map ${i} is ${map.rows.length}x${map.cols.length}, its image ${h}x${w}`);
      rows.set(map.rows, i * h);
      cols.set(map.cols, i * w);
    });
    return nativePixelMap(images, rows, cols, Int32Array.from(maps, (map) => Number(map.transposed)));
  }
  return tf.tidy(() => {
    let x: tf.Tensor4D = images;
    const transposed = maps.map((m) => m.transposed);
    if (transposed.some(Boolean)) {
      const flipped = transposeImages(x);
      x = transposed.every(Boolean) ? flipped : mixImages(flipped, x, transposed);
    }
    if (maps.some((m) => !isRange(m.rows))) {
      x = tf.reshape(tf.matMul(rowSelection(maps, h), tf.reshape(x, [n, h, w * c])), [n, h, w, c]);
    }
    if (maps.some((m) => !isRange(m.cols))) {
      x = tf.reshape(tf.matMul(tf.reshape(x, [n, h, w * c]), columnSelection(maps, w, c)), [n, h, w, c]);
    }
    return x === images ? tf.clone(images) : x;
  });
}

/**
 * The spatial transpose of square images [n, s, s, c] → [n, s, s, c], out[i][y][x] = in[i][x][y], as two batched
 * matMuls against identities (a quarter of tf.transpose's time on the native backend).
 */
export function transposeImages(images: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = images.shape;
  if (h !== w) throw new Error(`a transpose needs square images, not ${h}x${w}`);
  return tf.tidy(() => {
    // Per image, [s, s·c]ᵀ = [s·c, s]: rows (x, channel), columns y.
    const columnsFirst = tf.matMul(tf.reshape(images, [n, h, w * c]), tf.reshape(tf.eye(h), [1, h, h]), true, false);
    if (c === 1) return tf.reshape(columnsFirst, [n, w, h, 1]);
    // Per (image, x), [c, s]ᵀ = [s, c].
    const channelsLast = tf.matMul(tf.reshape(columnsFirst, [n * w, c, h]), tf.reshape(tf.eye(c), [1, c, c]), true, false);
    return tf.reshape(channelsLast, [n, w, h, c]);
  });
}

/** a where `useA[i]`, else b, image by image: a·m + b·(1 − m) with m ∈ {0, 1}, exact in float32. [n, h, w, c] each. */
function mixImages(a: tf.Tensor4D, b: tf.Tensor4D, useA: readonly boolean[]): tf.Tensor4D {
  return tf.add(tf.mul(a, perImage(useA.map(Number))), tf.mul(b, perImage(useA.map((u) => 1 - Number(u)))));
}

/** One-hot [n, h, h]: row y of image i picks input row maps[i].rows[y] (none for -1). */
function rowSelection(maps: readonly PixelMap[], h: number): tf.Tensor3D {
  const values = new Float32Array(maps.length * h * h);
  maps.forEach((map, i) => map.rows.forEach((source, y) => {
    if (source >= 0) values[(i * h + y) * h + source] = 1;
  }));
  return tf.tensor3d(values, [maps.length, h, h]);
}

/** One-hot [n, w·c, w·c] acting on the right: input entry (cols[x], ch) goes to output entry (x, ch). */
function columnSelection(maps: readonly PixelMap[], w: number, c: number): tf.Tensor3D {
  const k = w * c;
  const values = new Float32Array(maps.length * k * k);
  maps.forEach((map, i) => map.cols.forEach((source, x) => {
    if (source < 0) return;
    for (let ch = 0; ch < c; ch++) values[(i * k + source * c + ch) * k + x * c + ch] = 1;
  }));
  return tf.tensor3d(values, [maps.length, k, k]);
}

/** indices moved by `shift`: out[j] = indices[j - shift], outside filled with -1 or mirrored (edge not repeated). */
function shiftIndices(indices: Int32Array, shift: number, fill: ShiftFill): Int32Array {
  const size = indices.length;
  if (fill === 'reflect' && Math.abs(shift) >= size) {
    throw new Error(`a reflected shift by ${shift} needs an image side above ${Math.abs(shift)}, not ${size}`);
  }
  return indices.map((_, j) => {
    const from = j - shift;
    if (from >= 0 && from < size) return indices[from];
    if (fill === 'zero') return -1;
    return indices[from < 0 ? -from : 2 * (size - 1) - from];
  });
}

function range(size: number): Int32Array {
  return Int32Array.from({ length: size }, (_, i) => i);
}

function isRange(indices: Int32Array): boolean {
  return indices.every((v, i) => v === i);
}
