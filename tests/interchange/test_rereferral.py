"""A client referred again after a discharge: the new referral (and its
episode) is a new record beside the old, not an error, and importing the
same bundle again matches both instead of duplicating them."""

import pytest

from clients.models import Referral
from interchange.importing import import_bundle
from keywork.models import Episode
from tests.dates import LITERAL_DAY
from tests.interchange.helpers import table_counts, valid_files, write_bundle

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def files_with_a_second_referral() -> dict:
    files = valid_files()
    # C2 completed E2 at service B on 2026-05-01; referred to service A a
    # month later and started there.
    files["referrals.csv"].append(["R4", "C2", "A", "2026-06-01", "self", "crack"])
    files["appointments.csv"].append(["R4", "2026-06-01", "2026-06-04", "attended"])
    files["episodes.csv"].append(["E3", "R4", "3", "2026-06-08", "", "", "alice", ""])
    files["contacts.csv"].append(
        ["E3", "2026-06-08", "keywork", "in_person", "50", "attended", "cbt"]
    )
    return files


def test_a_referral_after_a_discharge_is_a_new_referral(tmp_path):
    report = import_bundle(write_bundle(tmp_path / "b", files_with_a_second_referral()))
    assert report.ok, report.problems
    referrals = Referral.objects.filter(client__reference="C2").order_by("referral_date")
    assert [r.reference for r in referrals] == ["R2", "R4"]
    episodes = Episode.objects.filter(referral__client__reference="C2").order_by("start_date")
    assert [(e.reference, e.end_date is None) for e in episodes] == [("E2", False), ("E3", True)]


def test_importing_it_again_matches_both_referrals(tmp_path):
    files = files_with_a_second_referral()
    assert import_bundle(write_bundle(tmp_path / "first", files)).ok
    before = table_counts()
    assert import_bundle(write_bundle(tmp_path / "again", files)).ok
    after = table_counts()
    for table in ("clients_client", "clients_referral", "keywork_episode", "keywork_contact"):
        assert after[table] == before[table]
