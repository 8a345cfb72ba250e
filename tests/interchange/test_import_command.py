import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from clients.models import Appointment, Client, Referral
from interchange.importing import import_bundle
from keywork.models import Contact, Episode
from outcomes.models import OutcomeForm
from services.models import Membership, User
from tests.dates import LITERAL_DAY
from tests.interchange.helpers import table_counts, valid_files, write_bundle

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def test_it_imports_every_file_of_a_valid_bundle(bundle, capsys):
    call_command("import_bundle", str(bundle))
    out = capsys.readouterr().out
    assert "contacts.csv               4         0         0" in out
    assert Client.objects.count() == 2
    assert Referral.objects.count() == 3
    assert Appointment.objects.count() == 4
    assert Episode.objects.count() == 2
    assert Contact.objects.count() == 4
    assert OutcomeForm.objects.count() == 3
    group = Contact.objects.get(contact_type="group")
    assert sorted(group.interventions.values_list("code", flat=True)) == ["cbt", "peer_support"]
    e2 = Episode.objects.get(reference="E2")
    assert (e2.tier, e2.planned_days, e2.discharge_reason_id) == (4, 84, "completed_drug_free")
    assert e2.keyworker.username == "kit"
    day30 = OutcomeForm.objects.get(timepoint="day30")
    assert day30.crack_spend_per_day == Decimal("40.50")
    assert day30.cravings is None  # not in the bundle


def test_it_keeps_the_source_references(bundle):
    import_bundle(bundle)
    client = Client.objects.get(reference="C1")
    assert client.referrals.filter(reference="R3").exists()
    assert Episode.objects.get(reference="E1").referral.reference == "R1"


def test_a_booked_appointment_is_imported_without_attendance(bundle):
    import_bundle(bundle)
    booked = Appointment.objects.get(referral__reference="R3")
    assert booked.attendance == ""
    assert booked.appointment_date == dt.date(2026, 12, 12)


def test_importing_the_same_bundle_twice_creates_no_duplicates(bundle):
    first = import_bundle(bundle)
    before = table_counts()
    second = import_bundle(bundle)
    assert first.ok and second.ok
    # the audit tables are the exception: nothing changed, so no events either
    assert table_counts() == before
    assert all(c.new == 0 and c.changed == 0 for c in second.counts.values())
    assert second.counts["contacts.csv"].unchanged == 4


def test_a_second_import_updates_by_reference(bundle, tmp_path):
    import_bundle(bundle)
    files = valid_files()
    files["clients.csv"][1][5] = "Cee Dee"
    files["episodes.csv"][0][4:6] = ["2026-03-01", "dropped_out"]
    files["contacts.csv"][2][6] = "peer_support"  # interventions changed
    files["contacts.csv"][1][3] = "video"
    files["outcomes.csv"][1][4] = "0"
    files["outcomes.csv"][1][5] = ""
    report = import_bundle(write_bundle(tmp_path / "v2", files))
    assert report.ok, report.lines()
    assert report.counts["clients.csv"].changed == 1
    assert report.counts["episodes.csv"].changed == 1
    assert report.counts["contacts.csv"].changed == 2
    assert report.counts["outcomes.csv"].changed == 1
    assert Client.objects.get(reference="C2").preferred_name == "Cee Dee"
    e1 = Episode.objects.get(reference="E1")
    assert (e1.end_date, e1.discharge_reason_id) == (dt.date(2026, 3, 1), "dropped_out")
    group = Contact.objects.get(contact_type="group")
    assert list(group.interventions.values_list("code", flat=True)) == ["peer_support"]
    assert Contact.objects.count() == 4
    assert OutcomeForm.objects.get(timepoint="day30").crack_spend_per_day is None


def test_a_second_import_keeps_what_the_bundle_does_not_carry(bundle):
    import_bundle(bundle)
    form = OutcomeForm.objects.get(timepoint="day30")
    form.cravings = 4
    form.save()
    Referral.objects.filter(reference="R1").update(reason="sent by friend")
    import_bundle(bundle)
    assert OutcomeForm.objects.get(timepoint="day30").cravings == 4
    assert Referral.objects.get(reference="R1").reason == "sent by friend"


def test_a_dry_run_counts_but_writes_nothing(bundle, capsys):
    before = table_counts()
    call_command("import_bundle", str(bundle), "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run" in out
    assert "clients.csv                2         0         0" in out
    assert table_counts() == before


def test_new_staff_have_no_usable_password_and_existing_keep_theirs(bundle):
    bob = User.objects.create_user("bob", password="correct horse battery staple")
    import_bundle(bundle)
    assert not User.objects.get(username="alice").has_usable_password()
    bob.refresh_from_db()
    assert bob.check_password("correct horse battery staple")
    assert bob.full_name == "Bob Manager"
    assert Membership.objects.get(user=bob).role == "manager"


def test_an_admin_row_makes_an_administrator(tmp_path):
    files = {"staff.csv": [["root", "Root", "", "admin", ""]]}
    assert import_bundle(write_bundle(tmp_path / "b", files)).ok
    assert User.objects.get(username="root").is_superuser


def test_imported_clients_do_not_consent_to_national_reporting(bundle):
    import_bundle(bundle)
    assert not Client.objects.filter(consent_national_reporting=True).exists()


def test_a_zip_imports_like_a_folder(bundle, tmp_path):
    import zipfile

    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for f in bundle.iterdir():
            archive.write(f, f"export/{f.name}")
    report = import_bundle(path)
    assert report.ok, report.lines()
    assert Contact.objects.count() == 4


def test_files_may_be_absent(tmp_path, bundle):
    import_bundle(bundle)
    files = {"contacts.csv": valid_files()["contacts.csv"] + [
        ["E1", "2026-01-20", "keywork", "in_person", "30", "attended", "cbt"]
    ]}  # fmt: skip
    report = import_bundle(write_bundle(tmp_path / "more", files))
    assert report.ok, report.lines()
    assert list(report.counts) == ["contacts.csv"]
    assert report.counts["contacts.csv"].new == 1


def test_a_bad_bundle_exits_non_zero_and_names_the_row(tmp_path, capsys):
    files = valid_files()
    files["clients.csv"][1][2] = "1990-02-30"
    bad = write_bundle(tmp_path / "bad", files)
    with pytest.raises(CommandError):
        call_command("import_bundle", str(bad))
    out = capsys.readouterr().out
    assert "clients.csv line 3, column date_of_birth: '1990-02-30' is not a real date" not in out
    assert "clients.csv line 3, column date_of_birth: the value is not a real date" in out
    assert "nothing was imported" in out
    assert "clients.csv                2 (1)" in out


def test_imports_are_audited_with_their_context(bundle):
    from django.db import connection

    import_bundle(bundle, audit={"via": "test", "user": 7})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.pgh_label, c.metadata ->> 'via' FROM keywork_contactevent e "
            "JOIN pghistory_context c ON c.id = e.pgh_context_id"
        )
        assert cursor.fetchall() == [("insert", "test")] * 4


def test_two_contacts_of_a_kind_on_one_day_match_in_order(bundle, tmp_path):
    files = valid_files()
    files["contacts.csv"].append(
        ["E1", "2026-01-16", "group", "in_person", "30", "attended", "peer_support"]
    )
    path = write_bundle(tmp_path / "two", files)
    assert import_bundle(path).ok
    again = import_bundle(path)
    assert again.counts["contacts.csv"].unchanged == 5
    assert sorted(
        Contact.objects.filter(contact_type="group").values_list("duration_minutes", flat=True)
    ) == [30, 90]


def test_imported_open_episodes_get_their_follow_ups(bundle):
    from outcomes.models import FollowUp

    import_bundle(bundle)
    states = dict(
        FollowUp.objects.filter(episode__reference="E1").values_list("timepoint", "state")
    )
    # E1 started on 2026-01-12 and has a day-30 form; its day-90 form is
    # overdue, and so is its start TOP (the service uses both instruments).
    assert states == {"day30": "done", "day90": "overdue", "top_start": "overdue"}
    ended = set(FollowUp.objects.filter(episode__reference="E2").values_list("state", flat=True))
    assert ended == {"not_applicable"}
