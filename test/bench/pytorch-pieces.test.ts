// The PyTorch twin's training pieces against ganvae's own: DiffAugment's ops with the same parameters (colour factors,
// shifts, cutout boxes), the ns and hinge losses, R1 and the reconstruction loss on the same inputs, all in one Python
// process; then spectral norm on every kernel and a short hinge + DiffAugment + SN + R1 + reconstruction run.
// Skipped where python3-torch is missing.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../../src/core/random.ts';
import { initBackend } from '../../src/env/backend.ts';
import {
  adjustBrightness, adjustContrast, adjustSaturation, cutoutImages, translateImages, type CutoutBox,
} from '../../src/gan/augment/diff-augment.ts';
import { discriminatorLoss, generatorLoss } from '../../src/gan/losses.ts';
import { reconstructionLoss } from '../../src/gan/reconstruction.ts';
import { r1Penalty } from '../../src/gan/r1-penalty.ts';

const PYTHON = '/usr/bin/python3';
const BENCH_PYTORCH = resolve(import.meta.dirname, '../../bench/pytorch');
const torchInstalled = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const skip = !torchInstalled && 'python3-torch is not installed (npm run bench installs it)';

before(async () => {
  await initBackend('cpu');
});

/** Runs `script` in bench/pytorch with `input` as JSON on stdin; returns its last stdout line, parsed. */
function python(script: string, input: unknown = {}): Record<string, unknown> {
  const child = spawnSync(PYTHON, ['-c', script], { cwd: BENCH_PYTORCH, input: JSON.stringify(input), encoding: 'utf8', timeout: 300_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

const seeded = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
const values = (t: tf.Tensor) => Array.from(t.dataSync());

// Compares each case's NHWC result with PyTorch's on the NCHW transpose of the same inputs; prints the worst |difference|.
const COMPARE = `
import json, sys, torch
import diff_augment as da, steps
from torch import nn
cases = json.load(sys.stdin)
nchw = lambda c, shape: torch.tensor(c, dtype=torch.float32).view(*shape).permute(0, 3, 1, 2)
nhwc = lambda t: t.permute(0, 2, 3, 1).reshape(-1)
worst = {}
def check(name, got, want):
    worst[name] = max(worst.get(name, 0.0), (got.reshape(-1) - torch.tensor(want, dtype=torch.float32)).abs().max().item())
for c in cases["augment"]:
    x, t = nchw(c["images"], c["shape"]), lambda v: torch.tensor(v)
    check("brightness", nhwc(da.adjust_brightness(x, t(c["amounts"]))), c["brightness"])
    check("saturation", nhwc(da.adjust_saturation(x, t(c["factors"]))), c["saturation"])
    check("contrast", nhwc(da.adjust_contrast(x, t(c["factors"]))), c["contrast"])
    # ganvae moves the content by (dy, dx); the reference reads from (y + ty, x + tx): ty = -dy.
    check("translation", nhwc(da.translate(x, -t(c["dy"]), -t(c["dx"]))), c["translation"])
    b = c["boxes"]
    check("cutout", nhwc(da.cut_out(x, t([q["top"] for q in b]), t([q["left"] for q in b]), b[0]["height"], b[0]["width"])), c["cutout"])
l = cases["losses"]
real, fake = torch.tensor(l["real"]).view(-1, 1), torch.tensor(l["fake"]).view(-1, 1)
for name in ("ns", "hinge"):
    d_loss, g_loss = steps.GAN_LOSSES[name]
    check(name + " D", d_loss(real, fake), [l[name + "D"]])
    check(name + " G", g_loss(fake), [l[name + "G"]])
r = cases["r1"]
w = torch.tensor(r["w"]).view(1, *r["shape"][1:]).permute(0, 3, 1, 2)
check("r1", steps.r1_penalty(lambda x: (w * x * x).sum(dim=(1, 2, 3)).view(-1, 1), nchw(r["images"], r["shape"])), [r["penalty"]])
for c in cases["reconstruction"]:
    decoders = {}
    for part, channels in (("whole", c["c8"]), ("part", c["c16"])):
        conv = nn.Conv2d(channels, 3, 1)
        with torch.no_grad():
            conv.weight.copy_(torch.tensor(c[part]).view(channels, 3).t().reshape(3, channels, 1, 1))
            conv.bias.zero_()
        decoders[part] = conv
    maps = {8: nchw(c["map8"], [2, 8, 8, c["c8"]]), 16: nchw(c["map16"], [2, 16, 16, c["c16"]])}
    with torch.no_grad():
        check("reconstruction", steps.reconstruction_loss(decoders, maps, nchw(c["real"], [2, 16, 16, 3]), c["quarter"]), [c["loss"]])
print(json.dumps(worst))
`;

test('DiffAugment\'s ops, the ns and hinge losses, R1 and the reconstruction loss agree with ganvae\'s', { skip, timeout: 300_000 }, () => {
  const rng = new Rng(7);
  const augment = [[3, 12, 12, 3], [2, 9, 7, 1]].map((shape, i) => {
    tf.engine().startScope();
    const images = seeded(shape, 10 + i) as tf.Tensor4D;
    const n = shape[0];
    const amounts = Array.from({ length: n }, () => rng.next() - 0.5);
    const factors = Array.from({ length: n }, () => 2 * rng.next());
    // Shifts beyond the reference's 1/8 and boxes over the edges too: the ops must agree for any parameters.
    const dy = Array.from({ length: n }, () => rng.int(9) - 4);
    const dx = Array.from({ length: n }, () => rng.int(9) - 4);
    const [height, width] = [Math.round(shape[1] / 2), Math.round(shape[2] / 2)];
    const boxes: CutoutBox[] = Array.from({ length: n }, () => ({ top: rng.int(shape[1]) - 3, left: rng.int(shape[2]) - 3, height, width }));
    const results = {
      shape, images: values(images), amounts, factors, dy, dx, boxes,
      brightness: values(adjustBrightness(images, amounts)), saturation: values(adjustSaturation(images, factors)),
      contrast: values(adjustContrast(images, factors)), translation: values(translateImages(images, dy, dx)),
      cutout: values(cutoutImages(images, boxes)),
    };
    tf.engine().endScope();
    return results;
  });
  const [real, fake] = [seeded([6, 1], 3), seeded([6, 1], 4)].map((t) => tf.mul(t, 3));
  const losses = {
    real: values(real), fake: values(fake),
    nsD: discriminatorLoss('ns', real, fake).dataSync()[0], nsG: generatorLoss('ns', fake).dataSync()[0],
    hingeD: discriminatorLoss('hinge', real, fake).dataSync()[0], hingeG: generatorLoss('hinge', fake).dataSync()[0],
  };
  // D(x) = Σ w·x² per image: ∇ₓD = 2w·x, so R1 with γ = 2 is the batch mean of Σ (2w·x)².
  const r1Shape = [3, 5, 5, 2];
  const [w, r1Images] = [seeded(r1Shape.slice(1), 5), seeded(r1Shape, 6) as tf.Tensor4D];
  const r1 = {
    shape: r1Shape, w: values(w), images: values(r1Images),
    penalty: r1Penalty((x) => tf.reshape(tf.sum(tf.mul(w, tf.square(x)), [1, 2, 3]), [-1, 1]), r1Images, 2).dataSync()[0],
  };
  // Decoders as 1x1 convolutions with the same weights (16x16 images: the decoders' side is 8), every quarter.
  const [c8, c16] = [5, 4];
  const decoder = (channels: number, seed: number) => {
    const model = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [8, 8, channels], filters: 3, kernelSize: 1 })] });
    model.layers[0].setWeights([seeded([1, 1, channels, 3], seed), tf.zeros([3])]);
    return model;
  };
  const decoders = { whole: decoder(c8, 20), part: decoder(c16, 21) };
  const [map8, map16, reconstructionReal] = [seeded([2, 8, 8, c8], 22), seeded([2, 16, 16, c16], 23), seeded([2, 16, 16, 3], 24)] as tf.Tensor4D[];
  const reconstruction = [0, 1, 2, 3].map((quarter) => ({
    quarter, c8, c16, map8: values(map8), map16: values(map16), real: values(reconstructionReal),
    whole: values(decoders.whole.layers[0].getWeights()[0]), part: values(decoders.part.layers[0].getWeights()[0]),
    loss: reconstructionLoss(decoders, map16, map8, reconstructionReal, quarter).dataSync()[0],
  }));
  const worst = python(COMPARE, { augment, losses, r1, reconstruction }) as Record<string, number>;
  assert.deepEqual(Object.keys(worst).sort(), ['brightness', 'contrast', 'cutout', 'hinge D', 'hinge G', 'ns D', 'ns G', 'r1', 'reconstruction', 'saturation', 'translation']);
  for (const [name, difference] of Object.entries(worst)) assert.ok(difference < 1e-5, `${name}: PyTorch differs from ganvae by ${difference}`);
});

// Spectral norm on every kernel (ConvT along dim 1), σ → 1 under power iteration, EMA copies u and v; then a few
// iterations of the full lite recipe: every loss finite, every trained parameter moved, the frozen ones not.
const TRAIN = `
import copy, json, sys, torch
from torch import nn
import models, steps
from train_gan import ema_update
spec = json.load(sys.stdin)
torch.manual_seed(0)
options = spec["options"]
generator, discriminator, decoders, opt_g, opt_d = steps.gan_models(spec["gan"], options, {"learningRate": 2e-3, "beta1": 0.5, "beta2": 0.999})
hooks = lambda m: [h for mod in m.modules() for h in mod._forward_pre_hooks.values() if type(h).__name__ == "SpectralNorm"]
kernels = lambda m: [mod for mod in m.modules() if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
out = {"gKernels": len(kernels(generator)), "gNormalised": len(hooks(generator)),
       "dKernels": len(kernels(discriminator)), "dNormalised": len(hooks(discriminator)),
       "convTDims": sorted({h.dim for mod in generator.modules() if isinstance(mod, nn.ConvTranspose2d)
                            for h in mod._forward_pre_hooks.values()})}
first = discriminator.blocks[0][0]
for _ in range(100):
    discriminator(torch.rand(2, 3, 32, 32))
out["sigma"] = torch.linalg.matrix_norm(first.weight.reshape(first.weight.shape[0], -1), ord=2).item()
ema = copy.deepcopy(generator)
before = {"g": copy.deepcopy(generator.state_dict()), "d": copy.deepcopy(discriminator.state_dict()), "dec": copy.deepcopy(decoders.state_dict())}
real = torch.rand(8, 3, 32, 32) * 2 - 1
kwargs = steps.gan_step_options(options, "test")
out["options"] = {"loss": kwargs["loss"], "augment": kwargs["augment"] is not None, "reconstruction": kwargs["reconstruction"]}
out["losses"] = [steps.gan_iteration(generator, discriminator, opt_g, opt_d, real, spec["gan"]["generator"]["latentSize"], r1=1.0, decoders=decoders, **kwargs)
                 for _ in range(3)]
moved = lambda old, new: all(not torch.equal(old[k], v) for k, v in new.items() if k.endswith(("weight", "weight_orig")))
out["moved"] = {"g": moved(before["g"], generator.state_dict()), "d": moved(before["d"], discriminator.state_dict()),
                "decoders": moved(before["dec"], decoders.state_dict())}
ema_update(ema, generator, 0.5)
state, ema_state = generator.state_dict(), ema.state_dict()
out["emaCopiesUV"] = all(torch.equal(ema_state[k], state[k]) for k in state if k.endswith(("weight_u", "weight_v")))
out["emaAverages"] = not any(torch.equal(ema_state[k], state[k]) for k in state if k.endswith("weight_orig"))
print(json.dumps(out))
`;

test('the twin\'s lite GAN: spectral norm on every kernel, and a short hinge + DiffAugment + SN + R1 + reconstruction run', { skip, timeout: 300_000 }, async () => {
  const { ganArchitecture, ganOptions, resolveGanOptions } = await import('../../src/gan/gan-family.ts');
  const data = { shape: [32, 32, 3] as [number, number, number], numClasses: 0 };
  const options = resolveGanOptions(ganOptions.parse({ preset: 'lite', width: 4, latentSize: 8, spectralNorm: 'both' }), data);
  const out = python(TRAIN, { options, gan: ganArchitecture(options, data) }) as Record<string, never>;
  // G: Dense, 3 ConvTs, 1 excitation's two convs (4 → 32), the to-RGB conv; D: 3 convs and the Dense.
  assert.deepEqual([out.gKernels, out.gNormalised, out.dKernels, out.dNormalised], [7, 7, 4, 4]);
  assert.deepEqual(out.convTDims, [1]);
  assert.ok(Math.abs(out.sigma - 1) < 0.01, `σ of D's first normalised kernel: ${out.sigma}`);
  assert.deepEqual(out.options, { loss: 'hinge', augment: true, reconstruction: 1 });
  for (const pair of out.losses as number[][]) assert.ok(pair.every(Number.isFinite), JSON.stringify(out.losses));
  assert.deepEqual(out.moved, { g: true, d: true, decoders: true });
  assert.equal(out.emaCopiesUV, true);
  assert.equal(out.emaAverages, true);
});
