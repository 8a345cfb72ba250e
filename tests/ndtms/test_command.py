"""manage.py ndtms_extract."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.dates import LITERAL_DAY
from tests.ndtms.support import pathway

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def test_it_writes_the_months_extract_and_counts_problems(version_q, service_a, tmp_path, capsys):
    consenting, _, _ = pathway(service_a)
    out = tmp_path / "a.csv"
    call_command("ndtms_extract", "--service", "A", "--month", "2026-10", "--out", str(out))
    text = out.read_text()
    assert text.startswith("AGNCY,CLIENTID,CONSENT,")
    assert consenting.reference in text
    printed = capsys.readouterr()
    assert "rows for A 2026-10, version Q" in printed.out
    assert printed.err == ""  # the pathway is clean


def test_it_refuses_a_month_not_ended_and_an_unknown_service(version_q, service_a, tmp_path):
    out = tmp_path / "a.csv"
    with pytest.raises(CommandError, match="has ended"):
        call_command("ndtms_extract", "--service", "A", "--month", "2026-12", "--out", str(out))
    with pytest.raises(CommandError, match="No service"):
        call_command("ndtms_extract", "--service", "ZZ", "--month", "2026-10", "--out", str(out))
    with pytest.raises(CommandError, match="not a month"):
        call_command("ndtms_extract", "--service", "A", "--month", "10/2026", "--out", str(out))
    assert not out.exists()
