"""The ganvae vs PyTorch GAN table (README, issue 5) from the folder bench/pytorch/compare-gan.sh fills: per seed
and averaged over seeds, FID / KID / IS / precision / recall of each side's samples, both scored by `ganvae eval`.

  /usr/bin/python3 bench/pytorch/compare_gan.py runs/compare-gan
"""
import argparse
import glob
import json
import math
import os
import re

METRICS = (("FID", lambda m: m["fid"], "{:.2f}"), ("KID", lambda m: m["kid"]["mean"], "{:.3f}"),
           ("IS", lambda m: m["inceptionScore"]["mean"], "{:.3f}"), ("precision", lambda m: m["precision"], "{:.3f}"),
           ("recall", lambda m: m["recall"], "{:.3f}"))


def mean_and_error(values):
    """Mean and its standard error over `values` (0 for one value)."""
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, math.sqrt(variance / n)


def side(folder, name, seed):
    """Metrics, steps and training seconds of one side's run for `seed`, or None when not scored yet."""
    run = os.path.join(folder, "{}-seed{}".format(name, seed))
    scored = os.path.join(run, "eval", "metrics.json")
    if not os.path.exists(scored):
        return None
    metrics = json.load(open(scored))["evaluated"]["metrics"]
    if name == "pytorch":
        summary = json.load(open(os.path.join(run, "summary.json")))
        return metrics, summary["steps"], summary["trainSec"]
    rows = [json.loads(row) for row in open(os.path.join(run, "metrics.jsonl")) if row.strip()]
    return metrics, rows[-1]["step"], rows[-1]["elapsedSec"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="the OUT_DIR of compare-gan.sh")
    args = parser.parse_args()
    seeds = sorted(int(re.search(r"(\d+)$", p).group(1)) for p in glob.glob(os.path.join(args.folder, "ganvae-seed*")))
    pairs = [(seed, side(args.folder, "ganvae", seed), side(args.folder, "pytorch", seed)) for seed in seeds]
    pairs = [p for p in pairs if p[1] and p[2]]
    if not pairs:
        raise SystemExit("{}: no seed has both runs scored yet (run compare-gan.sh)".format(args.folder))
    print("| seed | | " + " | ".join(name for name, _, _ in METRICS) + " | steps | train s |")
    print("| --- | --- | " + " | ".join("---" for _ in METRICS) + " | --- | --- |")
    values = {"ganvae": [], "PyTorch": []}
    for seed, ours, theirs in pairs:
        for name, (metrics, steps, seconds) in (("ganvae", ours), ("PyTorch", theirs)):
            row = [get(metrics) for _, get, _ in METRICS]
            values[name].append(row)
            print("| {} | {} | ".format(seed, name) + " | ".join(f.format(v) for v, (_, _, f) in zip(row, METRICS))
                  + " | {} | {:.0f} |".format(steps, seconds))
    print("\nOver {} seeds (mean ± standard error over seeds):".format(len(pairs)))
    for name in ("ganvae", "PyTorch"):
        cells = []
        for i, (metric, _, f) in enumerate(METRICS):
            m, e = mean_and_error([row[i] for row in values[name]])
            cells.append("{} {} ± {}".format(metric, f.format(m), f.format(e)))
        print("- {}: {}".format(name, ", ".join(cells)))


if __name__ == "__main__":
    main()
