"""The PyTorch side of `npm run bench`: times one workload on one thread count and prints one JSON line.

Run by bench/run.ts (one child process per measurement, so that peak RSS is per workload):
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/run.py --config '<workload JSON>' --threads 2 --seconds 20
"""
import argparse
import copy
import json
import os
import sys
import time

# Before torch loads OpenBLAS: one BLAS thread, so that it does not compete with PyTorch's OpenMP threads.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

try:
    import torch  # noqa: E402
except ImportError:
    raise SystemExit("PyTorch is not installed for {}: run `bash scripts/setup.sh --bench` (Debian's python3-torch), "
                     "or pass the Python that has it with --python".format(sys.executable))

from blas import check_blas  # noqa: E402
from layers import layer_records  # noqa: E402
from models import build_vae  # noqa: E402
from steps import GAN_MIRRORED, adam, gan_iteration, gan_models, gan_option, gan_step_options, lazy_r1_weight, vae_iteration  # noqa: E402
from train_gan import FASHION_MNIST_TRAIN, ema_update, load_idx_images  # noqa: E402


def peak_rss_bytes():
    """VmHWM (peak resident set size) of this process."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


# The benchmark's GAN iterations are the bare step: no EMA generator, R1 or flips (bench/workloads.ts turns them off);
# a loop workload (D1, `ganvae train gan`'s defaults) keeps the EMA generator and the lazy R1 penalty, as
# train_gan.py's twin does.
BENCH_MIRRORED = {**GAN_MIRRORED, "ema": (False,), "r1": (0,), "flip": (False,)}
LOOP_MIRRORED = {**GAN_MIRRORED, "ema": (False, True), "flip": (False,)}
VAE_MIRRORED = {"beta": 1, "klWarmupSteps": 0, "conditional": False, "likelihood": "bernoulli", "binarize": "dynamic"}
WHO = "the PyTorch mirror (bench/pytorch/steps.py)"


def require_mirrored_vae(options):
    """Exits naming the option when the workload uses a ganvae VAE feature the PyTorch steps do not mirror."""
    for name, value in VAE_MIRRORED.items():
        if options.get(name) != value:
            raise SystemExit("{} implements {} = {!r} only, the workload has {!r}".format(WHO, name, value, options.get(name)))


def batches(config, real):
    """A function giving the next training batch [batch, c, h, w] in [-1, 1]: the fixed random batch `real`, or for a
    loop workload (D1, D2) shuffled batches of Fashion-MNIST's train split as train_gan.py and train_vae.py serve them
    (a new permutation each epoch, the last partial batch dropped)."""
    if not config.get("loop"):
        return lambda: real
    images = torch.from_numpy(load_idx_images(FASHION_MNIST_TRAIN)[:, None].astype("float32") * (2 / 255) - 1)
    batch = config["batch"]
    per_epoch = images.shape[0] // batch
    shuffle = torch.Generator().manual_seed(0)
    state = {"step": 0, "order": None}

    def next_batch():
        index = state["step"] % per_epoch
        if index == 0:
            state["order"] = torch.randperm(images.shape[0], generator=shuffle)
        state["step"] += 1
        return images[state["order"][index * batch:(index + 1) * batch]]
    return next_batch


def gan_workload(config, real):
    """(step function, layer records, parameter counts) for a GAN config; exits on an option the steps do not mirror."""
    step_options = gan_step_options(config["options"], WHO, LOOP_MIRRORED if config.get("loop") else BENCH_MIRRORED)
    arch = config["gan"]
    generator, discriminator, decoders, opt_g, opt_d = gan_models(arch, config["options"], arch["adam"])
    latent = arch["generator"]["latentSize"]
    networks = {"generator": (generator, torch.zeros(2, latent)), "discriminator": (discriminator, real[:2])}
    if decoders is not None:
        # ganvae's model names; each reads an 8x8 map of D (the part decoder a quarter of its 16x16 one).
        with torch.no_grad():
            _, maps = discriminator(real[:2], with_maps=True)
        networks.update({"decoder-whole": (decoders["whole"], maps[8]), "decoder-part": (decoders["part"], maps[16][:, :, :8, :8])})
    layers = {name: layer_records(model, example) for name, (model, example) in networks.items()}
    params = {name: count(model) for name, (model, _) in networks.items()}

    options = config["options"]
    ema = copy.deepcopy(generator) if config.get("loop") and gan_option(options, "ema") else None
    r1_gamma, r1_every = gan_option(options, "r1"), options.get("r1Every", 16)
    next_batch = batches(config, real)
    steps = [0]

    def step():
        r1 = lazy_r1_weight(r1_gamma, r1_every, steps[0])
        losses = gan_iteration(generator, discriminator, opt_g, opt_d, next_batch(), latent, r1=r1, decoders=decoders, **step_options)
        steps[0] += 1
        if ema is not None:
            t = steps[0]
            ema_update(ema, generator, min(options["emaDecay"], (1 + t) / (10 + t)))
        return losses
    return step, layers, params


def vae_workload(config, real):
    """(step function, layer records, parameter counts) for a VAE config."""
    encoder, decoder = build_vae(config["vae"]["architecture"])
    optimizer = adam(list(encoder.parameters()) + list(decoder.parameters()),
                     {"learningRate": config["vae"]["learningRate"], "beta1": 0.9, "beta2": 0.999})
    latent = config["vae"]["architecture"]["latentSize"]
    layers = {"encoder": layer_records(encoder, real[:2]), "decoder": layer_records(decoder, torch.zeros(2, latent))}
    params = {"encoder": count(encoder), "decoder": count(decoder)}
    next_batch = batches(config, real)
    return (lambda: vae_iteration(encoder, decoder, optimizer, next_batch())), layers, params


def count(model):
    return sum(p.numel() for p in model.parameters())


# bench/measurement.ts's TIMING_STARTED: tells the parent when timing begins.
TIMING_STARTED = "bench: timing started"


def measure(step, warmup, seconds, min_steps):
    """Runs `warmup` untimed steps, then steps until `seconds` have passed and at least `min_steps` ran.
    Returns (steps, wall seconds, CPU seconds of this process)."""
    for _ in range(warmup):
        step()
    print(TIMING_STARTED, file=sys.stderr, flush=True)
    start = time.perf_counter()
    cpu_start = time.process_time()
    steps = 0
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if steps >= min_steps and elapsed >= seconds:
            return steps, elapsed, time.process_time() - cpu_start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="the workload as JSON (bench/workloads.ts)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20, help="timed duration after warm-up")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    parser.add_argument("--min-steps", type=int, default=1)
    parser.add_argument("--layers-only", action="store_true", help="print the layers and parameter counts, do not train")
    args = parser.parse_args()
    config = json.loads(args.config)

    if config["family"] == "vae":
        require_mirrored_vae(config["options"])
    blas = check_blas()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    h, w, c = config["imageShape"]
    # A fixed random "real" batch in [-1, 1]: data loading is excluded on every system.
    real = torch.rand(config["batch"], c, h, w) * 2 - 1
    build = gan_workload if config["family"] == "gan" else vae_workload
    step, layers, params = build(config, real)
    if args.layers_only:
        print(json.dumps({"layers": layers, "params": params}))
        return
    steps, seconds, cpu_seconds = measure(step, args.warmup, args.seconds, args.min_steps)
    print(json.dumps({
        "steps": steps, "seconds": seconds, "cpuSeconds": cpu_seconds, "warmupSteps": args.warmup, "threads": torch.get_num_threads(),
        "peakRssBytes": peak_rss_bytes(), "layers": layers, "params": params,
        "details": {"torch": torch.__version__, "blas": blas, "mkldnn": torch.backends.mkldnn.is_available()},
    }))


if __name__ == "__main__":
    sys.exit(main())
