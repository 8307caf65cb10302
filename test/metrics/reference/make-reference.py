# Writes reference-values.json for test/metrics/*.test.ts: the reference implementations'
# formulas (pytorch-fid, torch-fidelity, NVlabs precision/recall, clovaai prdc) on seeded data and on
# real extractor features (extractor-features.bin, from dump-features.ts), in numpy/scipy float64.
# Needs Debian's numpy and scipy (`apt-get install python3-scipy`); rerun with
#   /usr/bin/python3 test/metrics/reference/make-reference.py
# `make-reference.py --measure PREFIX` instead prints FID and KID (torch-fidelity's 100 subsets of
# 1000) of the train set against the test set of a larger dump (dump-features.ts --n 10000 --out PREFIX).
import json
import os
import sys

import numpy as np
from scipy import linalg


def frechet_distance(mu1, sigma1, mu2, sigma2, offset=False, eps=1e-6):
    """pytorch-fid's calculate_frechet_distance; `offset` forces its singular-product branch."""
    diff = mu1 - mu2
    if offset:
        shift = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + shift).dot(sigma2 + shift))
    else:
        covmean = linalg.sqrtm(sigma1.dot(sigma2))
    if np.iscomplexobj(covmean):
        assert np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3)
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean))


def stats(x):
    return np.mean(x, axis=0), np.cov(x, rowvar=False)


def mmd2_unbiased(k_xx, k_xy, k_yy):
    m = k_xx.shape[0]
    kt_xx = k_xx.sum() - np.trace(k_xx)
    kt_yy = k_yy.sum() - np.trace(k_yy)
    return (kt_xx + kt_yy) / (m * (m - 1)) - 2 * k_xy.sum() / (m * m)


def kid(f1, f2, subsets, subset_size, seed=2020):
    """torch-fidelity's kid_features_to_metric (computed in float64 here)."""
    rng = np.random.RandomState(seed)
    poly = lambda x, y: (x @ y.T / x.shape[1] + 1) ** 3
    mmds = []
    for _ in range(subsets):
        a = f1[rng.choice(len(f1), subset_size, replace=False)]
        b = f2[rng.choice(len(f2), subset_size, replace=False)]
        mmds.append(mmd2_unbiased(poly(a, a), poly(a, b), poly(b, b)))
    return float(np.mean(mmds)), float(np.std(mmds))


def inception_score(logits, splits=10, shuffle=True, seed=2020):
    """torch-fidelity's isc_features_to_metric, with numpy's softmax in float64."""
    n = len(logits)
    if shuffle:
        logits = logits[np.random.RandomState(seed).permutation(n)]
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    scores = []
    for i in range(splits):
        pc, lc = p[i * n // splits:(i + 1) * n // splits], log_p[i * n // splits:(i + 1) * n // splits]
        q = pc.mean(axis=0, keepdims=True)
        scores.append(np.exp((pc * (lc - np.log(q))).sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))


def kth_radii(x, k):
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    return np.partition(d, k, axis=1)[:, k]


def prdc(real, fake, k_pr=3, k_dc=5):
    """NVlabs precision/recall (k=3, <=) and clovaai density/coverage (k=5, <)."""
    d = np.sqrt(((real[:, None, :] - fake[None, :, :]) ** 2).sum(-1))  # [real, fake]
    r_real3, r_fake3, r_real5 = kth_radii(real, k_pr), kth_radii(fake, k_pr), kth_radii(real, k_dc)
    return {
        'precision': float((d <= r_real3[:, None]).any(axis=0).mean()),
        'recall': float((d <= r_fake3[None, :]).any(axis=1).mean()),
        'density': float((d < r_real5[:, None]).sum(axis=0).mean() / k_dc),
        'coverage': float((d.min(axis=1) < r_real5).mean()),
    }


def load_features(prefix):
    """dump-features.ts output: the header and its float32 sets [n, dim], one after another, widened to float64."""
    with open(prefix + '.json') as f:
        header = json.load(f)
    data = np.fromfile(prefix + '.bin', dtype='<f4').astype(np.float64).reshape(-1, header['dim'])
    ends = np.cumsum([s['n'] for s in header['sets']])
    return header, np.split(data, ends[:-1])


def fid_of(a, b):
    return frechet_distance(*stats(a), *stats(b))


def extractor_features_reference(prefix, kid_subsets, kid_subset_size):
    """FID and KID of the train and digit sets (first) against the test set (second), as `ganvae eval` orders them."""
    header, (test, train, digits) = load_features(prefix)
    out = {'extractor': header['extractor'], 'sets': [s['description'] for s in header['sets']],
           'kidSubsets': kid_subsets, 'kidSubsetSize': kid_subset_size}
    for name, first in (('trainVsTest', train), ('digitsVsTest', digits)):
        mean, std = kid(first, test, kid_subsets, kid_subset_size)
        out[name] = {'fid': fid_of(first, test), 'kidMean': mean, 'kidStd': std}
    return out


def measure(prefix):
    header, (test, train, _) = load_features(prefix)
    mean, std = kid(train, test, subsets=100, subset_size=1000)
    print(f"{header['extractor']}, n = {len(train)} vs {len(test)}: FID {fid_of(train, test):.6f}, "
          f"KID {mean:.9f} ± {std:.9f} (×1000: {mean * 1000:.4f} ± {std * 1000:.4f})")


def main():
    rng = np.random.RandomState(7)
    out = {}

    x = rng.randn(60, 5) * [1.0, 2.0, 0.5, 1.5, 1.0] + rng.randn(5)
    y = x @ rng.randn(5, 5) * 0.7 + rng.randn(5)
    mx, sx = stats(x)
    my, sy = stats(y)
    out['fid'] = {'x': x.tolist(), 'y': y.tolist(), 'fid': frechet_distance(mx, sx, my, sy),
                  'traceSqrtProduct': float(np.trace(linalg.sqrtm(sx @ sy).real))}

    # Fewer samples than dimensions: both covariances have rank 3 in 8-d, so Σ1Σ2 is singular.
    xs, ys = rng.randn(4, 8), rng.randn(4, 8) + 0.5
    (m1, s1), (m2, s2) = stats(xs), stats(ys)
    out['fidSingular'] = {'x': xs.tolist(), 'y': ys.tolist(), 'fidWithOffset': frechet_distance(m1, s1, m2, s2, offset=True)}

    f1, f2 = rng.randn(50, 4), rng.randn(40, 4) * 1.3 + 0.2
    mean, std = kid(f1, f2, subsets=7, subset_size=20)
    out['kid'] = {'x': f1.tolist(), 'y': f2.tolist(), 'subsets': 7, 'subsetSize': 20, 'mean': mean, 'std': std}

    logits = rng.randn(53, 6) * 3
    mean, std = inception_score(logits)
    out['inceptionScore'] = {'logits': logits.tolist(), 'mean': mean, 'std': std}

    real, fake = rng.randn(40, 3), rng.randn(35, 3) * 0.6 + 0.9
    out['prdc'] = {'real': real.tolist(), 'fake': fake.tolist(), **prdc(real, fake)}

    out['numpyRandom'] = {
        'seed2020FirstUint32': [int(v) for v in np.random.RandomState(2020).randint(0, 2**32, size=3, dtype=np.uint64)],
        'seed2020Permutation10': np.random.RandomState(2020).permutation(10).tolist(),
        'seed0Choice70000': np.random.RandomState(0).choice(70000, 5, replace=False).tolist(),
    }

    here = os.path.dirname(os.path.abspath(__file__))
    # 500 features per set: 20 subsets of 250 keep the test's float64 KID quick.
    out['extractorFeatures'] = extractor_features_reference(os.path.join(here, 'extractor-features'), 20, 250)

    with open(os.path.join(here, 'reference-values.json'), 'w') as f:
        json.dump(out, f)


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--measure':
        measure(sys.argv[2])
    else:
        main()
