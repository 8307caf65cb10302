"""The GAN comparison tables (README; issues 5 and 14) from a folder that bench/pytorch/compare-gan.sh or compare-lite.sh
fills: per seed and averaged over seeds, FID / KID / IS / precision / recall of each side's samples, all scored by
`ganvae eval`. A side is every NAME of the folder's NAME-seedS runs: a ganvae run folder, or a PyTorch twin's
(summary.json).

  /usr/bin/python3 bench/pytorch/compare_gan.py runs/compare-gan      # sides ganvae, pytorch
  /usr/bin/python3 bench/pytorch/compare_gan.py runs/compare-lite     # sides lite, dcgan64, lite-pytorch
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
    twin = os.path.join(run, "summary.json")
    if os.path.exists(twin):
        summary = json.load(open(twin))
        return metrics, summary["steps"], summary["trainSec"]
    rows = [json.loads(row) for row in open(os.path.join(run, "metrics.jsonl")) if row.strip()]
    return metrics, rows[-1]["step"], rows[-1]["elapsedSec"]


def sides_and_seeds(folder):
    """The side names (in the order their first seed's folders sort, 'ganvae' first) and the seeds of `folder`'s runs."""
    found = [re.fullmatch(r"(.+)-seed(\d+)", os.path.basename(p)) for p in sorted(glob.glob(os.path.join(folder, "*-seed*")))
             if os.path.exists(os.path.join(p, "run.json")) or os.path.exists(os.path.join(p, "summary.json"))]
    names = sorted({m.group(1) for m in found if m}, key=lambda name: (name != "ganvae", name))
    return names, sorted({int(m.group(2)) for m in found if m})


def label(name):
    return "PyTorch" if name == "pytorch" else name


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="the OUT_DIR of compare-gan.sh or compare-lite.sh")
    args = parser.parse_args()
    names, seeds = sides_and_seeds(args.folder)
    rows = [(seed, [side(args.folder, name, seed) for name in names]) for seed in seeds]
    rows = [(seed, results) for seed, results in rows if all(results)]
    if not rows:
        raise SystemExit("{}: no seed has all of its runs ({}) scored yet (run compare-gan.sh or compare-lite.sh)".format(
            args.folder, ", ".join(names) or "none found"))
    print("| seed | | " + " | ".join(metric for metric, _, _ in METRICS) + " | steps | train s |")
    print("| --- | --- | " + " | ".join("---" for _ in METRICS) + " | --- | --- |")
    values = {name: [] for name in names}
    for seed, results in rows:
        for name, (metrics, steps, seconds) in zip(names, results):
            row = [get(metrics) for _, get, _ in METRICS]
            values[name].append(row)
            print("| {} | {} | ".format(seed, label(name)) + " | ".join(f.format(v) for v, (_, _, f) in zip(row, METRICS))
                  + " | {} | {:.0f} |".format(steps, seconds))
    print("\nOver {} seeds (mean ± standard error over seeds):".format(len(rows)))
    for name in names:
        cells = []
        for i, (metric, _, f) in enumerate(METRICS):
            m, e = mean_and_error([row[i] for row in values[name]])
            cells.append("{} {} ± {}".format(metric, f.format(m), f.format(e)))
        print("- {}: {}".format(label(name), ", ".join(cells)))


if __name__ == "__main__":
    main()
