"""The statistics helpers against scipy itself."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reporting.metrics.stats import mcnemar_exact_p, t_interval, wilcoxon_p


def _hist(values):
    out = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def _scipy(values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.wilcoxon(np.array(values, dtype=float)).pvalue)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=-6, max_value=6), min_size=1, max_size=11))
def test_wilcoxon_p_equals_scipy_defaults_on_small_tied_samples(values):
    if not any(values):
        assert wilcoxon_p(_hist(values)) is None
        return
    assert wilcoxon_p(_hist(values)) == pytest.approx(_scipy(values), rel=1e-9)


@pytest.mark.parametrize(
    "values",
    [
        [1, 2, 3, 4, 5, 6, 7, 8],  # no ties: scipy's exact distribution
        [-6, -6, 0, -20, 3],  # ties and a zero: the sign-flip enumeration
        list(range(-30, 31)),  # over 50: the normal approximation
        [-3, -3, -2, -1, 0, 0, 1, 4, 5, 5, 6, 7, 8, 9, 9],  # ties, over 13: approximation
    ],
)
def test_wilcoxon_p_equals_scipy_defaults(values):
    assert wilcoxon_p(_hist(values)) == pytest.approx(_scipy(values), rel=1e-9)


def test_wilcoxon_p_is_none_when_every_difference_is_zero():
    assert wilcoxon_p({0: 5}) is None
    assert wilcoxon_p({}) is None


def test_mcnemar_is_the_binomial_test_of_the_smaller_discordant_count():
    assert mcnemar_exact_p(0, 0) == 1.0
    assert mcnemar_exact_p(7, 1) == pytest.approx(stats.binomtest(1, 8, 0.5).pvalue)
    assert mcnemar_exact_p(1, 7) == mcnemar_exact_p(7, 1)


def test_t_interval_needs_two_values():
    assert t_interval(1, 3.0, None) is None
    low, high = t_interval(4, 2.0, 1.0)
    half = stats.t.ppf(0.975, 3) * 1.0 / 2
    assert (low, high) == (pytest.approx(2.0 - half), pytest.approx(2.0 + half))
