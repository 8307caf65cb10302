"""The ganvae vs PyTorch VAE table (README, issue 6) from the folder bench/pytorch/compare-vae.sh fills: per seed and
averaged over seeds, test ELBO (reconstruction, KL) and IWAE NLL, all scored by ganvae's evaluator.

  /usr/bin/python3 bench/pytorch/compare_vae.py runs/compare-vae
"""
import argparse
import glob
import json
import math
import os
import re


def mean_and_error(values):
    """Mean and its standard error over `values` (0 for one value)."""
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, math.sqrt(variance / n)


def scores(run):
    """ELBO terms, per-image IWAE log-likelihoods, k and training steps/seconds of one scored run folder."""
    vae = json.load(open(os.path.join(run, "eval", "metrics.json")))["vae"]
    iwae = json.load(open(os.path.join(run, "iwae.json")))
    pytorch = os.path.join(run, "pytorch.json")
    if os.path.exists(pytorch):
        trained = json.load(open(pytorch))
        steps, seconds = trained["steps"], trained["trainSeconds"]
    else:
        rows = open(os.path.join(run, "metrics.jsonl")).read().split("\n")
        last = json.loads([row for row in rows if row.strip()][-1])
        steps, seconds = last["step"], last["elapsedSec"]
    return {"elbo": vae["elbo"], "loglik": iwae["perImageLogLikelihood"], "k": iwae["k"], "steps": steps, "seconds": seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="the OUT_DIR of compare-vae.sh")
    args = parser.parse_args()
    def scored(side):
        return {int(re.search(r"(\d+)$", p).group(1)): p for p in glob.glob(os.path.join(args.folder, side + "-seed*"))
                if os.path.exists(os.path.join(p, "iwae.json")) and os.path.exists(os.path.join(p, "eval", "metrics.json"))}
    runs = {"ganvae": scored("ganvae"), "PyTorch": scored("pytorch")}
    if not runs["ganvae"] or not runs["PyTorch"]:
        raise SystemExit("{}: each side needs at least one scored seed (run compare-vae.sh)".format(args.folder))
    results = {name: {seed: scores(path) for seed, path in side.items()} for name, side in runs.items()}
    # Every file lists the subset's images in the same order: compare on the images all of them scored.
    images = min(len(r["loglik"]) for side in results.values() for r in side.values())
    if len({r["k"] for side in results.values() for r in side.values()}) != 1:
        raise SystemExit("{}: the IWAE files differ in k".format(args.folder))
    print("| seed | | test ELBO | −log p(x\\|z) | KL | NLL (IWAE) | NLL PyTorch − ganvae (paired) | steps | train s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    nll = {"ganvae": [], "PyTorch": []}
    elbo = {"ganvae": [], "PyTorch": []}
    for seed in sorted(set(results["ganvae"]) | set(results["PyTorch"])):
        ours, theirs = results["ganvae"].get(seed), results["PyTorch"].get(seed)
        for name, s in (("ganvae", ours), ("PyTorch", theirs)):
            if s is None:
                continue
            value, error = mean_and_error([-v for v in s["loglik"][:images]])
            nll[name].append(value)
            elbo[name].append(s["elbo"]["elbo"])
            paired = ""
            if name == "PyTorch" and ours is not None:
                paired = "{:+.2f} ± {:.2f}".format(*mean_and_error([a - b for a, b in zip(ours["loglik"][:images], s["loglik"][:images])]))
            print("| {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.2f} ± {:.2f} | {} | {} | {:.0f} |".format(
                seed, name, s["elbo"]["elbo"], s["elbo"]["reconstruction"], s["elbo"]["kl"], value, error, paired, s["steps"], s["seconds"]))
    some = next(iter(results["ganvae"].values()))
    print("\nMean ± standard error over seeds (IWAE k={} on the first {} images of the fixed subset, ELBO on {} test images):".format(
        some["k"], images, some["elbo"]["images"]))
    for name in ("ganvae", "PyTorch"):
        e, e_err = mean_and_error(elbo[name])
        n, n_err = mean_and_error(nll[name])
        print("- {} ({} seeds): test ELBO {:.2f} ± {:.2f}, NLL {:.2f} ± {:.2f}".format(name, len(nll[name]), e, e_err, n, n_err))
    (a, a_err), (b, b_err) = mean_and_error(nll["ganvae"]), mean_and_error(nll["PyTorch"])
    print("- NLL ganvae − PyTorch: {:+.2f} ± {:.2f} nats (positive: PyTorch's is lower)".format(a - b, math.hypot(a_err, b_err)))

if __name__ == "__main__":
    main()
