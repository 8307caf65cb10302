"""The ganvae vs PyTorch VAE table (README, issue 6): test ELBO, its terms, IWAE NLL and the paired difference.

  /usr/bin/python3 bench/pytorch/compare_vae.py RUN/eval/metrics.json ganvae-iwae.json pytorch.json
(metrics.json from `ganvae eval --run RUN --vae-only`, ganvae-iwae.json from ganvae-iwae.ts, pytorch.json from train_vae.py)
"""
import argparse
import json
import math


def mean_and_error(values):
    """Mean and its standard error over `values`."""
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, math.sqrt(variance / n)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ganvae_eval", help="the run's eval/metrics.json (its vae.elbo is the test-set ELBO)")
    parser.add_argument("ganvae_iwae", help="per-image IWAE estimates from bench/pytorch/ganvae-iwae.ts")
    parser.add_argument("pytorch", help="results of bench/pytorch/train_vae.py")
    args = parser.parse_args()
    ours = json.load(open(args.ganvae_eval))["vae"]
    ours_iwae = json.load(open(args.ganvae_iwae))
    theirs = json.load(open(args.pytorch))
    if ours_iwae["k"] != theirs["iwae"]["k"]:
        raise SystemExit("k differs: ganvae {} vs PyTorch {}".format(ours_iwae["k"], theirs["iwae"]["k"]))
    n = min(ours_iwae["images"], theirs["iwae"]["images"])
    a, b = ours_iwae["perImageLogLikelihood"][:n], theirs["iwae"]["perImageLogLikelihood"][:n]
    nll_a, se_a = mean_and_error([-v for v in a])
    nll_b, se_b = mean_and_error([-v for v in b])
    diff, se_diff = mean_and_error([y - x for x, y in zip(a, b)])  # PyTorch NLL minus ganvae NLL, per image
    settings = theirs["settings"]
    rows = [
        ("test ELBO (nats, {} images)".format(ours["elbo"]["images"]), ours["elbo"]["elbo"], theirs["elbo"]["elbo"]),
        ("  reconstruction −log p(x\\|z)", ours["elbo"]["reconstruction"], theirs["elbo"]["reconstruction"]),
        ("  KL(q ‖ p)", ours["elbo"]["kl"], theirs["elbo"]["kl"]),
    ]
    print("| | ganvae | PyTorch |\n| --- | --- | --- |")
    for name, x, y in rows:
        print("| {} | {:.2f} | {:.2f} |".format(name, x, y))
    print("| NLL, IWAE k={} ({} images of the subset) | {:.2f} ± {:.2f} | {:.2f} ± {:.2f} |".format(
        ours_iwae["k"], n, nll_a, se_a, nll_b, se_b))
    print("| NLL difference PyTorch − ganvae (paired) | | {:+.2f} ± {:.2f} |".format(-diff, se_diff))
    print("| steps (batch {}) | {} | {} |".format(settings["batchSize"], settings["steps"], theirs["steps"]))
    print("| training wall time | {:.0f} s ({}) | {:.0f} s (PyTorch {}, {} threads) |".format(
        settings["trainSeconds"], settings["backend"], theirs["trainSeconds"], theirs["torch"], theirs["threads"]))


if __name__ == "__main__":
    main()
