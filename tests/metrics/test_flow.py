"""Discharges in a period and people in treatment at its end (for returns)."""

import datetime as dt

import pytest

from reporting.metrics import Cohort, discharges, in_treatment, in_treatment_by
from tests.dates import LITERAL_DAY
from tests.factories import EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date


@pytest.fixture
def cohort(service_a):
    def ep(start, end=None, reason=None, client=None):
        kw = {"client": client} if client else {}
        r = ReferralFactory(service=service_a, referral_date=start, **kw)
        return EpisodeFactory(
            referral=r, start_date=start, end_date=end, discharge_reason_id=reason
        )

    ep(D(2025, 11, 1), D(2026, 2, 1), "completed_drug_free")
    first = ep(D(2025, 12, 1), D(2026, 3, 31), "dropped_out")
    ep(D(2026, 1, 1), D(2026, 4, 2), "dropped_out")  # ends after the quarter: open at its end
    ep(D(2026, 2, 1), client=first.referral.client)  # same person, second episode
    ep(D(2026, 4, 1))  # starts after the quarter
    return Cohort(D(2026, 1, 1), D(2026, 3, 31), D(2026, 11, 27), [service_a.pk])


def test_discharges_count_episodes_ended_in_the_period_by_reason(cohort):
    assert discharges(cohort) == {
        "discharged": 2,
        "completed": 1,
        "not_completed": 1,
        "by_reason": {"completed_drug_free": 1, "dropped_out": 1},
    }


def test_in_treatment_counts_episodes_and_people_open_on_the_last_day(cohort):
    assert in_treatment(cohort) == {"episodes": 2, "people": 2}
    assert in_treatment_by(cohort, "sex") == {"male": {"episodes": 2, "people": 2}}


def test_the_as_of_date_hides_a_later_discharge(cohort):
    early = Cohort(cohort.start, cohort.end, D(2026, 3, 1), cohort.services)
    assert discharges(early)["discharged"] == 1
    # Open on 1 March: everything started by then and not ended by then.
    assert in_treatment(early) == {"episodes": 3, "people": 2}
