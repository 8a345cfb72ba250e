"""Follow-up rows change in the same transaction as what changes them: a form
saved, an episode started or ended (keywork.signals, sent inside keywork's
own transactions)."""

import datetime as dt

import pytest
from django.db import transaction

from keywork.models import Episode
from keywork.signals import episode_ended, episode_started
from outcomes.actions import outcome_form_save
from outcomes.models import FollowUp, OutcomeForm
from tests.outcomes.helpers import form_post, make_episode

pytestmark = pytest.mark.django_db


def states(episode) -> dict:
    return dict(FollowUp.objects.filter(episode=episode).values_list("timepoint", "state"))


def fields(**changes) -> dict:
    data = form_post(**changes)
    return {
        "timepoint": data["timepoint"],
        "form_date": dt.date.fromisoformat(data["form_date"]),
        "reported_by": data["reported_by"],
        "crack_days": int(data["crack_days"]),
        "crack_spend_per_day": data["crack_spend_per_day"] or None,
        "heroin_days": 0,
        "cocaine_days": 0,
        "alcohol_days": 0,
        "other_drug_days": 0,
        "crime_involved": False,
        "physical_health": 10,
        "psychological_health": 10,
        "quality_of_life": 10,
        "cravings": None,
    }


def start(episode) -> None:
    with transaction.atomic():
        episode_started.send(sender=Episode, episode=episode)


def test_starting_an_episode_creates_its_follow_ups(alice, service_a):
    episode = make_episode(service_a, alice, started_days_ago=25)
    start(episode)
    assert states(episode) == {"day30": "due", "day90": "upcoming"}


def test_saving_the_day_30_form_marks_it_done_at_once(alice, episode_a):
    start(episode_a)
    outcome_form_save(form=OutcomeForm(episode=episode_a), acting_user=alice, fields=fields())
    assert states(episode_a) == {"day30": "done", "day90": "upcoming"}


def test_a_baseline_changes_no_follow_up(alice, episode_a):
    start(episode_a)
    outcome_form_save(
        form=OutcomeForm(episode=episode_a),
        acting_user=alice,
        fields=fields(timepoint="baseline", form_date=episode_a.start_date.isoformat()),
    )
    assert states(episode_a) == {"day30": "due", "day90": "upcoming"}


def test_editing_a_form_to_another_timepoint_moves_the_done(alice, service_a, today):
    episode = make_episode(service_a, alice, started_days_ago=95)
    start(episode)
    assert states(episode) == {"day30": "overdue", "day90": "due"}
    form = outcome_form_save(
        form=OutcomeForm(episode=episode), acting_user=alice, fields=fields(timepoint="day30")
    )
    assert states(episode) == {"day30": "done", "day90": "due"}
    outcome_form_save(form=form, acting_user=alice, fields={"timepoint": "day90"})
    assert states(episode) == {"day30": "overdue", "day90": "done"}


def test_ending_an_episode_makes_what_is_left_not_applicable(alice, episode_a, today):
    start(episode_a)
    with transaction.atomic():
        episode_a.end_date = today
        episode_a.discharge_reason_id = "dropped_out"
        episode_a.save()
        episode_ended.send(sender=Episode, episode=episode_a)
    assert states(episode_a) == {"day30": "not_applicable", "day90": "not_applicable"}


def test_a_done_form_stays_done_when_the_episode_ends(alice, episode_a, today):
    start(episode_a)
    outcome_form_save(form=OutcomeForm(episode=episode_a), acting_user=alice, fields=fields())
    with transaction.atomic():
        episode_a.end_date = today
        episode_a.discharge_reason_id = "completed_drug_free"
        episode_a.save()
        episode_ended.send(sender=Episode, episode=episode_a)
    assert states(episode_a) == {"day30": "done", "day90": "not_applicable"}


def test_the_follow_up_change_rolls_back_with_the_episode_end(alice, episode_a, today):
    start(episode_a)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        episode_a.end_date = today
        episode_a.discharge_reason_id = "dropped_out"
        episode_a.save()
        episode_ended.send(sender=Episode, episode=episode_a)
        assert states(episode_a)["day30"] == "not_applicable"
        raise Boom
    assert states(episode_a) == {"day30": "due", "day90": "upcoming"}


def test_a_form_that_fails_validation_changes_nothing(alice, episode_a):
    from django.core.exceptions import ValidationError

    start(episode_a)
    with pytest.raises(ValidationError):
        outcome_form_save(
            form=OutcomeForm(episode=episode_a),
            acting_user=alice,
            fields=fields(crack_spend_per_day=""),
        )
    assert not OutcomeForm.objects.exists()
    assert states(episode_a)["day30"] == "due"
