# Reference values for BioEval's statistics parity test, from SciPy and statsmodels (Debian: python3-scipy,
# python3-statsmodels; run with /usr/bin/python3).
#
# usage: /usr/bin/python3 stats_reference.py CASES.jsonl RESAMPLES
#   CASES.jsonl: the input format of `bioeval stats` (mcnemar | permutation | bootstrap | adjust lines).
# Prints one JSON line per case:
#   mcnemar:     p_value = scipy.stats.binomtest(c, b + c, 0.5) (two-sided), 1 without discordant pairs
#   permutation: p_value = scipy.stats.permutation_test on the differences, one sample, signs flipped
#                (exact for n <= 20, else RESAMPLES random flips)
#   bootstrap:   ci_low, ci_high = scipy.stats.bootstrap percentile interval of the mean difference with 200,000
#                resamples; p_value = share of those resampled means, centred on 0, at least as far from 0 as the
#                observed mean (the observed one counted)
#   adjust:      holm, bh = statsmodels.stats.multitest.multipletests(method="holm" | "fdr_bh")
import json
import sys

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

cases, resamples = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(12345)


def mean(x, axis):
    return np.mean(x, axis=axis)


for line in open(cases, encoding="utf-8"):
    if not line.strip():
        continue
    r = json.loads(line)
    if r["test"] == "adjust":
        p = np.array(r["p_values"], dtype=float)
        out = {"id": r["id"], "holm": multipletests(p, method="holm")[1].tolist(), "bh": multipletests(p, method="fdr_bh")[1].tolist()}
    else:
        a = np.array(r["base"], dtype=float)
        b = np.array(r["bio"], dtype=float)
        d = b - a
        n = len(d)
        out = {"id": r["id"], "n": n, "delta": float(d.mean())}
        if r["test"] == "mcnemar":
            only_base = int(((a == 1) & (b == 0)).sum())
            only_bio = int(((a == 0) & (b == 1)).sum())
            out["p_value"] = 1.0 if only_base + only_bio == 0 else float(stats.binomtest(only_bio, only_base + only_bio, 0.5).pvalue)
        elif r["test"] == "permutation":
            res = stats.permutation_test((d,), mean, permutation_type="samples", vectorized=True,
                                         n_resamples=np.inf if n <= 20 else resamples, random_state=rng)
            out["p_value"] = float(res.pvalue)
        else:
            res = stats.bootstrap((d,), mean, n_resamples=200_000, method="percentile", confidence_level=0.95,
                                  vectorized=True, random_state=rng)
            out["ci_low"] = float(res.confidence_interval.low)
            out["ci_high"] = float(res.confidence_interval.high)
            draws = d[rng.integers(0, n, size=(200_000, n))].mean(axis=1)
            delta = d.mean()
            out["p_value"] = float((1 + np.sum(np.abs(draws - delta) >= abs(delta) * (1 - 1e-12))) / (200_000 + 1))
    print(json.dumps(out))
