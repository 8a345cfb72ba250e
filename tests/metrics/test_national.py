"""The national measures (domain.md, "National measures") at the edges of
each definition, and against a plain-Python reading of the definitions on
random small cohorts."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nectos import clock
from reporting.metrics import Cohort, national, national_by, step_national
from reporting.metrics.national import KEYS, national_parts
from services.models import Role
from tests.factories import (
    ClientFactory,
    EpisodeFactory,
    MembershipFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Well in the past, whatever the calendar: every as-of date below is given.
BASE = dt.date(clock.today().year - 4, 1, 1)


def day(n: int) -> dt.date:
    return BASE + dt.timedelta(days=n)


# The period is the year from BASE; the as-of date 400 days on unless said.
START, END, AS_OF = day(0), day(364), day(400)


@pytest.fixture
def kw(service_a, service_b):
    """One keyworker in both services (the database wants the episode's
    keyworker to work in its referral's service)."""
    user = UserFactory(username="kw")
    for service in (service_a, service_b):
        MembershipFactory(user=user, service=service, role=Role.KEYWORKER)
    return user


@pytest.fixture
def episode(kw, service_a):
    def make(
        start,
        end=None,
        reason=None,
        *,
        wait=7,
        tier=3,
        client=None,
        service=None,
    ):
        referral = ReferralFactory(
            service=service or service_a,
            client=client or ClientFactory(),
            referral_date=start - dt.timedelta(days=wait),
        )
        if end is not None and reason is None:
            reason = "dropped_out"
        return EpisodeFactory(
            referral=referral,
            start_date=start,
            end_date=end,
            discharge_reason_id=reason,
            tier=tier,
            planned_days=84 if tier == 4 else None,
            keyworker=kw,
        )

    return make


def figures(service=None, *, start=START, end=END, as_of=AS_OF) -> dict:
    return national(Cohort(start, end, as_of, None if service is None else [service.pk]))


def test_the_json_object_has_exactly_the_keys_and_integer_counts(db):
    result = figures()
    assert list(result) == list(KEYS)
    assert result["median_wait_days"] is None
    assert all(type(v) is int for k, v in result.items() if k != "median_wait_days")


@pytest.mark.parametrize(
    ("days_after", "represents"), [(0, False), (1, True), (182, True), (183, False)]
)
def test_a_completion_represents_with_a_referral_1_to_182_days_after_it_to_any_service(
    episode, service_a, service_b, days_after, represents
):
    ep = episode(day(10), day(100), "completed_drug_free")
    ReferralFactory(
        service=service_b,
        client=ep.referral.client,
        referral_date=day(100 + days_after),
    )
    # Service A's figures: the referral to service B still counts.
    result = figures(service_a, as_of=day(100 + 183))
    assert result["successful_completions"] == 1
    assert result["completions_judged"] == 1
    assert result["completions_window_open"] == 0
    assert result["successful_not_representing"] == (0 if represents else 1)


def test_a_completion_whose_six_months_have_not_passed_is_counted_apart(episode):
    episode(day(10), day(300), "completed_occasional_user")
    open_window = figures(as_of=day(300 + 181))
    assert open_window["successful_completions"] == 1
    assert open_window["completions_window_open"] == 1
    assert open_window["completions_judged"] == 0
    assert open_window["successful_not_representing"] == 0
    judged = figures(as_of=day(300 + 182))
    assert judged["completions_window_open"] == 0
    assert judged["completions_judged"] == 1
    assert judged["successful_not_representing"] == 1


def test_a_non_completed_exit_is_an_exit_but_not_a_completion(episode):
    episode(day(10), day(200), "transferred_not_in_custody")
    result = figures()
    assert (result["exits"], result["successful_completions"]) == (1, 0)
    assert result["early_unplanned_exits"] == 0  # a transfer is not unplanned


@pytest.mark.parametrize(
    ("length", "effective", "early"),
    [(83, 0, 1), (84, 1, 0)],
)
def test_an_unplanned_exit_on_day_83_is_early_and_on_day_84_is_effective(
    episode, length, effective, early
):
    ep = episode(day(50), day(50 + length), "dropped_out")
    result = figures()
    assert result["exits"] == 1
    assert result["effective_eligible"] == 1
    assert result["effective_treatment"] == effective
    assert result["early_unplanned_exits"] == early
    c = Cohort(START, END, AS_OF)
    assert {e.pk for e in step_national(c, "early_unplanned_exits")} == (
        {ep.pk} if early else set()
    )


def test_a_short_completion_is_effective_and_not_an_early_unplanned_exit(episode):
    episode(day(300), day(310), "completed_drug_free")
    result = figures(as_of=day(320))  # not yet 84 days since the start
    assert result["effective_eligible"] == 1
    assert result["effective_treatment"] == 1
    assert result["early_unplanned_exits"] == 0


def test_an_open_episode_under_84_days_old_on_the_as_of_date_is_not_yet_eligible(episode):
    episode(day(300))
    result = figures(as_of=day(383))
    assert result["in_treatment"] == 1
    assert result["effective_eligible"] == 0
    result = figures(as_of=day(384))
    assert (result["effective_eligible"], result["effective_treatment"]) == (1, 1)


def test_tier_2_is_left_out_and_tier_4_counted(episode):
    episode(day(10), tier=2)
    episode(day(20), tier=4)
    result = figures()
    assert result["in_treatment"] == 1
    assert result["episodes_started"] == 1


def test_in_treatment_is_open_on_any_day_of_the_period(episode):
    episode(day(-100), day(-1))  # ended the day before: out
    episode(day(-100), day(0))  # ended on the first day: in
    episode(day(364))  # started on the last day: in
    episode(day(365))  # started the day after: out
    episode(day(-300))  # open throughout: in
    result = figures()
    assert result["in_treatment"] == 3
    assert result["exits"] == 1
    assert result["episodes_started"] == 1


def test_an_as_of_date_hides_a_later_discharge(episode):
    episode(day(10), day(250), "completed_drug_free")
    result = figures(as_of=day(200))
    assert result["in_treatment"] == 1
    assert result["exits"] == 0
    assert result["successful_completions"] == 0
    # Open on the as-of date and 84 days in: retained.
    assert (result["effective_eligible"], result["effective_treatment"]) == (1, 1)
    assert figures()["successful_completions"] == 1


def test_an_as_of_date_hides_a_later_referral(episode, service_b):
    ep = episode(day(10), day(100), "completed_drug_free")
    episode(day(190), client=ep.referral.client, service=service_b, wait=10)
    # Referred again on day 180, not yet known on day 179: the completion's
    # window is still open, so it is counted apart, never guessed.
    before = figures(as_of=day(179))
    assert before["completions_window_open"] == 1
    assert before["in_treatment"] == 1
    assert before["episodes_started"] == 1
    after = figures(as_of=day(282))
    assert after["completions_judged"] == 1
    assert after["successful_not_representing"] == 0
    assert after["in_treatment"] == 2
    assert after["episodes_started"] == 2


def test_an_episode_belongs_to_its_referrals_service(episode, service_a, service_b):
    episode(day(10), service=service_a)
    episode(day(20), day(30), service=service_b)
    per = national_by(Cohort(START, END, AS_OF), "service")
    assert per["A"]["in_treatment"] == 1
    assert per["B"]["in_treatment"] == 1
    assert per["B"]["early_unplanned_exits"] == 1
    assert figures(service_b)["in_treatment"] == 1


def test_waits_of_21_and_22_days(episode):
    episode(day(30), wait=21)
    episode(day(40), wait=22)
    episode(day(-5), wait=90)  # started before the period: not a wait of it
    result = figures()
    assert result["episodes_started"] == 2
    assert result["waited_over_21_days"] == 1
    assert result["median_wait_days"] == 21.5


def test_the_command_prints_the_national_object(episode, service_a):
    import io
    import json

    from django.core.management import call_command

    episode(day(30), day(200), "completed_drug_free", wait=10)
    out = io.StringIO()
    call_command(
        "metrics",
        "--from",
        START.isoformat(),
        "--to",
        END.isoformat(),
        "--as-of",
        AS_OF.isoformat(),
        "--service",
        "A",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())["national"]
    assert list(result) == list(KEYS)
    assert result["successful_completions"] == 1
    assert result["completions_judged"] == 1
    assert result["median_wait_days"] == 10.0


# --- Against a plain-Python reading of domain.md --------------------------------

COMPLETED = {"completed_drug_free", "completed_occasional_user"}
UNPLANNED = {"dropped_out", "withdrawn_by_provider", "declined_by_client"}
# Completions weigh most: re-presentation is only asked of them.
REASONS = sorted(COMPLETED) * 3 + sorted(UNPLANNED | {"transferred_in_custody", "moved_away"})


@dataclass
class Ref:
    client: int
    service: str
    date: dt.date
    tier: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    reason: str | None = None


def by_hand(refs: list[Ref], services: set[str], start, end, as_of) -> dict:
    """domain.md's words, one episode at a time."""
    known = [r for r in refs if r.date <= as_of]
    out = dict.fromkeys(KEYS, 0)
    waits = []
    for r in known:
        if r.start is None or r.start > as_of or r.tier not in (3, 4) or r.service not in services:
            continue
        ended = r.end if r.end is not None and r.end <= as_of else None
        if not (r.start <= end and (ended is None or ended >= start)):
            continue
        out["in_treatment"] += 1
        completed = ended is not None and r.reason in COMPLETED
        if ended is not None and start <= ended <= end:
            out["exits"] += 1
            if completed:
                out["successful_completions"] += 1
                if ended + dt.timedelta(days=182) <= as_of:
                    out["completions_judged"] += 1
                    again = any(
                        o.client == r.client and 1 <= (o.date - ended).days <= 182 for o in known
                    )
                    out["successful_not_representing"] += not again
                else:
                    out["completions_window_open"] += 1
            if r.reason in UNPLANNED and (ended - r.start).days < 84:
                out["early_unplanned_exits"] += 1
        if r.start + dt.timedelta(days=84) <= as_of or completed:
            out["effective_eligible"] += 1
            if ended is None or (ended - r.start).days >= 84 or completed:
                out["effective_treatment"] += 1
        if start <= r.start <= end:
            out["episodes_started"] += 1
            wait = (r.start - r.date).days
            waits.append(wait)
            out["waited_over_21_days"] += wait > 21
    waits.sort()
    n = len(waits)
    out["median_wait_days"] = None if not n else (waits[(n - 1) // 2] + waits[n // 2]) / 2
    return out


LENGTHS = [0, 1, 83, 84, 85, 100, 200]
# Days from an end to the client's next referral: the window's edges.
GAPS = [0, 1, 2, 181, 182, 182, 183, 183]


@st.composite
def referral(draw, client: int) -> Ref:
    ref = Ref(client, draw(st.sampled_from("AB")), day(draw(st.integers(0, 500))))
    if draw(st.sampled_from([True, True, False])):
        ref.tier = draw(st.sampled_from([2, 3, 3, 4]))
        ref.start = ref.date + dt.timedelta(days=draw(st.sampled_from([0, 7, 21, 22, 30])))
        if draw(st.sampled_from([True, True, False])):
            ref.end = ref.start + dt.timedelta(days=draw(st.sampled_from(LENGTHS)))
            ref.reason = draw(st.sampled_from(REASONS))
    return ref


@st.composite
def cohorts(draw):
    refs = []
    for client in range(draw(st.integers(2, 5))):
        mine = draw(st.lists(referral(client), min_size=1, max_size=4))
        # Often a referral again at an edge of the window after an end.
        for r in list(mine):
            if r.end is not None and draw(st.sampled_from([True, True, True, False])):
                again = r.end + dt.timedelta(days=draw(st.sampled_from(GAPS)))
                mine.append(Ref(client, draw(st.sampled_from("AB")), again))
        refs += mine
    start = day(draw(st.integers(0, 250)))
    end = start + dt.timedelta(days=draw(st.integers(60, 400)))
    # Mostly late enough that the period's completions can be judged.
    late = [-30, 0, 100, 181, 182, 183, 400, 400, 600, 600]
    as_of = end + dt.timedelta(days=draw(st.sampled_from(late)))
    return refs, start, end, as_of


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cohorts())
def test_the_engine_agrees_with_the_definitions_on_random_cohorts(case, kw, service_a, service_b):
    refs, start, end, as_of = case
    services = {"A": service_a, "B": service_b}
    with transaction.atomic():
        clients = {}
        for r in refs:
            if r.client not in clients:
                clients[r.client] = ClientFactory()
            referral = ReferralFactory(
                service=services[r.service], client=clients[r.client], referral_date=r.date
            )
            if r.start is not None:
                EpisodeFactory(
                    referral=referral,
                    tier=r.tier,
                    planned_days=84 if r.tier == 4 else None,
                    start_date=r.start,
                    end_date=r.end,
                    discharge_reason_id=r.reason,
                    keyworker=kw,
                )
        everyone = Cohort(start, end, as_of)
        assert national(everyone) == by_hand(refs, {"A", "B"}, start, end, as_of)
        only_a = Cohort(start, end, as_of, [service_a.pk])
        assert national(only_a) == by_hand(refs, {"A"}, start, end, as_of)
        per = national_by(everyone, "service")
        for code in per:
            assert per[code] == by_hand(refs, {code}, start, end, as_of)
        # Several cohorts in one statement: the same figures.
        earlier = Cohort(start - dt.timedelta(days=90), end, as_of)
        parts = national_parts(
            {
                "everyone": (everyone, Q()),
                "only_a": (only_a, Q()),
                "not_a": (everyone, ~Q(referral__service=service_a.pk)),
                "earlier": (earlier, Q()),
            }
        )
        assert parts["everyone"] == national(everyone)
        assert parts["only_a"] == national(only_a)
        assert parts["not_a"] == by_hand(refs, {"B"}, start, end, as_of)
        assert parts["earlier"] == national(earlier)
        transaction.set_rollback(True)
