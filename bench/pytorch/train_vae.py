"""The PyTorch twin of a ganvae VAE run: same architecture (TF 'same' padding exactly), Glorot-uniform init,
Bernoulli likelihood with logits, dynamic binarisation, Adam (tfjs defaults), batch and number of steps;
then test ELBO (reconstruction and KL) and the IWAE NLL on the very images ganvae evaluates on.

  node --import tsx bench/pytorch/export-vae-eval-set.ts runs/vae28-fmnist runs/vae-eval-set
  /usr/bin/python3 bench/pytorch/train_vae.py runs/vae-eval-set --out runs/vae-eval-set/pytorch.json
  # Evaluate ganvae's own trained weights here instead of training (checks that both evaluators agree):
  /usr/bin/python3 bench/pytorch/train_vae.py runs/vae-eval-set --weights runs/vae28-fmnist/model --out ...
The trained weights are saved next to --out (.pt); --weights FILE.pt evaluates them again without training.
  # Score the PyTorch-trained weights with ganvae's evaluator (bench/pytorch/compare-vae.sh does this per seed):
  cp -r runs/vae28-fmnist/run.json runs/vae28-fmnist/model runs/vae-pytorch/
  /usr/bin/python3 bench/pytorch/train_vae.py runs/vae-eval-set --k 0 --into-run runs/vae-pytorch --out runs/vae-pytorch/pytorch.json
  node bin/ganvae.js eval --run runs/vae-pytorch --vae-only
"""
import argparse
import gzip
import json
import math
import os
import time

# Before torch loads OpenBLAS: one BLAS thread, so that it does not compete with PyTorch's OpenMP threads.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from models import build_vae  # noqa: E402
from steps import adam, vae_iteration  # noqa: E402

LOG_2PI = math.log(2 * math.pi)
FASHION_MNIST_TRAIN = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


# ---- helpers: TF 'same' padding, tfjs weights, data ----

def tf_same_offsets(side_out, side_in, kernel, stride):
    """Padding TF puts before and after a 'same' convolution from side_in pixels to side_out = ceil(side_in / stride)."""
    total = max((side_out - 1) * stride + kernel - side_in, 0)
    return total // 2, total - total // 2


class TfSameConv(nn.Module):
    """A Conv2d padded as TF's 'same' (the extra pixel of an odd padding after, not before)."""

    def __init__(self, conv):
        super().__init__()
        conv.padding = (0, 0)
        self.conv = conv

    def forward(self, x):
        (k, _), (s, _) = self.conv.kernel_size, self.conv.stride
        top, bottom = tf_same_offsets(math.ceil(x.shape[2] / s), x.shape[2], k, s)
        left, right = tf_same_offsets(math.ceil(x.shape[3] / s), x.shape[3], k, s)
        return self.conv(F.pad(x, (left, right, top, bottom)))


class TfSameConvTranspose(nn.Module):
    """A ConvTranspose2d cropped as TF's 'same' conv2dTranspose: [n] -> [n * stride], the gradient of TfSameConv."""

    def __init__(self, conv):
        super().__init__()
        conv.padding, conv.output_padding = (0, 0), (0, 0)
        self.conv = conv

    def forward(self, x):
        (k, _), (s, _) = self.conv.kernel_size, self.conv.stride
        if k < s:
            raise SystemExit("TfSameConvTranspose: kernel {} smaller than stride {} is not supported".format(k, s))
        h, w = x.shape[2] * s, x.shape[3] * s
        top, _ = tf_same_offsets(x.shape[2], h, k, s)
        left, _ = tf_same_offsets(x.shape[3], w, k, s)
        return self.conv(x)[:, :, top:top + h, left:left + w]


def with_tf_padding(module):
    """Replaces, in place, every Conv2d / ConvTranspose2d under `module` by its TF-'same' twin (same weights)."""
    for name, child in module.named_children():
        if isinstance(child, nn.ConvTranspose2d):
            setattr(module, name, TfSameConvTranspose(child))
        elif isinstance(child, nn.Conv2d):
            setattr(module, name, TfSameConv(child))
        else:
            with_tf_padding(child)
    return module


def weighted_layers(module):
    """Conv2d / ConvTranspose2d / Linear modules of `module` in forward (registration) order."""
    return [m for m in module.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]


def read_tfjs_weights(folder):
    """A tfjs Layers model folder (model.json + weight files) -> [(name, float32 array)] in manifest order."""
    with open(os.path.join(folder, "model.json")) as f:
        manifest = json.load(f)["weightsManifest"]
    out = []
    for group in manifest:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            if spec["dtype"] != "float32":
                raise SystemExit("{}: weight {} is {}, expected float32".format(folder, spec["name"], spec["dtype"]))
            count = int(np.prod(spec["shape"]))
            out.append((spec["name"], np.frombuffer(data, np.float32, count, offset).reshape(spec["shape"])))
            offset += 4 * count
    return out


def load_tfjs_into(layers, folder, grid, flatten_side):
    """Copies the tfjs weights of `folder` into `layers` (weighted_layers order): NHWC kernels to NCHW, and the
    dense layer on the `flatten_side` ('input' or 'output') of the [h, w, c] = `grid` reshape permuted from
    TF's (h, w, c) flattening to PyTorch's (c, h, w)."""
    weights = read_tfjs_weights(folder)
    pairs = list(zip(weights[0::2], weights[1::2]))
    if len(pairs) != len(layers):
        raise SystemExit("{}: {} layers of weights, the PyTorch model has {}".format(folder, len(pairs), len(layers)))
    h, w, c = grid
    flat = h * w * c
    for layer, ((kernel_name, kernel), (_, bias)) in zip(layers, pairs):
        if isinstance(layer, nn.Linear):
            if flatten_side == "input" and kernel.shape[0] == flat:
                kernel = kernel.reshape(h, w, c, -1).transpose(2, 0, 1, 3).reshape(flat, -1)
            if flatten_side == "output" and kernel.shape[1] == flat:
                kernel = kernel.reshape(-1, h, w, c).transpose(0, 3, 1, 2).reshape(-1, flat)
                bias = bias.reshape(h, w, c).transpose(2, 0, 1).reshape(flat)
            value = kernel.T
        else:
            # Conv [kh, kw, in, out] -> [out, in, kh, kw]; ConvT [kh, kw, out, in] -> [in, out, kh, kw]: the same permutation.
            value = kernel.transpose(3, 2, 0, 1)
        if tuple(value.shape) != tuple(layer.weight.shape):
            raise SystemExit("{}: {} has shape {}, the PyTorch layer wants {}".format(folder, kernel_name, value.shape, tuple(layer.weight.shape)))
        layer.weight.data.copy_(torch.from_numpy(value.copy()))
        layer.bias.data.copy_(torch.from_numpy(bias.copy()))


def save_into_tfjs(layers, folder, grid, flatten_side):
    """The inverse of load_tfjs_into: rewrites the weight files of the tfjs model in `folder` (its model.json
    unchanged) with the weights of `layers`, so that ganvae loads and scores the PyTorch-trained model."""
    if not os.path.exists(os.path.join(folder, "model.json")):
        raise SystemExit("--into-run: {} has no model.json; copy the ganvae run's run.json and model/ there first".format(folder))
    with open(os.path.join(folder, "model.json")) as f:
        manifest = json.load(f)["weightsManifest"]
    h, w, c = grid
    flat = h * w * c
    values = []
    for layer in layers:
        kernel, bias = layer.weight.detach().numpy(), layer.bias.detach().numpy()
        if isinstance(layer, nn.Linear):
            kernel = kernel.T
            if flatten_side == "input" and kernel.shape[0] == flat:
                kernel = kernel.reshape(c, h, w, -1).transpose(1, 2, 0, 3).reshape(flat, -1)
            if flatten_side == "output" and kernel.shape[1] == flat:
                kernel = kernel.reshape(-1, c, h, w).transpose(0, 2, 3, 1).reshape(-1, flat)
                bias = bias.reshape(c, h, w).transpose(1, 2, 0).reshape(flat)
        else:
            kernel = kernel.transpose(2, 3, 1, 0)
        values += [kernel, bias]
    specs = [spec for group in manifest for spec in group["weights"]]
    if len(specs) != len(values):
        raise SystemExit("{}: {} weights in model.json, the PyTorch model has {}".format(folder, len(specs), len(values)))
    for spec, value in zip(specs, values):
        if tuple(spec["shape"]) != value.shape:
            raise SystemExit("{}: {} has shape {}, the PyTorch weight {}".format(folder, spec["name"], spec["shape"], value.shape))
    data = b"".join(np.ascontiguousarray(v, dtype=np.float32).tobytes() for v in values)
    for group in manifest:
        for path in group["paths"]:
            size = os.path.getsize(os.path.join(folder, path))
            with open(os.path.join(folder, path), "wb") as f:
                f.write(data[:size])
            data = data[size:]
    if data:
        raise SystemExit("{}: the weight files hold fewer bytes than the model's weights".format(folder))


def tfjs_grids(arch):
    """The [h, w, c] grids at the decoder's input reshape and the encoder's flatten."""
    levels = len(arch["decoderFilters"])
    h, w, _ = arch["imageShape"]
    side = h
    for _ in arch["encoderFilters"]:
        side = math.ceil(side / 2)
    return (h >> levels, w >> levels, arch["decoderBaseChannels"]), (side, side, arch["encoderFilters"][-1])


def read_idx_images(path):
    """An IDX3 uint8 image file (optionally .gz) -> uint8 array [n, h, w]."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        data = f.read()
    n, h, w = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(data, np.uint8, n * h * w, 16).reshape(n, h, w)


def load_binarized(path):
    """An exported .npy of 0/1 pixels [n, h, w, c] -> float32 tensor [n, c, h, w]."""
    return torch.from_numpy(np.load(path).astype(np.float32)).permute(0, 3, 1, 2).contiguous()


# ---- model and training ----

def build(arch, seed):
    """The ganvae architecture `arch` with TF padding, Glorot-uniform kernels and zero biases drawn from `seed`."""
    torch.manual_seed(seed)
    encoder, decoder = build_vae(arch)
    return with_tf_padding(encoder), with_tf_padding(decoder)


def train(encoder, decoder, settings, train_images, seed):
    """`settings['steps']` Adam steps on the negative ELBO of shuffled batches (a new permutation each epoch,
    last partial batch dropped), as ganvae's loop. train_images uint8 [n, h, w]. Returns the last 20 losses' mean."""
    if settings["beta"] != 1 or settings["klWarmupSteps"] != 0 or settings["binarize"] != "dynamic":
        raise SystemExit("train_vae.py mirrors beta = 1, no KL warm-up and dynamic binarisation only")
    batch, steps = settings["batchSize"], settings["steps"]
    optimizer = adam(list(encoder.parameters()) + list(decoder.parameters()),
                     {"learningRate": settings["learningRate"], "beta1": 0.9, "beta2": 0.999})
    # [-1, 1] as ganvae's loop serves images; vae_iteration maps them back to [0, 1] and binarises.
    images = torch.from_numpy(train_images.astype(np.float32) / 127.5 - 1).unsqueeze(1)
    per_epoch = images.shape[0] // batch
    generator = torch.Generator().manual_seed(seed)
    losses, order = [], None
    for step in range(steps):
        if step % per_epoch == 0:
            order = torch.randperm(images.shape[0], generator=generator)
        start = (step % per_epoch) * batch
        losses.append(vae_iteration(encoder, decoder, optimizer, images[order[start:start + batch]]))
    return sum(losses[-20:]) / len(losses[-20:])


# ---- evaluation: the formulas of src/vae/elbo.ts and vae-iwae.ts ----

def log_bernoulli(x, logits):
    """log p(x|z) per image, summed over pixels: x, logits [b, c, h, w] -> [b]."""
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum((1, 2, 3))


def log_normal(z, mu, log_var):
    """log N(z; mu, diag exp(log_var)) summed over latents -> [...]."""
    return -0.5 * (((z - mu) ** 2) / log_var.exp() + log_var + LOG_2PI).sum(-1)


@torch.no_grad()
def evaluate_elbo(encoder, decoder, x, batch=500):
    """Mean reconstruction (−log p(x|z), one z per image) and closed-form KL, nats per image, over x [n, c, h, w]."""
    reconstruction = kl = 0.0
    for start in range(0, x.shape[0], batch):
        xb = x[start:start + batch]
        mu, log_var = encoder(xb)
        z = mu + (0.5 * log_var).exp() * torch.randn_like(mu)
        reconstruction -= log_bernoulli(xb, decoder(z)).double().sum().item()
        kl += (0.5 * (mu.square() + log_var.exp() - log_var - 1).sum(-1)).double().sum().item()
    n = x.shape[0]
    return {"elbo": -(reconstruction + kl) / n, "reconstruction": reconstruction / n, "kl": kl / n, "images": n}


@torch.no_grad()
def evaluate_iwae(encoder, decoder, x, k, decoder_batch=1000, progress=None):
    """−mean over images of log (1/k) Σ p(x, z_i) / q(z_i|x), z_i ~ q(z|x), with its standard error and the
    per-image estimates (for paired comparisons); the log weights are float32, their log-mean-exp float64, as ganvae's."""
    estimates, started = [], time.perf_counter()
    for i in range(x.shape[0]):
        xi = x[i:i + 1]
        mu, log_var = encoder(xi)
        weights = []
        for done in range(0, k, decoder_batch):
            samples = min(decoder_batch, k - done)
            z = mu + (0.5 * log_var).exp() * torch.randn(samples, mu.shape[1])
            logits = decoder(z)
            weights.append(log_bernoulli(xi.expand(samples, -1, -1, -1), logits)
                           + log_normal(z, torch.zeros_like(z), torch.zeros_like(z)) - log_normal(z, mu, log_var))
        estimates.append((torch.logsumexp(torch.cat(weights).double(), 0) - math.log(k)).item())
        if progress and ((i + 1) % 10 == 0 or i + 1 == x.shape[0]):
            progress(i + 1, x.shape[0], time.perf_counter() - started)
    e = np.array(estimates)
    return {"nll": -e.mean(), "nllStandardError": e.std(ddof=1) / math.sqrt(len(e)) if len(e) > 1 else 0.0,
            "k": k, "images": len(e), "seconds": time.perf_counter() - started, "perImageLogLikelihood": estimates}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exported", help="folder written by bench/pytorch/export-vae-eval-set.ts")
    parser.add_argument("--out", required=True, help="JSON file for the results")
    parser.add_argument("--weights", help="a ganvae run's model/ folder, or a .pt this script saved: evaluate it instead of training")
    parser.add_argument("--k", type=int, default=5000, help="IWAE importance samples per image (default 5000; 0: no evaluation here, e.g. with --into-run)")
    parser.add_argument("--iwae-images", type=int, default=0, help="first N images of the IWAE subset (0: all)")
    parser.add_argument("--into-run", help="a copy of the ganvae run (same architecture): its model/ weight files are overwritten with these weights")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads (default 2)")
    parser.add_argument("--keep-denormals", action="store_true", help="PyTorch's default float mode (slow once values turn denormal)")
    parser.add_argument("--seed", type=int, default=0, help="seed of PyTorch's init, shuffling and noise")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    # As ganvae's native kernels (and TensorFlow's) do. PyTorch keeps denormals by default, and this VAE's
    # training reaches them: a run of 2,340 steps was still unfinished after 24 minutes (~7 min expected).
    torch.set_flush_denormal(not args.keep_denormals)
    with open(os.path.join(args.exported, "run.json")) as f:
        settings = json.load(f)
    arch = settings["architecture"]
    encoder, decoder = build(arch, args.seed)
    result = {"settings": settings, "threads": args.threads, "torch": torch.__version__}
    if args.weights and args.weights.endswith(".pt"):
        state = torch.load(args.weights)
        encoder.load_state_dict(state["encoder"])
        decoder.load_state_dict(state["decoder"])
        result.update({key: state[key] for key in ("finalTrainLoss", "trainSeconds", "steps")})
        result["weights"] = args.weights
    elif args.weights:
        decoder_grid, encoder_grid = tfjs_grids(arch)
        load_tfjs_into(weighted_layers(decoder), os.path.join(args.weights, "decoder"), decoder_grid, "output")
        load_tfjs_into(weighted_layers(encoder), os.path.join(args.weights, "encoder"), encoder_grid, "input")
        result["weights"] = args.weights
    else:
        started = time.perf_counter()
        result["finalTrainLoss"] = train(encoder, decoder, settings, read_idx_images(FASHION_MNIST_TRAIN), args.seed)
        result["trainSeconds"] = time.perf_counter() - started
        result["steps"] = settings["steps"]
        torch.save({"encoder": encoder.state_dict(), "decoder": decoder.state_dict(),
                    **{key: result[key] for key in ("finalTrainLoss", "trainSeconds", "steps")}}, os.path.splitext(args.out)[0] + ".pt")
        print("trained {} steps in {:.1f} s, last losses {:.2f}".format(settings["steps"], result["trainSeconds"], result["finalTrainLoss"]), flush=True)
    if args.into_run:
        decoder_grid, encoder_grid = tfjs_grids(arch)
        save_into_tfjs(weighted_layers(decoder), os.path.join(args.into_run, "model", "decoder"), decoder_grid, "output")
        save_into_tfjs(weighted_layers(encoder), os.path.join(args.into_run, "model", "encoder"), encoder_grid, "input")
        print("wrote the weights into {}/model: `ganvae eval --run {}` scores them".format(args.into_run, args.into_run), flush=True)
    if args.k == 0:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)
        return
    encoder.eval()
    decoder.eval()
    torch.manual_seed(args.seed + 1)
    started = time.perf_counter()
    result["elbo"] = evaluate_elbo(encoder, decoder, load_binarized(os.path.join(args.exported, "test-binarized.npy")))
    result["elboSeconds"] = time.perf_counter() - started
    print("test ELBO {elbo:.2f} (reconstruction {reconstruction:.2f} + KL {kl:.2f}) on {images} images".format(**result["elbo"]), flush=True)
    subset = load_binarized(os.path.join(args.exported, "iwae-subset.npy"))
    if args.iwae_images:
        subset = subset[:args.iwae_images]

    def progress(done, total, seconds):
        print("IWAE k={}: {}/{} images in {:.0f} s".format(args.k, done, total, seconds), flush=True)
    result["iwae"] = evaluate_iwae(encoder, decoder, subset, args.k, progress=progress)
    print("NLL (IWAE k={k}) {nll:.2f} ± {nllStandardError:.2f} over {images} images [{seconds:.0f} s]".format(**result["iwae"]))
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
