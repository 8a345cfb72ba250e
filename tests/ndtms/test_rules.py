"""Each validation rule, with a good row and a bad one."""

import datetime as dt

import pytest

from reporting.ndtms.build import Row
from reporting.ndtms.reference import reference_for
from reporting.ndtms.rules import check
from tests.dates import LITERAL_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date(2026, 5, 1)


def journey(**changes) -> Row:
    values = {
        "agency_code": "AG1",
        "client_reference": "C1",
        "consent": "yes",
        "initial_first": "J",
        "initial_last": "S",
        "date_of_birth": dt.date(1980, 1, 1),
        "sex": "male",
        "ethnicity": "A",
        "local_authority": "E09000012",
        "journey_reference": "R1",
        "referral_date": D,
        "referral_source": "self",
        "substance": "crack",
        "triage_date": D + dt.timedelta(days=2),
        "intervention_start": D + dt.timedelta(days=5),
        "intervention_end": D + dt.timedelta(days=50),
        "discharge_date": D + dt.timedelta(days=50),
        "discharge_reason": "completed_drug_free",
    }
    values.update(changes)
    return Row("journey", "C1", values, {"record": "/clients/x/"})


def top(**changes) -> Row:
    values = {
        "agency_code": "AG1",
        "client_reference": "C1",
        "consent": "yes",
        "journey_reference": "R1",
        "top_date": D,
        "top_stage": "start",
        "top:crack_days": 6,
    }
    values.update(changes)
    return Row("top", "C1", values, {"record": "/clients/x/", "top": "/outcomes/tops/1/"})


@pytest.fixture
def ref(version_q):
    return reference_for(version_q)


def rules_of(rows, ref, agency="AG1"):
    return [(p.rule, p.field) for p in check(rows, ref, agency_code=agency)]


def test_good_rows_have_no_problems(ref):
    no_consent = Row(
        "no_consent", "C2", {"agency_code": "AG1", "client_reference": "C2", "consent": "no"}
    )
    assert rules_of([journey(), top(), no_consent], ref) == []


def test_agency(ref):
    assert rules_of([journey()], ref, agency="") == [("agency", "AGNCY")]


def test_required(ref):
    assert rules_of([journey(referral_date=None, sex="")], ref) == [
        ("required", "SEX"),
        ("required", "REFLD"),
    ]
    no_consent = Row("no_consent", "C2", {"agency_code": "AG1", "consent": "no"})
    assert rules_of([no_consent], ref) == [("required", "CLIENTID")]


def test_code(ref):
    problems = check([journey(referral_source="probation")], ref, agency_code="AG1")
    assert [(p.rule, p.field, p.link) for p in problems] == [("code", "RFLS", "/clients/x/")]
    assert "'probation' has no national code in Q" in problems[0].message


def test_dates(ref):
    assert rules_of([journey(triage_date=D - dt.timedelta(days=1))], ref) == [("dates", "TRIAGED")]
    assert rules_of([journey(intervention_end=D)], ref) == [("dates", "MODEND")]
    assert rules_of([journey(date_of_birth=D)], ref) == [("dates", "REFLD")]


def test_discharge(ref):
    assert rules_of([journey(discharge_date=None, intervention_end=None)], ref) == [
        ("discharge", "DISD")
    ]
    assert rules_of([journey(discharge_reason=None)], ref) == [("discharge", "DISRSN")]


def test_top(ref):
    problems = check([top(top_date=None)], ref, agency_code="AG1")
    # reported once, by the pair rule, with the TOP's page to fix it
    assert [(p.rule, p.field, p.link) for p in problems] == [
        ("top", "TOPDATE", "/outcomes/tops/1/")
    ]
    assert rules_of([top(top_stage="")], ref) == [("top", "TOPSTAGE")]
