"""The PyTorch twin of a ganvae GAN run, trained for the same number of steps (or the same wall time), then sampled for `ganvae eval`.

Same networks (bench/pytorch/models.py, built from the run's resolved specs: DCGAN or lite, with skip-layer
excitations, the to-RGB convolution and spectral norm where the specs have them), initialisation (N(0, 0.02)
kernels, BN scale N(1, 0.02), or Glorot), batch norm (Keras momentum 0.99, epsilon 1e-3), loss (ns or hinge), one
D step then one G step (steps.py), DiffAugment on everything D sees (diff_augment.py), lazy R1 (every r1Every D
steps, weighted by it), random left-right flips, Adam with tfjs's epsilon 1e-7 and the run's lrG and lrD, batch
size, the run's training images (its data source as ganvae's loader gives them: bench/pytorch/export-dataset.ts)
scaled to [-1, 1] and shuffled each epoch (last partial batch dropped), FastGAN's reconstruction decoders trained
with D (--reconstruction), and the EMA generator (every weight and BN statistic, decay min(d, (1 + t) / (10 + t)),
spectral norm's u and v copied) that samples in inference mode, as ganvae's do. Options it does not mirror are
refused, naming them.

  node --import tsx bench/pytorch/gan-spec.ts runs/gan > runs/gan-spec.json
  node --import tsx bench/pytorch/export-dataset.ts --run runs/gan --npy runs/gan-train.npy
  /usr/bin/python3 bench/pytorch/train_gan.py runs/gan-spec.json --data runs/gan-train.npy --out runs/gan-pytorch   # 10,000 PNGs in samples/
  # The same budget as a default run (9 minutes) instead of the same steps: --seconds 540
  node bin/ganvae.js eval --images runs/gan-pytorch/samples --data fashion-mnist --out runs/gan-pytorch/eval
Without --data, a Fashion-MNIST run reads Debian's copy of its train split directly.
"""
import argparse
import copy
import gzip
import json
import os
import struct
import sys
import time
import zlib

# Before torch loads OpenBLAS: one BLAS thread, so that it does not compete with PyTorch's OpenMP threads.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402

from steps import GAN_MIRRORED, gan_iteration, gan_models, gan_option, gan_step_options, lazy_r1_weight  # noqa: E402

FASHION_MNIST_TRAIN = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
WHO = "train_gan.py"


# ---- helpers: data and PNG files ----

def load_idx_images(path):
    """An IDX image file (gzipped) -> uint8 array [n, h, w]."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n, h, w = struct.unpack(">IIII", data[:16])
    if magic != 2051:
        raise SystemExit("{} is not an IDX image file (magic {})".format(path, magic))
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, h, w)


def load_npy_images(path, shape):
    """A .npy of uint8 [n, h, w, c] (bench/pytorch/export-dataset.ts) -> that array; exits unless [h, w, c] is `shape`."""
    images = np.load(path)
    if images.dtype != np.uint8 or images.ndim != 4 or list(images.shape[1:]) != list(shape):
        raise SystemExit("{} holds {} {}, not uint8 [n, {}] images of the run's shape: export the run's data with "
                         "bench/pytorch/export-dataset.ts --run RUN_DIR".format(path, images.dtype, list(images.shape), ", ".join(map(str, shape))))
    return images


def training_images(spec, data):
    """The run's training images as float32 [n, c, h, w] in [-1, 1]: from `data` (.npy), else Debian's Fashion-MNIST."""
    if data is not None:
        pixels = load_npy_images(data, spec["imageShape"])
    elif spec["data"] == "fashion-mnist":
        pixels = load_idx_images(FASHION_MNIST_TRAIN)[..., None]
    else:
        raise SystemExit("the run trained on {}: export its images with `node --import tsx bench/pytorch/export-dataset.ts "
                         "--run {} --npy FILE` and pass --data FILE".format(spec["data"], spec.get("run", "RUN_DIR")))
    return torch.from_numpy(pixels.astype(np.float32) * (2 / 255) - 1).permute(0, 3, 1, 2).contiguous()


def to_bytes(images):
    """Float images in [-1, 1] -> uint8, rounded half up as ganvae's grids and eval round ((x + 1) / 2 * 255)."""
    return np.clip(np.floor((images + 1) / 2 * 255 + 0.5), 0, 255).astype(np.uint8)


def png_bytes(pixels):
    """uint8 [h, w] (grey) or [h, w, 3] (RGB) -> an 8-bit PNG file's bytes."""
    h, w = pixels.shape[:2]
    color_type = 0 if pixels.ndim == 2 else 2
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def grid(images, columns, pad=2, pad_value=128):
    """uint8 [n, h, w] or [n, h, w, 3] -> one grid image with padding, as ganvae's imageGrid."""
    n, h, w = images.shape[:3]
    rows = -(-n // columns)
    out = np.full((rows * (h + pad) + pad, columns * (w + pad) + pad) + images.shape[3:], pad_value, dtype=np.uint8)
    for i in range(n):
        top, left = pad + (i // columns) * (h + pad), pad + (i % columns) * (w + pad)
        out[top:top + h, left:left + w] = images[i]
    return out


# ---- the EMA generator ----

def ema_update(ema, model, decay):
    """ema <- decay * ema + (1 - decay) * model for every parameter and BN running statistic; spectral norm's u and v
    (weight_u, weight_v) are copied, as ganvae's EMA does, so that sigma stays the top singular value of W."""
    with torch.no_grad():
        ema_state, state = ema.state_dict(), model.state_dict()
        for name, value in ema_state.items():
            if name.endswith((".weight_u", ".weight_v")):
                value.copy_(state[name])
            elif value.dtype.is_floating_point:
                value.mul_(decay).add_(state[name], alpha=1 - decay)


# ---- training and sampling ----

def check_spectral_norm(options, arch):
    """Exits when --spectral-norm and the specs' spectralNorm flags disagree (a spec written before the flag existed)."""
    wanted = options.get("spectralNorm", "none")
    for part, letter in (("generator", "g"), ("discriminator", "d")):
        if arch[part].get("spectralNorm", False) != (wanted in (letter, "both")):
            raise SystemExit("{}: the run has spectralNorm {!r} but its {} spec says spectralNorm {!r}; write the spec again "
                             "with bench/pytorch/gan-spec.ts".format(WHO, wanted, part, arch[part].get("spectralNorm")))


def random_flips(images):
    """Each image [c, h, w] of images [batch, c, h, w] flipped left-right with probability 1/2 (ganvae's --flip)."""
    flip = (torch.rand(images.shape[0]) < 0.5).view(-1, 1, 1, 1)
    return torch.where(flip, images.flip(3), images)


def train(spec, threads, log_every, seconds=None, data=None):
    """Trains for spec['steps'] steps, or, given `seconds`, until that much wall time has passed (checked before each
    step, as ganvae's --max-minutes); returns (generator, EMA generator or None, summary dict). `data`: a .npy of the
    run's training images."""
    options = spec["options"]
    step_options = gan_step_options(options, WHO, GAN_MIRRORED)
    arch = spec["gan"]
    check_spectral_norm(options, arch)
    torch.set_num_threads(threads)
    torch.manual_seed(spec["seed"])
    images = training_images(spec, data)
    settings = {"learningRate": options["learningRate"], "beta1": options["beta1"], "beta2": options["beta2"]}
    generator, discriminator, decoders, opt_g, opt_d = gan_models(arch, options, settings)
    ema = copy.deepcopy(generator) if gan_option(options, "ema") else None
    r1_gamma, r1_every = gan_option(options, "r1"), options.get("r1Every", 16)
    flip = gan_option(options, "flip")
    batch, steps, latent = spec["batchSize"], spec["steps"], arch["generator"]["latentSize"]
    per_epoch = images.shape[0] // batch
    if per_epoch == 0:
        raise SystemExit("{}: {} training images are fewer than one batch of {}".format(WHO, images.shape[0], batch))
    shuffle = torch.Generator().manual_seed(spec["seed"])
    started = time.perf_counter()
    window = []
    step = 0
    while (step < steps) if seconds is None else (time.perf_counter() - started < seconds):
        if step % per_epoch == 0:
            order = torch.randperm(images.shape[0], generator=shuffle)
        index = step % per_epoch
        real = images[order[index * batch:(index + 1) * batch]]
        if flip:
            real = random_flips(real)
        r1 = lazy_r1_weight(r1_gamma, r1_every, step)
        window.append(gan_iteration(generator, discriminator, opt_g, opt_d, real, latent, r1=r1, decoders=decoders, **step_options))
        if ema is not None:
            t = step + 1
            ema_update(ema, generator, min(options["emaDecay"], (1 + t) / (10 + t)))
        step += 1
        if step % log_every == 0 or (seconds is None and step == steps):
            elapsed = time.perf_counter() - started
            d_loss, g_loss = np.mean(window, axis=0)
            print("step {}/{}  dLoss {:.4f}  gLoss {:.4f}  {:.0f} img/s  {:.0f} s".format(
                step, steps if seconds is None else "budget", d_loss, g_loss, step * batch / elapsed, elapsed), file=sys.stderr, flush=True)
            window = []
    if window:
        d_loss, g_loss = np.mean(window, axis=0)
    steps = step
    train_seconds = time.perf_counter() - started
    summary = {"steps": steps, "batchSize": batch, "trainSec": train_seconds, "imagesPerSec": steps * batch / train_seconds,
               "finalLosses": {"dLoss": float(d_loss), "gLoss": float(g_loss)}, "threads": torch.get_num_threads(),
               "torch": torch.__version__, "trainImages": images.shape[0],
               "mirrored": {"loss": options["loss"], "augment": gan_option(options, "augment"), "spectralNorm": options.get("spectralNorm", "none"),
                            "r1": r1_gamma, "r1Every": r1_every, "flip": flip, "lrG": options.get("lrG"), "lrD": options.get("lrD"),
                            "reconstruction": step_options["reconstruction"]}}
    return generator, ema, summary


def sample(generator, n, latent, seed, chunk=500):
    """n images from N(0, I) noise, the generator in inference mode (BN running statistics) -> uint8 [n, h, w(, c)]."""
    generator.eval()
    noise = torch.Generator().manual_seed(seed)
    out = []
    with torch.no_grad():
        for start in range(0, n, chunk):
            z = torch.randn(min(chunk, n - start), latent, generator=noise)
            out.append(to_bytes(generator(z).permute(0, 2, 3, 1).numpy()))
    images = np.concatenate(out)
    return images[..., 0] if images.shape[-1] == 1 else images


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", help="JSON from bench/pytorch/gan-spec.ts")
    parser.add_argument("--out", required=True, help="folder for samples/NNNNN.png, grid.png and summary.json")
    parser.add_argument("--data", help="the run's training images, uint8 [n, h, w, c] .npy from bench/pytorch/export-dataset.ts "
                                       "(default for a Fashion-MNIST run: Debian's copy of its train split)")
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--log-every", type=int, default=100)
    parser.add_argument("--seconds", type=float, help="train for this much wall time instead of the run's steps (the same budget as ganvae's --max-minutes)")
    parser.add_argument("--seed", type=int, help="seed of init, noise and shuffling (default: the run's); another gives a second sample of the spread")
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)
    if args.seed is not None:
        spec["seed"] = args.seed
    generator, ema, summary = train(spec, args.threads, args.log_every, args.seconds, args.data)
    summary["budgetSeconds"] = args.seconds
    latent = spec["gan"]["generator"]["latentSize"]
    images = sample(ema if ema is not None else generator, args.samples, latent, spec["seed"] + 1)
    folder = os.path.join(args.out, "samples")
    os.makedirs(folder, exist_ok=True)
    for i, image in enumerate(images):
        with open(os.path.join(folder, "{:05d}.png".format(i)), "wb") as f:
            f.write(png_bytes(image))
    with open(os.path.join(args.out, "grid.png"), "wb") as f:
        f.write(png_bytes(grid(images[:64], 8)))
    summary.update({"samples": args.samples, "sampledFrom": "generator-ema" if ema is not None else "generator",
                    "seed": spec["seed"], "ganvae": spec["ganvae"], "run": spec["run"]})
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())
