"""Breakdowns by referral source, sex, ethnic group and age band."""

import datetime as dt

import pytest

from reporting.metrics import Cohort, funnel_by, measures_by, retention_by
from tests.dates import LITERAL_DAY
from tests.factories import ClientFactory, EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date
REFERRED = D(2026, 2, 10)


@pytest.fixture
def cohort(service_a):
    def referral(born, sex="male", ethnicity="A", source="self", started=False):
        client = ClientFactory(date_of_birth=born, sex_id=sex, ethnicity_id=ethnicity)
        r = ReferralFactory(
            service=service_a, client=client, referral_date=REFERRED, source_id=source
        )
        if started:
            EpisodeFactory(referral=r, start_date=REFERRED + dt.timedelta(days=5))
        return r

    referral(D(2001, 2, 10), started=True)  # 25 on the referral date: 25-34
    referral(D(2001, 2, 11), sex="female", ethnicity="N")  # one day short: 18-24
    referral(D(2009, 1, 1), ethnicity="M", source="probation")  # 17: under 18
    referral(D(1960, 5, 5), sex="female", ethnicity="Z", source="gp", started=True)  # 55+
    return Cohort(D(2026, 1, 1), D(2026, 3, 31), D(2026, 4, 30), [service_a.pk])


def test_age_band_is_the_age_on_the_referral_date(cohort):
    groups = funnel_by(cohort, "age_band")
    assert list(groups) == ["under_18", "18-24", "25-34", "55+"]
    assert {k: g["referred"] for k, g in groups.items()} == {
        "under_18": 1,
        "18-24": 1,
        "25-34": 1,
        "55+": 1,
    }


def test_ethnicity_uses_the_broad_groups(cohort):
    groups = funnel_by(cohort, "ethnicity")
    assert list(groups) == ["White", "Black", "Not stated"]
    assert groups["Black"]["referred"] == 2


def test_sex_source_and_source_group_are_keyed_by_code(cohort):
    assert {k: g["referred"] for k, g in funnel_by(cohort, "sex").items()} == {
        "male": 2,
        "female": 2,
    }
    assert list(funnel_by(cohort, "source")) == ["self", "gp", "probation"]
    assert {k: g["started"] for k, g in funnel_by(cohort, "source_group").items()} == {
        "self": 1,
        "gp": 1,
        "criminal justice": 0,
    }


def test_groups_add_up_to_the_whole(cohort):
    for by in ("age_band", "sex", "ethnicity", "source"):
        groups = retention_by(cohort, by)
        assert sum(g["episodes"] for g in groups.values()) == 2, by


def test_every_group_has_every_measure_even_when_one_is_empty(cohort):
    groups = measures_by(cohort, "sex")
    assert set(groups) == {"male", "female"}
    for figures in groups.values():
        assert set(figures) == {"funnel", "retention", "intensity", "outcomes"}
        assert figures["outcomes"] == {"day30": {"n_pairs": 0}, "day90": {"n_pairs": 0}}
        assert figures["intensity"]["contacts"] == 0
