"""`manage.py metrics --json`: the shape docs/metrics.md promises, exactly."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.dates import LITERAL_DAY
from tests.factories import (
    AppointmentFactory,
    ContactFactory,
    EpisodeFactory,
    OutcomeFormFactory,
    ReferralFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date
ARGS = ["--from", "2026-01-01", "--to", "2026-03-31", "--as-of", "2026-04-30", "--json"]
OUTCOME_KEYS = {
    "n_pairs",
    "baseline_mean_crack_days",
    "followup_mean_crack_days",
    "mean_difference",
    "ci95",
    "wilcoxon_p",
    "baseline_mean_monthly_spend",
    "followup_mean_monthly_spend",
    "baseline_abstinent",
    "followup_abstinent",
    "mcnemar_p",
    "baseline_crime",
    "followup_crime",
}


def run(*extra) -> dict:
    out = io.StringIO()
    call_command("metrics", *ARGS, *extra, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def data(service_a, service_b):
    for service, n in ((service_a, 3), (service_b, 1)):
        for i in range(n):
            r = ReferralFactory(
                service=service,
                referral_date=D(2026, 1, 5 + i),
                client__sex_id="female" if i else "male",
            )
            AppointmentFactory(referral=r, attendance="attended")
            ep = EpisodeFactory(referral=r)
            ContactFactory(episode=ep)
            ContactFactory(episode=ep, contact_date=ep.start_date + dt.timedelta(days=7))
            OutcomeFormFactory(episode=ep, crack_days=10 + i)
            OutcomeFormFactory(
                episode=ep,
                timepoint="day30",
                crack_days=i,
                crack_spend_per_day=40 if i else None,
                form_date=ep.start_date + dt.timedelta(days=30),
            )


def test_it_prints_exactly_the_documented_shape(data):
    result = run("--service", "A")
    assert list(result) == [
        "service",
        "from",
        "to",
        "as_of",
        "funnel",
        "retention",
        "intensity",
        "outcomes",
        "cm",
        "national",
        "top",
    ]
    assert list(result["cm"]) == [
        "plans",
        "tests_scheduled",
        "tests_negative",
        "tests_missed",
        "share_negative",
        "median_longest_run",
        "earned",
        "issued",
    ]
    assert result["service"] == "A"
    assert (result["from"], result["to"], result["as_of"]) == (
        "2026-01-01",
        "2026-03-31",
        "2026-04-30",
    )
    assert list(result["funnel"]) == [
        "referred",
        "assessment_offered",
        "assessed",
        "started",
        "median_days_to_assessment",
        "median_days_to_treatment",
    ]
    assert list(result["retention"]) == [
        "episodes",
        "eligible_30",
        "retained_30",
        "eligible_90",
        "retained_90",
        "early_exit",
    ]
    assert list(result["intensity"]) == [
        "contacts",
        "mean_contact_interval_days",
        "median_contact_minutes",
        "share_first_10_days",
        "share_first_30_days",
    ]
    assert set(result["outcomes"]["day30"]) == OUTCOME_KEYS
    assert result["outcomes"]["day90"] == {"n_pairs": 0}
    assert result["funnel"]["referred"] == 3
    assert isinstance(result["funnel"]["median_days_to_assessment"], float)
    assert isinstance(result["outcomes"]["day30"]["ci95"], list)
    assert result["intensity"]["mean_contact_interval_days"] == 7.0


def test_without_a_service_it_covers_every_service_and_says_null(data):
    result = run()
    assert result["service"] is None
    assert result["funnel"]["referred"] == 4


def test_by_adds_the_same_object_per_group(data):
    result = run("--service", "A", "--by", "sex")
    assert list(result["groups"]) == ["male", "female"]
    female = result["groups"]["female"]
    assert list(female) == ["funnel", "retention", "intensity", "outcomes"]
    assert female["funnel"]["referred"] == 2
    assert result["groups"]["male"]["outcomes"]["day30"]["ci95"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-03-31"], "not a date"),
        (["--from", "2026-04-01", "--to", "2026-03-31"], "after"),
        (["--from", "2026-01-01", "--to", "2026-03-31", "--as-of", "2099-01-01"], "future"),
        (["--from", "2026-01-01", "--to", "2026-03-31", "--service", "NOPE"], "no service"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("metrics", *args, "--json", stdout=io.StringIO())
