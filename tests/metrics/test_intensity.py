"""Keywork intensity: attended keywork contacts only (domain.md)."""

import datetime as dt

import pytest

from reporting.metrics import Cohort, intensity, intensity_by
from tests.dates import LITERAL_DAY
from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date
AS_OF = D(2026, 4, 30)


@pytest.fixture
def cohort(service_a):
    kim = UserFactory(username="kim")
    lee = UserFactory(username="lee")

    def episode(start, keyworker):
        referral = ReferralFactory(service=service_a, referral_date=start)
        return EpisodeFactory(referral=referral, start_date=start, keyworker=keyworker)

    def contact(ep, day, minutes=60, **kw):
        return ContactFactory(episode=ep, contact_date=day, duration_minutes=minutes, **kw)

    a = episode(D(2026, 1, 5), kim)
    contact(a, D(2026, 1, 5), 60)
    contact(a, D(2026, 1, 9), 30)
    contact(a, D(2026, 1, 20), 90)
    # Not counted: a DNA, a group session, a drop-in, one after the as-of date.
    contact(a, D(2026, 1, 7), None, attendance="dna")
    contact(a, D(2026, 1, 8), 120, contact_type="group")
    contact(a, D(2026, 1, 10), 15, contact_type="drop_in")
    contact(a, D(2026, 5, 2), 60)
    b = episode(D(2026, 2, 1), lee)
    contact(b, D(2026, 2, 1), 45)
    contact(b, D(2026, 2, 15), 60)
    c = episode(D(2026, 2, 10), lee)
    contact(c, D(2026, 3, 15), 120)
    # An episode started before the period: its contacts are not counted.
    old = episode(D(2025, 12, 1), kim)
    contact(old, D(2026, 1, 15), 600)
    return Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, [service_a.pk])


def test_it_pools_gaps_and_excludes_dna_and_other_contact_types(cohort):
    assert intensity(cohort) == {
        "contacts": 6,
        # Gaps 4 and 11 days (episode a), 14 (b); c has a single contact.
        "mean_contact_interval_days": pytest.approx(29 / 3),
        # 30, 45, 60, 60, 90, 120
        "median_contact_minutes": 60.0,
        # Days since start 0, 4, 15 | 0, 14 | 33
        "share_first_10_days": 0.5,
        "share_first_30_days": pytest.approx(5 / 6),
    }


def test_per_keyworker_figures_split_the_same_contacts(cohort):
    per = intensity_by(cohort, "keyworker", detail=True)
    assert per["kim"]["contacts"] == 3
    assert per["kim"]["mean_contact_interval_days"] == pytest.approx(7.5)
    assert per["lee"]["contacts"] == 3
    assert per["lee"]["episodes"] == 2
    assert per["lee"]["mean_contact_interval_days"] == 14.0
    assert per["lee"]["median_contact_minutes"] == 60.0


def test_two_contacts_on_the_same_day_make_a_gap_of_zero(service_a):
    referral = ReferralFactory(service=service_a, referral_date=D(2026, 1, 2))
    ep = EpisodeFactory(referral=referral, start_date=D(2026, 1, 5))
    ContactFactory(episode=ep, contact_date=D(2026, 1, 5))
    ContactFactory(episode=ep, contact_date=D(2026, 1, 5))
    ContactFactory(episode=ep, contact_date=D(2026, 1, 11))
    figures = intensity(Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, [service_a.pk]))
    assert figures["mean_contact_interval_days"] == 3.0


def test_without_contacts_only_the_count_is_given(service_a):
    figures = intensity(Cohort(D(2026, 1, 1), D(2026, 3, 31), AS_OF, [service_a.pk]))
    assert figures == {
        "contacts": 0,
        "mean_contact_interval_days": None,
        "median_contact_minutes": None,
        "share_first_10_days": None,
        "share_first_30_days": None,
    }
