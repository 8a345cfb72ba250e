"""The `top` figures (domain.md, "The Treatment Outcomes Profile"): the
pairing rule on its edges, declined items, the as-of rule, completeness,
and a plain-Python computation of the definitions on random cohorts."""

import datetime as dt
import math
import statistics

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from reporting.metrics import Cohort
from reporting.metrics.top import top
from tests.factories import EpisodeFactory, ReferralFactory
from tests.outcomes.top_support import make_top

pytestmark = pytest.mark.django_db

D = dt.date
START = D(2025, 1, 10)
AS_OF = D(2025, 12, 31)
PERIOD = (D(2025, 1, 1), D(2025, 3, 31))


def cohort(service, as_of=AS_OF) -> Cohort:
    return Cohort(*PERIOD, as_of, [service.pk])


def episode(service, *, start=START, tier=3):
    referral = ReferralFactory(service=service, referral_date=start - dt.timedelta(days=5))
    extra = {"planned_days": 84} if tier == 4 else {}
    return EpisodeFactory(referral=referral, start_date=start, tier=tier, **extra)


def weeks(total: int) -> list[int]:
    """Four weeks adding up to `total` (0 to 28)."""
    out = []
    for _ in range(4):
        out.append(min(7, total))
        total -= out[-1]
    return out


@pytest.mark.parametrize(("gap", "paired"), [(153, False), (154, True), (210, True), (211, False)])
def test_a_review_pairs_154_to_210_days_after_the_start_top(service_a, gap, paired):
    ep = episode(service_a)
    make_top(ep, "start", START)
    make_top(ep, "review", START + dt.timedelta(days=gap))
    assert top(cohort(service_a))["pairs"] == (1 if paired else 0)


def test_of_two_reviews_in_the_window_the_earliest_counts(service_a):
    ep = episode(service_a)
    make_top(ep, "start", START, crack_days=weeks(20))
    make_top(ep, "review", START + dt.timedelta(days=160), crack_days=weeks(0))
    make_top(ep, "review", START + dt.timedelta(days=200), crack_days=weeks(10))
    figures = top(cohort(service_a))
    assert figures["pairs"] == 1
    assert figures["crack"] == {
        "using_at_start": 1,
        "abstinent_at_review": 1,
        "mean_days_start": 20.0,
        "mean_days_review": 0.0,
    }


def test_an_as_of_date_hides_a_later_top(service_a):
    ep = episode(service_a)
    make_top(ep, "start", START)
    review = START + dt.timedelta(days=180)
    make_top(ep, "review", review)
    assert top(cohort(service_a, as_of=review))["pairs"] == 1
    assert top(cohort(service_a, as_of=review - dt.timedelta(days=1)))["pairs"] == 0


def test_declined_leaves_the_pair_out_of_that_item_only(service_a):
    ep = episode(service_a)
    make_top(ep, "start", START, crack_days=None, crack_spend=None, declined=["crack_days"])
    make_top(ep, "review", START + dt.timedelta(days=180), physical_health=15)
    figures = top(cohort(service_a))
    assert figures["pairs"] == 1
    assert figures["crack"]["using_at_start"] == 0
    assert figures["crack"]["mean_days_start"] is None
    assert figures["alcohol"]["using_at_start"] == 1
    assert figures["physical_health"] == {"n": 1, "mean_change": 4.0, "ci95": None}


def test_a_declined_item_is_not_zero_days(service_a):
    """Were declined read as 0, the client would count as abstinent."""
    ep = episode(service_a)
    make_top(ep, "start", START)
    make_top(
        ep,
        "review",
        START + dt.timedelta(days=180),
        crack_days=None,
        crack_spend=None,
        declined=["crack_days"],
    )
    assert top(cohort(service_a))["crack"]["abstinent_at_review"] == 0


def test_tier_2_and_episodes_outside_the_period_are_left_out(service_a):
    for ep in (episode(service_a, tier=2), episode(service_a, start=D(2025, 4, 2))):
        make_top(ep, "start", ep.start_date)
        make_top(ep, "review", ep.start_date + dt.timedelta(days=180))
    assert top(cohort(service_a))["pairs"] == 0


@pytest.mark.parametrize(("offset", "on_time"), [(-15, 0), (-14, 1), (14, 1), (15, 0)])
def test_start_tops_on_time_within_14_days_either_side(service_a, offset, on_time):
    ep = episode(service_a)
    make_top(ep, "start", START + dt.timedelta(days=offset))
    figures = top(cohort(service_a))
    assert figures["start_tops_due"] == 1
    assert figures["start_tops_on_time"] == on_time


def test_a_start_top_is_due_only_14_days_after_the_start(service_a):
    episode(service_a)
    assert top(cohort(service_a, as_of=START + dt.timedelta(days=13)))["start_tops_due"] == 0
    assert top(cohort(service_a, as_of=START + dt.timedelta(days=14)))["start_tops_due"] == 1


def test_score_change_with_its_interval(service_a):
    changes = [3, 5, -1]
    for change in changes:
        ep = episode(service_a)
        make_top(ep, "start", START, quality_of_life=10)
        make_top(ep, "review", START + dt.timedelta(days=182), quality_of_life=10 + change)
    got = top(cohort(service_a))["quality_of_life"]
    mean = statistics.fmean(changes)
    half = stats.t.ppf(0.975, 2) * statistics.stdev(changes) / math.sqrt(3)
    assert got["n"] == 3
    assert got["mean_change"] == pytest.approx(mean)
    assert got["ci95"] == pytest.approx([mean - half, mean + half])


def test_the_metrics_command_prints_the_top_object(service_a):
    import json
    from io import StringIO

    from django.core.management import call_command

    ep = episode(service_a)
    make_top(ep, "start", START)
    make_top(ep, "review", START + dt.timedelta(days=180))
    out = StringIO()
    call_command(
        "metrics",
        "--from",
        PERIOD[0].isoformat(),
        "--to",
        PERIOD[1].isoformat(),
        "--as-of",
        AS_OF.isoformat(),
        "--json",
        stdout=out,
    )
    figures = json.loads(out.getvalue())["top"]
    assert figures["pairs"] == 1
    assert set(figures) == {
        "start_tops_due",
        "start_tops_on_time",
        "pairs",
        "alcohol",
        "opiates",
        "crack",
        "cocaine",
        "amphetamines",
        "cannabis",
        "psychological_health",
        "physical_health",
        "quality_of_life",
    }


# --- Against a plain-Python reading of the definitions --------------------------

SUBSTANCES = ("alcohol", "opiates", "crack", "cocaine", "amphetamines", "cannabis")
SCORES = ("psychological_health", "physical_health", "quality_of_life")

answer = st.one_of(st.integers(0, 28), st.just("declined"), st.none())
score = st.one_of(st.integers(0, 20), st.just("declined"), st.none())
a_top = st.fixed_dictionaries(
    {
        "offset": st.integers(-20, 230),
        **dict.fromkeys(SUBSTANCES, answer),
        **dict.fromkeys(SCORES, score),
    }
)
an_episode = st.fixed_dictionaries(
    {
        "start_day": st.integers(-10, 100),
        "tier": st.sampled_from([2, 3, 4]),
        "start_top": st.one_of(st.none(), a_top),
        "reviews": st.lists(a_top, max_size=3),
    }
)


def _fields(answers: dict) -> dict:
    fields: dict = {"declined": []}
    for s in SUBSTANCES:
        value = answers[s]
        item = f"{s}_days"
        if value == "declined":
            fields[item] = None
            fields["declined"].append(item)
        else:
            fields[item] = None if value is None else weeks(value)
    for s in SCORES:
        value = answers[s]
        if value == "declined":
            fields[s] = None
            fields["declined"].append(s)
        else:
            fields[s] = value
    fields["alcohol_units"] = fields["crack_spend"] = None
    return fields


def _expected(episodes: list[dict], as_of: dt.date) -> dict:
    """The definitions, read as plainly as possible."""
    lo, hi = PERIOD
    chosen = [e for e in episodes if e["tier"] in (3, 4) and lo <= e["start"] <= min(hi, as_of)]
    due = [e for e in chosen if e["start"] + dt.timedelta(days=14) <= as_of]
    on_time = [
        e
        for e in due
        if e["start_top"] is not None
        and e["start_top"]["date"] <= as_of
        and abs((e["start_top"]["date"] - e["start"]).days) <= 14
    ]
    pairs = []
    for e in chosen:
        s = e["start_top"]
        if s is None or s["date"] > as_of:
            continue
        window = [
            r
            for r in e["reviews"]
            if r["date"] <= as_of and 154 <= (r["date"] - s["date"]).days <= 210
        ]
        if window:
            pairs.append((s, min(window, key=lambda r: r["date"])))

    def known(v):
        return v is not None and v != "declined"

    out = {"start_tops_due": len(due), "start_tops_on_time": len(on_time), "pairs": len(pairs)}
    for name in SUBSTANCES:
        users = [(a[name], b[name]) for a, b in pairs if known(a[name]) and known(b[name])]
        users = [(x, y) for x, y in users if x > 0]
        out[name] = {
            "using_at_start": len(users),
            "abstinent_at_review": sum(1 for _, y in users if y == 0),
            "mean_days_start": sum(x for x, _ in users) / len(users) if users else None,
            "mean_days_review": sum(y for _, y in users) / len(users) if users else None,
        }
    for name in SCORES:
        diffs = [b[name] - a[name] for a, b in pairs if known(a[name]) and known(b[name])]
        n = len(diffs)
        mean = sum(diffs) / n if n else None
        ci = None
        if n >= 2:
            sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1))
            half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
            ci = [mean - half, mean + half]
        out[name] = {"n": n, "mean_change": mean, "ci95": ci}
    return out


def _close(got, want) -> bool:
    if isinstance(want, dict):
        return set(got) == set(want) and all(_close(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return got is not None and all(_close(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(want, float):
        return got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    return got == want


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cohort_spec=st.lists(an_episode, max_size=6),
    as_of_day=st.integers(0, 400),
)
def test_the_figures_match_a_plain_computation(service_a, cohort_spec, as_of_day):
    base = PERIOD[0]
    as_of = base + dt.timedelta(days=as_of_day)
    plain = []
    with transaction.atomic():
        for spec in cohort_spec:
            start = base + dt.timedelta(days=spec["start_day"])
            ep = episode(service_a, start=start, tier=spec["tier"])
            record = {"start": start, "tier": spec["tier"], "start_top": None, "reviews": []}
            if spec["start_top"] is not None:
                answers = spec["start_top"]
                day = start + dt.timedelta(days=answers["offset"] // 10 - 10)
                make_top(ep, "start", day, **_fields(answers))
                record["start_top"] = {**answers, "date": day}
            used = set()
            for answers in spec["reviews"]:
                day = start + dt.timedelta(days=answers["offset"])
                if day in used:
                    continue
                used.add(day)
                make_top(ep, "review", day, **_fields(answers))
                record["reviews"].append({**answers, "date": day})
            plain.append(record)
        got = top(cohort(service_a, as_of=as_of))
        transaction.set_rollback(True)
    want = _expected(plain, as_of)
    assert _close(got, want), (got, want)
