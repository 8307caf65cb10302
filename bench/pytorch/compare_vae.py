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
    seeds = sorted(int(re.search(r"(\d+)$", p).group(1)) for p in glob.glob(os.path.join(args.folder, "ganvae-seed*"))
                   if os.path.exists(os.path.join(args.folder, "pytorch-seed" + p.rsplit("seed", 1)[1], "iwae.json"))
                   and os.path.exists(os.path.join(p, "iwae.json")))
    if not seeds:
        raise SystemExit("{}: no seed has both runs scored yet (run compare-vae.sh)".format(args.folder))
    print("| seed | | test ELBO | −log p(x\\|z) | KL | NLL (IWAE) | NLL PyTorch − ganvae (paired) | steps | train s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    nll = {"ganvae": [], "PyTorch": []}
    elbo = {"ganvae": [], "PyTorch": []}
    for seed in seeds:
        ours = scores(os.path.join(args.folder, "ganvae-seed{}".format(seed)))
        theirs = scores(os.path.join(args.folder, "pytorch-seed{}".format(seed)))
        if ours["k"] != theirs["k"]:
            raise SystemExit("seed {}: the two IWAE files differ in k".format(seed))
        # Both files list the subset's images in the same order: compare on the images both scored.
        images = min(len(ours["loglik"]), len(theirs["loglik"]))
        ours["loglik"], theirs["loglik"] = ours["loglik"][:images], theirs["loglik"][:images]
        diff, diff_error = mean_and_error([a - b for a, b in zip(ours["loglik"], theirs["loglik"])])
        for name, s in (("ganvae", ours), ("PyTorch", theirs)):
            value, error = mean_and_error([-v for v in s["loglik"]])
            nll[name].append(value)
            elbo[name].append(s["elbo"]["elbo"])
            paired = "{:+.2f} ± {:.2f}".format(diff, diff_error) if name == "PyTorch" else ""
            print("| {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.2f} ± {:.2f} | {} | {} | {:.0f} |".format(
                seed, name, s["elbo"]["elbo"], s["elbo"]["reconstruction"], s["elbo"]["kl"], value, error, paired, s["steps"], s["seconds"]))
    k, images = ours["k"], len(ours["loglik"])
    print("\nOver {} seeds (mean ± standard error over seeds; IWAE k={} on the first {} images of the fixed subset, "
          "ELBO on {} test images):".format(len(seeds), k, images, ours["elbo"]["images"]))
    for name in ("ganvae", "PyTorch"):
        e, e_err = mean_and_error(elbo[name])
        n, n_err = mean_and_error(nll[name])
        print("- {}: test ELBO {:.2f} ± {:.2f}, NLL {:.2f} ± {:.2f}".format(name, e, e_err, n, n_err))
    (a, a_err), (b, b_err) = mean_and_error(nll["ganvae"]), mean_and_error(nll["PyTorch"])
    print("- NLL ganvae − PyTorch: {:+.2f} ± {:.2f} nats (positive: PyTorch's is lower)".format(a - b, math.hypot(a_err, b_err)))


if __name__ == "__main__":
    main()
