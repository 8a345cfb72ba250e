"""The pre-treatment funnel on a hand-built cohort (domain.md)."""

import datetime as dt

import pytest

from reporting.metrics import Cohort, funnel, step_referrals
from tests.dates import LITERAL_DAY
from tests.factories import AppointmentFactory, EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date
Q1 = (D(2026, 1, 1), D(2026, 3, 31))
AS_OF = D(2026, 4, 30)


def _appointment(referral, offered, on, attendance):
    return AppointmentFactory(
        referral=referral, offered_date=offered, appointment_date=on, attendance=attendance
    )


@pytest.fixture
def cohort(service_a, service_b):
    refs = {}

    def ref(name, day, service=service_a):
        refs[name] = ReferralFactory(service=service, referral_date=day)
        return refs[name]

    # Did not attend, then attended a rebooking: assessed, 7 days to the
    # first attended appointment; started 15 days after referral.
    r = ref("dna_then_attended", D(2026, 1, 5))
    _appointment(r, D(2026, 1, 5), D(2026, 1, 8), "dna")
    _appointment(r, D(2026, 1, 9), D(2026, 1, 12), "attended")
    EpisodeFactory(referral=r, start_date=D(2026, 1, 20))
    # Assessed in 5 days, never started.
    r = ref("assessed", D(2026, 1, 10))
    _appointment(r, D(2026, 1, 10), D(2026, 1, 15), "attended")
    # Offered, did not attend, never rebooked.
    r = ref("dna_only", D(2026, 2, 1))
    _appointment(r, D(2026, 2, 1), D(2026, 2, 5), "dna")
    # Never offered an appointment.
    ref("not_offered", D(2026, 2, 10))
    # Offered before the as-of date, attended after it: offered, not assessed.
    r = ref("attended_after_as_of", D(2026, 3, 20))
    _appointment(r, D(2026, 3, 25), D(2026, 5, 2), "attended")
    # Offered only after the as-of date: not offered on it.
    r = ref("offered_after_as_of", D(2026, 3, 25))
    _appointment(r, D(2026, 5, 1), D(2026, 5, 3), "")
    # Assessed, but the episode starts after the as-of date: not started.
    r = ref("started_after_as_of", D(2026, 3, 1))
    _appointment(r, D(2026, 3, 1), D(2026, 3, 3), "attended")
    EpisodeFactory(referral=r, start_date=D(2026, 5, 5))
    # Outside the period, or another service: never counted.
    ref("before", D(2025, 12, 31))
    ref("after", D(2026, 4, 1))
    r = ref("other_service", D(2026, 1, 5), service_b)
    _appointment(r, D(2026, 1, 5), D(2026, 1, 6), "attended")
    return Cohort(*Q1, AS_OF, [service_a.pk]), refs


def test_it_counts_each_step_as_things_stood_on_the_as_of_date(cohort):
    figures = funnel(cohort[0])
    assert figures == {
        "referred": 7,
        "assessment_offered": 5,
        "assessed": 3,
        "started": 1,
        # 7 (DNA then attended), 5 and 2 days: the first attended appointment.
        "median_days_to_assessment": 5.0,
        "median_days_to_treatment": 15.0,
    }


def test_a_dna_then_an_attended_appointment_counts_as_assessed_from_the_attended_one(cohort):
    c, refs = cohort
    assessed = set(step_referrals(c, "assessed"))
    assert refs["dna_then_attended"] in assessed
    row = step_referrals(c, "assessed").get(pk=refs["dna_then_attended"].pk)
    assert row.days_to_assessment == 7
    assert refs["dna_then_attended"] not in set(step_referrals(c, "did_not_attend"))


def test_the_drops_between_steps_list_who_fell_out_where(cohort):
    c, refs = cohort
    detail = funnel(c, detail=True)
    names = {r.pk: n for n, r in refs.items()}

    def listed(step):
        return {names[r.pk] for r in step_referrals(c, step)}

    assert listed("not_offered") == {"not_offered", "offered_after_as_of"}
    assert listed("offered_not_assessed") == {"dna_only", "attended_after_as_of"}
    assert listed("did_not_attend") == {"dna_only"}
    assert listed("assessed_not_started") == {"assessed", "started_after_as_of"}
    for step in ("not_offered", "offered_not_assessed", "did_not_attend", "assessed_not_started"):
        assert detail[step] == len(listed(step)), step
    assert detail["started_unassessed"] == 0


def test_the_wait_distributions_add_up_to_those_assessed_and_started(cohort):
    detail = funnel(cohort[0], detail=True)
    assert detail["days_to_assessment_distribution"] == {
        "0-7": 3,
        "8-14": 0,
        "15-28": 0,
        "29-56": 0,
        "57+": 0,
    }
    assert detail["days_to_treatment_distribution"]["15-28"] == 1
    assert sum(detail["days_to_treatment_distribution"].values()) == detail["started"]


def test_without_a_service_filter_every_service_counts(cohort):
    c, _refs = cohort
    assert funnel(c.with_services(None))["referred"] == 8


def test_an_as_of_date_before_the_period_end_ignores_later_referrals(cohort):
    c, _refs = cohort
    early = Cohort(c.start, c.end, D(2026, 2, 1), c.services)
    figures = funnel(early)
    # Referred by 1 February: the first three; "dna_only" was referred on
    # the day and its appointment (5 February) is after the as-of date.
    assert figures["referred"] == 3
    assert figures["assessed"] == 2
    assert figures["started"] == 1


def test_an_empty_cohort_gives_zeros_and_no_medians(db):
    figures = funnel(Cohort(*Q1, AS_OF, []))
    assert figures == {
        "referred": 0,
        "assessment_offered": 0,
        "assessed": 0,
        "started": 0,
        "median_days_to_assessment": None,
        "median_days_to_treatment": None,
    }


def test_every_count_equals_the_length_of_the_list_behind_it(cohort):
    from reporting.metrics import FUNNEL_STEPS

    c, _refs = cohort
    detail = funnel(c, detail=True)
    for step in FUNNEL_STEPS:
        assert step_referrals(c, step).count() == detail[step], step


def test_services_may_be_given_as_a_queryset(cohort, service_a):
    from services.models import Service

    c, _refs = cohort
    by_queryset = c.with_services(Service.objects.filter(code="A"))
    assert funnel(by_queryset) == funnel(c)
