// Pixel maps (src/gan/augment/pixel-map.ts) on small images whose every output is known: zero and reflected
// shifts, flips, 90° rotations and their composition, the matMul transpose; on the cpu and native backends.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/env/backend.ts';
import {
  applyPixelMaps, flipColumns, flipRows, identityMap, isIdentityMap, rotateMap, shiftMap, transposeImages, transposeMap,
} from '../../src/gan/augment/pixel-map.ts';
import { nativeMissing } from '../helpers/backends.ts';

/** A 4×4 grey image whose pixel (y, x) is 10y + x + 1 (no zeros, so zero fill shows). */
const GRID = [[1, 2, 3, 4], [11, 12, 13, 14], [21, 22, 23, 24], [31, 32, 33, 34]];

function image(rows: number[][]): tf.Tensor4D {
  return tf.tensor4d(rows.flat(), [1, rows.length, rows[0].length, 1]);
}

function rowsOf(t: tf.Tensor4D): number[][] {
  const [, h, w] = t.shape;
  const values = Array.from(t.dataSync());
  return Array.from({ length: h }, (_, y) => values.slice(y * w, (y + 1) * w));
}

const mapped = (rows: number[][], map: (m: ReturnType<typeof identityMap>) => ReturnType<typeof identityMap>) =>
  tf.tidy(() => rowsOf(applyPixelMaps(image(rows), [map(identityMap(rows.length, rows[0].length))])));

for (const backend of ['cpu', 'native'] as const) {
  describe(`pixel maps on ${backend}`, { skip: backend === 'native' && nativeMissing }, () => {
    before(async () => {
      await initBackend(backend);
    });

    it('a zero-filled shift by (1, -1) moves the content down one row and left one column', () => {
      assert.deepEqual(mapped(GRID, (m) => shiftMap(m, 1, -1, 'zero')), [
        [0, 0, 0, 0],
        [2, 3, 4, 0],
        [12, 13, 14, 0],
        [22, 23, 24, 0],
      ]);
    });

    it('a reflected shift mirrors the image at its edge without repeating the edge (torch\'s reflect padding)', () => {
      assert.deepEqual(mapped([[1, 2, 3, 4]], (m) => shiftMap(m, 0, 2, 'reflect')), [[3, 2, 1, 2]]);
      assert.deepEqual(mapped([[1, 2, 3, 4]], (m) => shiftMap(m, 0, -3, 'reflect')), [[4, 3, 2, 1]]);
      assert.deepEqual(mapped(GRID, (m) => shiftMap(m, -1, 1, 'reflect')), [
        [12, 11, 12, 13],
        [22, 21, 22, 23],
        [32, 31, 32, 33],
        [22, 21, 22, 23],
      ]);
      assert.throws(() => shiftMap(identityMap(4, 4), 4, 0, 'reflect'), /image side above 4/);
    });

    it('flips mirror columns and rows', () => {
      assert.deepEqual(mapped(GRID, flipColumns), GRID.map((row) => [...row].reverse()));
      assert.deepEqual(mapped(GRID, flipRows), [...GRID].reverse());
    });

    it('one quarter turn is out[y][x] = in[x][w-1-y] (counter-clockwise); two and three follow', () => {
      const turn = (g: number[][]) => g.map((_, y) => g.map((_, x) => g[x][g.length - 1 - y]));
      assert.deepEqual(mapped(GRID, (m) => rotateMap(m, 1)), turn(GRID));
      assert.deepEqual(mapped(GRID, (m) => rotateMap(m, 2)), turn(turn(GRID)));
      assert.deepEqual(mapped(GRID, (m) => rotateMap(m, 3)), turn(turn(turn(GRID))));
      assert.deepEqual(mapped(GRID, (m) => rotateMap(m, 4)), GRID);
      assert.ok(isIdentityMap(rotateMap(rotateMap(identityMap(4, 4), 1), 3)));
      assert.throws(() => transposeMap(identityMap(4, 5)), /square image/);
    });

    it('maps compose in order: a flip, a quarter turn, then a shift', () => {
      const flipped = GRID.map((row) => [...row].reverse());
      const turned = flipped.map((_, y) => flipped.map((_, x) => flipped[x][3 - y]));
      const shifted = turned.map((row, y) => row.map((_, x) => (y - 1 >= 0 && x + 2 < 4 ? turned[y - 1][x + 2] : 0)));
      assert.deepEqual(mapped(GRID, (m) => shiftMap(rotateMap(flipColumns(m), 1), 1, -2, 'zero')), shifted);
    });

    it('each image of a batch takes its own map, on every channel', () => {
      tf.tidy(() => {
        const x = tf.randomUniform([3, 5, 5, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
        const maps = [rotateMap(identityMap(5, 5), 1), identityMap(5, 5), shiftMap(flipRows(identityMap(5, 5)), 2, 1, 'reflect')];
        const out = applyPixelMaps(x, maps);
        const single = maps.map((map, i) => applyPixelMaps(tf.slice(x, [i, 0, 0, 0], [1, 5, 5, 3]), [map]));
        assert.deepEqual(out.dataSync(), tf.concat(single).dataSync());
        // Channels move together: channel 2 of the output is channel 2 of the input, rotated.
        const channel = (t: tf.Tensor4D) => tf.slice(t, [0, 0, 0, 2], [1, 5, 5, 1]) as tf.Tensor4D;
        assert.deepEqual(channel(out).dataSync(), applyPixelMaps(channel(x), [maps[0]]).dataSync());
      });
    });

    it('transposeImages equals tf.transpose of the spatial axes, for 1 and 3 channels', () => {
      tf.tidy(() => {
        for (const c of [1, 3]) {
          const x = tf.randomUniform([2, 6, 6, c], -1, 1, 'float32', c) as tf.Tensor4D;
          assert.deepEqual(transposeImages(x).dataSync(), tf.transpose(x, [0, 2, 1, 3]).dataSync());
        }
      });
    });

    it('identity maps return a new tensor with the same values', () => {
      tf.tidy(() => {
        const x = image(GRID);
        const out = applyPixelMaps(x, [identityMap(4, 4)]);
        assert.notEqual(out, x);
        assert.deepEqual(rowsOf(out), GRID);
      });
    });
  });
}
