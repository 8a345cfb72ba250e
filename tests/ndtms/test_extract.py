"""The monthly NDTMS extract: who is in it, what a row carries, the consent
rule, and the version it is built with."""

import csv
import datetime as dt
import io

import pytest

from reporting.ndtms.actions import NoVersionInForce, extract_compute, ndtms_extract_build
from reporting.ndtms.reference import pack_load
from tests.dates import LITERAL_DAY
from tests.factories import ClientFactory, ReferralFactory, ServiceFactory, UserFactory
from tests.ndtms.helpers import replace_in
from tests.ndtms.support import NOVEMBER, OCTOBER, pathway

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def parse(content: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content)))


def by_client(rows: list[dict], reference: str) -> list[dict]:
    return [r for r in rows if r["CLIENTID"] == reference]


def test_a_journey_row_carries_the_versions_codes_and_its_top(version_q, service_a):
    consenting, _, _ = pathway(service_a)
    _, content, _, _ = extract_compute(service=service_a, month=OCTOBER)
    journey, top = by_client(parse(content), consenting.reference)
    assert journey == journey | {
        "AGNCY": "AG123",
        "CONSENT": "Y",
        "FINITIAL": "J",
        "SINITIAL": "S",
        "DOB": "03/02/1980",
        "SEX": "2",
        "ETHNIC": "M",
        "LA": "E09000012",
        "REFLD": "10/05/2026",
        "RFLS": "4",
        "DRUG1": "3201",
        "TRIAGED": "14/05/2026",
        "MODST": "20/05/2026",
        "MODEND": "01/10/2026",
        "DISD": "01/10/2026",
        "DISRSN": "82",
        "CIRDATE": "20/05/2026",
        "ACCMNEED": "2",
        "EMPSTAT": "99",  # declined
        "TOPDATE": "",
    }
    assert top["JOURNEYID"] == journey["JOURNEYID"]
    assert top == top | {"TOPDATE": "20/05/2026", "TOPSTAGE": "S", "TOPCRK": "6", "REFLD": ""}


def test_as_at_the_months_end_a_later_discharge_is_not_yet(version_q, service_a):
    consenting, _, _ = pathway(service_a)
    _, content, _, _ = extract_compute(service=service_a, month=dt.date(2026, 9, 1))
    journey = by_client(parse(content), consenting.reference)[0]
    assert journey["MODST"] == "20/05/2026"
    assert (journey["DISD"], journey["DISRSN"], journey["MODEND"]) == ("", "", "")


def test_a_client_who_declined_consent_leaves_only_three_fields(version_q, service_a):
    _, declined, _ = pathway(service_a)
    _, content, _, _ = extract_compute(service=service_a, month=OCTOBER)
    rows = by_client(parse(content), declined.reference)
    assert len(rows) == 1  # two journeys, one row
    assert {k: v for k, v in rows[0].items() if v} == {
        "AGNCY": "AG123",
        "CLIENTID": declined.reference,
        "CONSENT": "N",
    }


def test_tier_2_only_clients_are_absent(version_q, service_a):
    consenting, declined, tier2 = pathway(service_a)
    # A referral waiting at an open-access (Tier 2) service is absent too.
    drop_in = ServiceFactory(code="T2", tier=2)
    ReferralFactory(client=tier2, service=drop_in, referral_date=dt.date(2026, 6, 1))
    _, content, _, _ = extract_compute(service=service_a, month=OCTOBER)
    clients = {r["CLIENTID"] for r in parse(content)}
    assert clients == {consenting.reference, declined.reference}
    _, content, rows, _ = extract_compute(service=drop_in, month=OCTOBER)
    assert rows == [] and content.startswith("AGNCY,CLIENTID,CONSENT")


def test_a_referral_waiting_at_a_structured_service_is_in(version_q, service_a):
    waiting = ClientFactory(consent_national_reporting=True)
    ReferralFactory(client=waiting, service=service_a, referral_date=dt.date(2026, 10, 20))
    _, content, _, _ = extract_compute(service=service_a, month=OCTOBER)
    (row,) = by_client(parse(content), waiting.reference)
    assert (row["REFLD"], row["MODST"]) == ("20/10/2026", "")


def test_a_new_version_changes_the_next_extract_not_a_stored_one(version_q, service_a, pack_copy):
    consenting, _, _ = pathway(service_a)
    bob = UserFactory(username="bob-builder")
    october = ndtms_extract_build(acting_user=bob, service=service_a, month=OCTOBER)
    stored = october.content
    assert by_client(parse(stored), consenting.reference)[0]["DISRSN"] == "82"

    def recode(path):
        replace_in(
            path / "codes.csv", "completed_occasional_user,82,", "completed_occasional_user,K2,"
        )

    pack_load(path=pack_copy("R", recode), in_force_from=NOVEMBER)
    november = ndtms_extract_build(acting_user=bob, service=service_a, month=NOVEMBER)
    assert november.version.name == "R"
    assert by_client(parse(november.content), consenting.reference)[0]["DISRSN"] == "K2"
    october.refresh_from_db()
    assert october.version.name == "Q" and october.content == stored
    # October built again is still October's version.
    again = ndtms_extract_build(acting_user=bob, service=service_a, month=OCTOBER)
    assert again.version.name == "Q" and again.content == stored


def test_without_a_version_in_force_nothing_is_built(service_a):
    with pytest.raises(NoVersionInForce, match="ask the administrator"):
        extract_compute(service=service_a, month=OCTOBER)


def test_the_extract_runs_a_constant_number_of_queries(
    version_q, service_a, django_assert_max_num_queries
):
    pathway(service_a)
    # version, fields, codes, journeys, reviews, TOPs
    with django_assert_max_num_queries(6):
        extract_compute(service=service_a, month=OCTOBER)
