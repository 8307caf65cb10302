// --precision bf16: convolutions and matrix products with bf16 operands and fp32 accumulation. Against tfjs's fp32
// cpu kernels within bf16's tolerance (values and gradients, random geometries); against fp32 on inputs rounded to
// bf16, to float rounding, where oneDNN runs the shape in bf16; fp32 bit for bit once it is set back; and the
// flag's checks and a bf16 training run through trainRun.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../src/core/errors.ts';
import { initBackend } from '../../src/env/backend.ts';
import { useComputePrecision } from '../../src/env/precision.ts';
import { loadAddon } from '../../src/native/addon.ts';
import { trainRun } from '../../src/runs/train-run.ts';
import { maxRelativeError, nativeMissing, runOn, seededRandom } from '../helpers/backends.ts';
import { startGanvae, tempFolder, tinyRunOptions, writeImageFolder } from '../training/fixtures.ts';

const bf16Missing = nativeMissing || (loadAddon().addon!.info().bf16 !== 'native' ? 'this CPU has no native bf16 (avx512_bf16 or AMX)' : false);

/** float32 values rounded to the nearest bf16 (ties to even), as oneDNN converts them. */
function roundToBf16(values: Float32Array): Float32Array {
  const out = Float32Array.from(values);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) bits[i] = ((bits[i] + 0x7fff + ((bits[i] >>> 16) & 1)) & 0xffff0000) >>> 0;
  return out;
}

interface Operation {
  label: string;
  /** Input values and shapes (plain arrays, so every backend builds its own tensors). */
  inputs: { values: Float32Array; shape: number[] }[];
  fn: (...inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

/** `op` on `backend` (fp32) with its inputs as given or rounded to bf16 first. */
function runFp32(backend: 'cpu' | 'native', op: Operation, rounded: boolean): Promise<Float32Array[]> {
  return runOn(backend, () => op.fn(...op.inputs.map(({ values, shape }) => tf.tensor(rounded ? roundToBf16(values) : values, shape))));
}

async function runBf16(op: Operation): Promise<Float32Array[]> {
  await initBackend('native');
  const restore = useComputePrecision('bf16');
  try {
    return await runOn('native', () => op.fn(...op.inputs.map(({ values, shape }) => tf.tensor(values, shape))));
  } finally {
    restore();
  }
}

let seed = 1;
/** Seeded N(0, 1) values of `shape` (drawn on the cpu backend). */
async function normal(shape: number[]): Promise<{ values: Float32Array; shape: number[] }> {
  const [values] = await runOn('cpu', () => tf.randomNormal(shape, 0, 1, 'float32', seed++));
  return { values, shape };
}

type Geometry = { batch: number; h: number; inC: number; outC: number; k: number; stride: number; pad: 'same' | 'valid' };

/** A convolution's value and both gradients, and the transposed convolution's value, of one geometry. */
async function convOperations(g: Geometry): Promise<Operation[]> {
  const x = await normal([g.batch, g.h, g.h, g.inC]);
  const filter = await normal([g.k, g.k, g.inC, g.outC]);
  const label = `x[${g.batch},${g.h},${g.h},${g.inC}] k${g.k} s${g.stride} ${g.pad} out${g.outC}`;
  const conv = (a: tf.Tensor, f: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, f as tf.Tensor4D, g.stride, g.pad);
  const [outShape] = await runOn('cpu', () => tf.tensor1d(conv(tf.tensor(x.values, x.shape), tf.tensor(filter.values, filter.shape)).shape));
  const dy = await normal(Array.from(outShape));
  return [
    { label: `Conv2D ${label}`, inputs: [x, filter], fn: conv },
    { label: `Conv2D gradients ${label}`, inputs: [x, filter, dy], fn: (a, f, d) => tf.grads((aa: tf.Tensor, ff: tf.Tensor) => tf.sum(tf.mul(conv(aa, ff), d)))([a, f]) },
    { label: `Conv2DTranspose ${label}`, inputs: [dy, filter], fn: (d, f) => tf.conv2dTranspose(d as tf.Tensor4D, f as tf.Tensor4D, x.shape as [number, number, number, number], g.stride, g.pad) },
  ];
}

async function matMulOperation(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): Promise<Operation> {
  const a = await normal(transposeA ? [k, m] : [m, k]);
  const b = await normal(transposeB ? [n, k] : [k, n]);
  return { label: `MatMul m${m} k${k} n${n} tA${transposeA} tB${transposeB}`, inputs: [a, b], fn: (p, q) => tf.matMul(p, q, transposeA, transposeB) };
}

describe('--precision bf16 kernels', { skip: bf16Missing }, () => {
  after(() => loadAddon().addon?.setPrecision(0));

  it('Conv2D, its gradients, ConvT and MatMul agree with fp32 within bf16 tolerance on random geometries', async () => {
    const rand = seededRandom(5);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const operations: Operation[] = [];
    for (let i = 0; i < 10; i++) {
      const k = pick([1, 3, 4, 5]);
      operations.push(...await convOperations({
        batch: pick([1, 2, 4]), h: k + 4 + Math.floor(rand() * 10), inC: pick([1, 3, 16, 32, 64]), outC: pick([1, 3, 16, 64]),
        k, stride: pick([1, 2]), pad: pick(['same', 'valid'] as const),
      }));
    }
    for (let i = 0; i < 8; i++) operations.push(await matMulOperation(1 + Math.floor(rand() * 64), 1 + Math.floor(rand() * 200), 1 + Math.floor(rand() * 64), rand() < 0.5, rand() < 0.5));
    for (const op of operations) {
      const expected = await runFp32('cpu', op, false);
      const actual = await runBf16(op);
      for (const [j, values] of expected.entries()) {
        const error = maxRelativeError(actual[j], values);
        // bf16 keeps 8 significant bits: each operand is off by up to 2^-9, each sum by a few parts in a thousand of its largest terms.
        assert.ok(error < 2e-2, `${op.label} output ${j}: off by ${error} of the largest value`);
      }
    }
  });

  it('runs the shapes of a DCGAN in bf16: fp32 on inputs rounded to bf16, to float rounding, and not fp32 on the inputs as given', async () => {
    const operations = [
      ...await convOperations({ batch: 4, h: 16, inC: 32, outC: 64, k: 4, stride: 2, pad: 'same' }),
      ...await convOperations({ batch: 4, h: 8, inC: 64, outC: 64, k: 3, stride: 1, pad: 'same' }),
      // Outputs of 16 positions: both gradients on the GEMM paths as a bf16 matmul, the second in two chunks of images
      // (33 images of 16 positions x 8,192 taps, past the 4M floats of a chunk under bf16).
      ...await convOperations({ batch: 4, h: 8, inC: 64, outC: 128, k: 4, stride: 2, pad: 'same' }),
      ...await convOperations({ batch: 33, h: 8, inC: 512, outC: 8, k: 4, stride: 2, pad: 'same' }),
      await matMulOperation(64, 128, 256, false, false),
      await matMulOperation(64, 256, 128, false, true),
    ];
    for (const op of operations) {
      const actual = await runBf16(op);
      const rounded = await runFp32('cpu', op, true);
      const plain = await runFp32('cpu', op, false);
      for (const [j, values] of rounded.entries()) {
        assert.ok(maxRelativeError(actual[j], values) < 1e-5, `${op.label} output ${j}: ${maxRelativeError(actual[j], values)} from fp32 on bf16-rounded inputs`);
        assert.ok(maxRelativeError(actual[j], plain[j]) > 1e-5, `${op.label} output ${j} is fp32's: bf16 did not run`);
      }
    }
  });

  it('gives fp32 results bit for bit once fp32 is set back', async () => {
    const [op] = await convOperations({ batch: 2, h: 12, inC: 16, outC: 32, k: 3, stride: 1, pad: 'same' });
    const before = await runFp32('native', op, false);
    await runBf16(op);
    assert.equal(loadAddon().addon!.info().precision, 'fp32');
    assert.deepEqual(await runFp32('native', op, false), before);
  });

  it('trains a run in bf16 (run.json records it) and leaves the process in fp32', async () => {
    const temp = tempFolder('ganvae-bf16-test-');
    try {
      writeImageFolder(join(temp.dir, 'images'), 24);
      await initBackend('native');
      const { result } = await trainRun({ family: 'gan', outDir: join(temp.dir, 'run'), flags: { ...tinyRunOptions(join(temp.dir, 'images')), maxSteps: 3, precision: 'bf16' }, dataCache: false });
      assert.equal(result.step, 3);
      for (const loss of Object.values(result.losses)) assert.ok(Number.isFinite(loss));
      assert.equal(JSON.parse(readFileSync(join(temp.dir, 'run', 'run.json'), 'utf8')).config.precision, 'bf16');
      assert.equal(loadAddon().addon!.info().precision, 'fp32');
    } finally {
      temp.remove();
    }
  });
});

describe('--precision checks', () => {
  it('bf16 is refused on a backend other than native, naming the flag: in the library and by `ganvae train` (exit 2)', async () => {
    await initBackend('cpu');
    assert.throws(() => useComputePrecision('bf16'), (err: Error) => err instanceof ConfigError && /--precision bf16 runs on the native \(oneDNN\) backend; this process runs on cpu/.test(err.message));
    assert.doesNotThrow(() => useComputePrecision('fp32')());
    const temp = tempFolder('ganvae-bf16-cli-');
    try {
      const cli = await startGanvae(['train', 'gan', '--precision', 'bf16', '--out', join(temp.dir, 'never')], temp.dir, { GANVAE_BACKEND: 'cpu' }).done;
      assert.equal(cli.code, 2);
      assert.match(cli.stderr, /--precision bf16 runs on the native \(oneDNN\) backend; this process runs on cpu/);
      assert.ok(!existsSync(join(temp.dir, 'never')), 'nothing was written');
    } finally {
      temp.remove();
    }
  });
});
