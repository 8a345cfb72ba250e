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
    """scipy.stats.wilcoxon with its defaults over the paired differences;
    None when there are none or every difference is zero."""
    if not any(v != 0 for v, n in differences.items() if n):
        return None
    sample = np.repeat(
        np.array([float(v) for v in differences], dtype=float),
        np.array(list(differences.values()), dtype=int),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = stats.wilcoxon(sample).pvalue
    return None if math.isnan(p) else float(p)


def mcnemar_exact_p(b: int, c: int) -> float:
    """Two-sided binomial test of the smaller discordant count out of all
    discordant pairs; 1.0 when there are none."""
    if b + c == 0:
        return 1.0
    return float(stats.binomtest(min(b, c), b + c, 0.5).pvalue)
