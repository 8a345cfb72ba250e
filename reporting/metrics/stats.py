"""Test statistics from what SQL already aggregated: a few numbers, or a
histogram of paired differences (value -> how many pairs)."""

import math
import warnings

import numpy as np
from scipy import stats


def t_interval(n: int, mean: float | None, sd: float | None) -> list[float] | None:
    """95% confidence interval of a mean from the t distribution; needs two
    values or more."""
    if n < 2 or mean is None or sd is None:
        return None
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return [mean - half, mean + half]


def wilcoxon_p(differences: dict[float, int]) -> float | None:
    """The p-value of scipy.stats.wilcoxon with its defaults over the paired
    differences (value -> how many); None when there are none or every
    difference is zero."""
    if not any(v != 0 for v, n in differences.items() if n):
        return None
    sample = np.repeat(
        np.array([float(v) for v in differences], dtype=float),
        np.array(list(differences.values()), dtype=int),
    )
    nonzero = sample[sample != 0]
    tied = len(np.unique(np.abs(nonzero))) < len(nonzero)
    if len(sample) <= _PERMUTATION_MAX_N and (tied or len(nonzero) < len(sample)):
        return _exact_sign_flip_p(nonzero)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = stats.wilcoxon(sample).pvalue
    return None if math.isnan(p) else float(p)


# scipy's default ("auto") turns, for 13 pairs or fewer with ties or zeros,
# to a permutation test over all 2**n sign flips: exact, but it takes seconds
# in scipy (it recomputes the ranks for each of 8,192 flips). The same
# distribution of the positive rank sum follows from a subset-sum count
# over the (doubled, so integer) average ranks, in microseconds.
# tests/metrics/test_stats.py holds the two equal over random samples.
_PERMUTATION_MAX_N = 13


def _exact_sign_flip_p(nonzero: np.ndarray) -> float:
    ranks = np.rint(2 * stats.rankdata(np.abs(nonzero))).astype(int)
    observed = int(ranks[nonzero > 0].sum())
    counts = np.zeros(int(ranks.sum()) + 1, dtype=np.int64)
    counts[0] = 1
    for r in ranks:
        shifted = np.zeros_like(counts)
        shifted[r:] = counts[:-r] if r else counts
        counts = counts + shifted
    total = counts.sum()
    less = counts[: observed + 1].sum() / total
    greater = counts[observed:].sum() / total
    return float(min(1.0, 2 * min(less, greater)))


def mcnemar_exact_p(b: int, c: int) -> float:
    """Two-sided binomial test of the smaller discordant count out of all
    discordant pairs; 1.0 when there are none."""
    if b + c == 0:
        return 1.0
    return float(stats.binomtest(min(b, c), b + c, 0.5).pvalue)
