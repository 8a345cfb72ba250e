"""The managers' NDTMS-style client-level extract."""

import csv
import datetime as dt
import io

import pytest

from clients.models import AccessEvent
from reporting.models import DownloadKind, ReportDownload
from reporting.returns.extract import COLUMNS, extract_rows
from tests.dates import LITERAL_DAY
from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    EpisodeFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

RANGE = {"start": "2026-01-01", "end": "2026-03-31"}


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def two_clients(service_a):
    kw = UserFactory(username="kw")
    consenting = ClientFactory(
        initials="JS",
        date_of_birth=dt.date(1980, 2, 3),
        sex_id="female",
        ethnicity_id="M",
        consent_national_reporting=True,
    )
    declined = ClientFactory(
        initials="TK",
        date_of_birth=dt.date(1975, 7, 8),
        sex_id="male",
        ethnicity_id="A",
        consent_national_reporting=False,
    )
    first = ReferralFactory(
        client=consenting,
        service=service_a,
        referral_date=dt.date(2026, 1, 10),
        source_id="probation",
        primary_substance_id="crack",
    )
    AppointmentFactory(referral=first, appointment_date=dt.date(2026, 1, 14), attendance="attended")
    EpisodeFactory(
        referral=first,
        start_date=dt.date(2026, 1, 20),
        keyworker=kw,
        end_date=dt.date(2026, 3, 1),
        discharge_reason_id="completed_drug_free",
    )
    second = ReferralFactory(
        client=declined,
        service=service_a,
        referral_date=dt.date(2025, 11, 1),
        source_id="gp",
        primary_substance_id="cocaine",
    )
    # Ends after the range: open on its last day.
    EpisodeFactory(
        referral=second,
        start_date=dt.date(2025, 11, 5),
        keyworker=kw,
        end_date=dt.date(2026, 4, 10),
        discharge_reason_id="moved_away",
    )
    # Referred before and never started: nothing in the range.
    ReferralFactory(client=declined, service=service_a, referral_date=dt.date(2025, 6, 1))
    return consenting, declined


def test_a_manager_downloads_the_extract_of_their_service(client_as, bob, two_clients):
    consenting, declined = two_clients
    response = client_as(bob).post(
        "/returns/extract/", {"service": bob.memberships.get().service_id, **RANGE}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="ndtms-extract-A-20260101-20260331.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 2
    by_client = {r["CLIENTID"]: r for r in rows}
    mapped = by_client[consenting.reference]
    assert mapped == mapped | {
        "FINITIAL": "J",
        "SINITIAL": "S",
        "DOB": "1980-02-03",
        "AGE": "45",
        "SEX": "2",
        "ETHNIC": "M",
        "CONSENT": "Y",
        "REFLD": "2026-01-10",
        "RFLS": "8",
        "DRUG1": "3201",
        "TRIAGED": "2026-01-14",
        "TIER": "3",
        "MODST": "2026-01-20",
        "DISD": "2026-03-01",
        "DISRSN": "80",
        "DISRSN_LOCAL": "completed_drug_free",
    }


def test_a_client_who_declined_national_reporting_gives_no_identifiers(client_as, bob, two_clients):
    _, declined = two_clients
    rows = rows_of(
        client_as(bob).post(
            "/returns/extract/", {"service": bob.memberships.get().service_id, **RANGE}
        )
    )
    row = next(r for r in rows if r["CLIENTID"] == declined.reference)
    assert (row["FINITIAL"], row["SINITIAL"], row["DOB"]) == ("", "", "")
    assert row["CONSENT"] == "N"
    assert (row["SEX"], row["ETHNIC"], row["AGE"], row["RFLS"], row["DRUG1"]) == (
        "1",
        "A",
        "50",
        "3",
        "3200",
    )
    # The discharge came after the range: as at its end, still in treatment.
    assert (row["DISD"], row["DISRSN"], row["DISRSN_LOCAL"]) == ("", "", "")
    body = rows_of(
        client_as(bob).post(
            "/returns/extract/", {"service": bob.memberships.get().service_id, **RANGE}
        )
    )
    assert "TK" not in [r["FINITIAL"] + r["SINITIAL"] for r in body]


def test_every_extract_is_recorded(client_as, bob, two_clients, service_a):
    client_as(bob).post("/returns/extract/", {"service": service_a.pk, **RANGE})
    log = ReportDownload.objects.get()
    assert (log.user, log.kind, log.service, log.rows) == (
        bob,
        DownloadKind.NDTMS_EXTRACT,
        service_a,
        2,
    )
    assert (log.period_from, log.period_to) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    event = AccessEvent.objects.get(kind="export")
    assert event.user == bob and event.service == service_a


@pytest.mark.parametrize("persona", ["alice", "charlie", "dora", "admin_user"])
def test_anyone_but_a_manager_gets_404_for_the_extract(
    client_as, request, persona, two_clients, service_a
):
    client = client_as(request.getfixturevalue(persona))
    assert client.get("/returns/extract/").status_code == 404
    assert client.post("/returns/extract/", {"service": service_a.pk, **RANGE}).status_code == 404
    assert not ReportDownload.objects.exists()


def test_a_manager_cannot_extract_another_service(client_as, bob, service_b, two_clients):
    response = client_as(bob).post("/returns/extract/", {"service": service_b.pk, **RANGE})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not ReportDownload.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-03-31", "2026-01-01", "must start on or before its end"),
        ("2026-01-01", "2027-01-01", "cannot be after today"),
        ("2024-01-01", "2026-01-01", "a year or less"),
        ("not a date", "2026-01-01", "Enter a valid date"),
    ],
)
def test_a_bad_range_is_refused_next_to_the_field(client_as, bob, service_a, start, end, message):
    response = client_as(bob).post(
        "/returns/extract/", {"service": service_a.pk, "start": start, "end": end}
    )
    assert response.status_code == 422
    assert message in response.content.decode()


def test_formula_like_cells_are_neutralised_in_the_extract(service_a):
    kw = UserFactory(username="kw")
    client = ClientFactory(consent_national_reporting=True)
    client.reference = "=1+2"
    client.save()
    referral = ReferralFactory(client=client, service=service_a, referral_date=dt.date(2026, 2, 1))
    EpisodeFactory(referral=referral, keyworker=kw)
    from reporting.returns.extract import extract_csv

    text = extract_csv(
        extract_rows(service=service_a, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    ).decode()
    assert "'=1+2" in text


def test_the_extract_runs_a_constant_number_of_queries(
    client_as, bob, service_a, two_clients, django_assert_max_num_queries
):
    client = client_as(bob)
    # session, user, managed services (exists), the service choice, the
    # referrals with client/source/substance/episode joined, the download
    # log (savepoint, insert, release), the access audit (membership,
    # insert), session save (3).
    with django_assert_max_num_queries(16):
        client.post("/returns/extract/", {"service": service_a.pk, **RANGE})
