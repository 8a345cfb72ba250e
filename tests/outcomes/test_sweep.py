"""The sweeper (beat task, every few minutes, and flag_followups): brings
every follow-up up to date and notifies, idempotently, even when two run at
once."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from outcomes.actions import followups_sweep
from outcomes.models import FollowUp, Notification
from tests.factories import UserFactory
from tests.outcomes.helpers import make_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(alice, service_a, today):
    """Day 25 (day 30 due), day 40 (overdue), day 10 (upcoming), day 85
    (day 30 overdue, day 90 due)."""
    return [make_episode(service_a, alice, started_days_ago=n) for n in (25, 40, 10, 85)]


def test_it_creates_rows_and_states_for_every_episode(caseload, today):
    result = followups_sweep(as_of=today)
    assert result.episodes_given_rows == 4
    assert FollowUp.objects.count() == 8
    assert sorted(FollowUp.objects.values_list("state", flat=True)) == sorted(
        ["due", "upcoming", "overdue", "upcoming", "upcoming", "upcoming", "overdue", "due"]
    )


def test_it_notifies_the_keyworker_once_per_follow_up_and_kind(caseload, alice, today):
    result = followups_sweep(as_of=today)
    assert result.notified == 4
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        "due",
        "due",
        "overdue",
        "overdue",
    ]
    assert set(Notification.objects.values_list("recipient", flat=True)) == {alice.pk}


def test_running_twice_changes_nothing_the_second_time(caseload, today):
    first = followups_sweep(as_of=today)
    before = list(FollowUp.objects.values_list("pk", "state", "changed_at").order_by("pk"))
    second = followups_sweep(as_of=today)
    assert (first.changed, first.notified) != (0, 0)
    assert (second.episodes_given_rows, second.changed, second.notified) == (0, 0, 0)
    assert list(FollowUp.objects.values_list("pk", "state", "changed_at").order_by("pk")) == before
    assert Notification.objects.count() == 4


def test_a_due_form_that_becomes_overdue_notifies_again_once(alice, service_a, today):
    episode = make_episode(service_a, alice, started_days_ago=30)
    followups_sweep(as_of=today)
    followups_sweep(as_of=today + dt.timedelta(days=8))
    followups_sweep(as_of=today + dt.timedelta(days=8))
    kinds = Notification.objects.filter(followup__episode=episode).values_list("kind", flat=True)
    assert sorted(kinds) == ["due", "overdue"]


def test_a_new_keyworker_hears_about_an_overdue_form_too(alice, service_a, today):
    episode = make_episode(service_a, alice, started_days_ago=40)
    followups_sweep(as_of=today)
    erin = UserFactory(username="erin")
    episode.keyworker = erin
    episode.save()
    assert followups_sweep(as_of=today).notified == 1
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "alice",
        "erin",
    }


def test_an_ended_episode_notifies_nobody(alice, service_a, today):
    make_episode(
        service_a,
        alice,
        started_days_ago=40,
        end_date=today - dt.timedelta(days=1),
        discharge_reason_id="other",
    )
    assert followups_sweep(as_of=today).notified == 0


def test_a_settled_follow_up_marks_its_notifications_read(alice, service_a, today):
    from outcomes.models import OutcomeForm  # noqa: F401
    from tests.factories import OutcomeFormFactory

    episode = make_episode(service_a, alice, started_days_ago=30)
    followups_sweep(as_of=today)
    OutcomeFormFactory(episode=episode, timepoint="day30", form_date=today)
    followups_sweep(as_of=today)
    note = Notification.objects.get()
    assert note.read_at is not None
    assert note.followup.state == "done"


def test_flag_followups_runs_the_same_work_for_a_given_day(caseload, capsys):
    day = caseload[0].start_date + dt.timedelta(days=23)
    call_command("flag_followups", "--as-of", day.isoformat())
    row = FollowUp.objects.get(episode=caseload[0], timepoint="day30")
    assert (row.state, row.state_as_of) == ("due", day)
    assert "changed" in capsys.readouterr().out
    call_command("flag_followups", "--as-of", day.isoformat())
    assert "0 changed, 0 notifications" in capsys.readouterr().out


def test_flag_followups_refuses_a_bad_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--as-of"):
        call_command("flag_followups", "--as-of", "27/11/2026")


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_do_the_work_once(alice, service_a, today):
    for n in (25, 40, 85, 95, 30, 31):
        make_episode(service_a, alice, started_days_ago=n)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(followups_sweep(as_of=today))
        except Exception as error:  # pragma: no cover - shown by the assert
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sorted(r.changed for r in results)[0] == 0
    assert sorted(r.notified for r in results)[0] == 0
    assert sum(r.notified for r in results) == Notification.objects.count()
    assert FollowUp.objects.count() == 12
    # Each outstanding follow-up told its keyworker once.
    assert Notification.objects.count() == FollowUp.objects.outstanding().count()


@pytest.mark.django_db(transaction=True)
def test_a_sweep_during_a_form_save_neither_undoes_it_nor_announces_it(alice, service_a, today):
    """The form's transaction holds its follow-up row; the sweep waits for
    it and sees the committed state, not the one from before."""
    from django.db import transaction

    from keywork.models import Episode
    from outcomes.actions import _bring_up_to_date, outcome_form_save
    from outcomes.models import OutcomeForm
    from tests.outcomes.test_state_changes import fields

    episode = make_episode(service_a, alice, started_days_ago=30)
    with transaction.atomic():  # rows, state "due", nobody told yet
        _bring_up_to_date(Episode.objects.filter(pk=episode.pk), today)
    saved, sweeping = threading.Event(), threading.Event()
    results, errors = [], []

    def save_form():
        try:
            with transaction.atomic():
                outcome_form_save(
                    form=OutcomeForm(episode=episode), acting_user=alice, fields=fields()
                )
                saved.set()
                sweeping.wait(10)
                threading.Event().wait(0.5)  # let the sweep reach the lock
        except Exception as error:  # pragma: no cover
            errors.append(error)
        finally:
            connection.close()

    def sweep():
        try:
            saved.wait(10)
            sweeping.set()
            results.append(followups_sweep(as_of=today))
        except Exception as error:  # pragma: no cover
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save_form), threading.Thread(target=sweep)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert FollowUp.objects.get(episode=episode, timepoint="day30").state == "done"
    assert not Notification.objects.filter(followup__timepoint="day30").exists()
