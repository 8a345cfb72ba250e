"""TOP records: each rule with good and bad input, declined versus 0, and
history of edits and deletions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nectos import clock
from outcomes.top_actions import top_delete, top_record, top_update
from outcomes.top_models import TreatmentOutcomesProfile
from tests.outcomes.top_support import full_answers, top_episode

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return clock.today()


@pytest.fixture
def episode(alice, service_a):
    return top_episode(service_a, alice, started_days_ago=40)


def record(episode, user, **changes):
    fields = {"stage": "start", "top_date": episode.start_date, **full_answers(**changes)}
    return top_record(acting_user=user, episode=episode, fields=fields)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_a_whole_top_is_stored_week_by_week(episode, alice):
    top = record(episode, alice)
    top.refresh_from_db()
    assert top.crack_days == [2, 3, 1, 0]
    assert top.total("crack_days") == 6
    assert top.recorded_by == alice


@pytest.mark.parametrize(
    ("weeks", "ok"),
    [
        ([0, 0, 0, 0], True),
        ([7, 7, 7, 7], True),
        ([8, 0, 0, 0], False),
        ([1, 2, 3], False),
        ([1, 2, 3, 4, 5], False),
    ],
)
def test_each_week_holds_0_to_7_days_and_there_are_four(episode, alice, weeks, ok):
    if ok:
        assert record(episode, alice, cannabis_days=weeks).cannabis_days == weeks
    else:
        with pytest.raises(ValidationError) as excinfo:
            record(episode, alice, cannabis_days=weeks)
        assert "cannabis_days" in errors_of(excinfo)
        assert not TreatmentOutcomesProfile.objects.exists()


@pytest.mark.parametrize(("amount", "ok"), [(0, True), (12.5, True), (-1, False)])
def test_units_and_money_are_not_negative(episode, alice, amount, ok):
    if ok:
        record(episode, alice, alcohol_units=amount, crack_spend=amount)
    else:
        with pytest.raises(ValidationError) as excinfo:
            record(episode, alice, alcohol_units=amount, crack_spend=amount)
        assert {"alcohol_units", "crack_spend"} <= set(errors_of(excinfo))


def test_an_amount_needs_its_substance_used(episode, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, cocaine_days=[0, 0, 0, 0], cocaine_spend=20)
    assert "cocaine_spend" in errors_of(excinfo)
    assert record(episode, alice, cocaine_days=[0, 1, 0, 0], cocaine_spend=20).cocaine_spend == 20


@pytest.mark.parametrize(("score", "ok"), [(0, True), (20, True), (21, False), (-1, False)])
def test_scores_are_0_to_20(episode, alice, score, ok):
    if ok:
        assert record(episode, alice, quality_of_life=score).quality_of_life == score
    else:
        with pytest.raises(ValidationError) as excinfo:
            record(episode, alice, quality_of_life=score)
        assert "quality_of_life" in errors_of(excinfo)


def test_the_other_substance_is_named_when_used(episode, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, other_days=[1, 0, 0, 0])
    assert "other_substance" in errors_of(excinfo)
    top = record(episode, alice, other_days=[1, 0, 0, 0], other_substance_id="ecstasy")
    assert top.other_substance_id == "ecstasy"


def test_declined_is_its_own_state_never_0(episode, alice):
    top = record(episode, alice, crack_days=None, crack_spend=None, declined=["crack_days"])
    top.refresh_from_db()
    assert top.value("crack_days") == "declined"
    assert top.total("crack_days") is None
    assert top.crack_days is None
    zero = TreatmentOutcomesProfile.objects.filter(crack_days=[0, 0, 0, 0])
    assert not zero.exists()
    declined = TreatmentOutcomesProfile.objects.filter(declined__contains=["crack_days"])
    assert list(declined) == [top]


def test_an_item_is_not_both_answered_and_declined(episode, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, declined=["crack_days"])
    assert "crack_days" in errors_of(excinfo)


def test_the_database_refuses_a_declined_item_with_a_value(episode):
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentOutcomesProfile.objects.create(
            episode=episode,
            stage="start",
            top_date=episode.start_date,
            crack_days=[0, 0, 0, 0],
            declined=["crack_days"],
        )


def test_the_database_refuses_a_week_over_7(episode):
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentOutcomesProfile.objects.create(
            episode=episode, stage="start", top_date=episode.start_date, crack_days=[0, 9, 0, 0]
        )


def test_empty_is_not_asked(episode, alice):
    top = top_record(
        acting_user=alice,
        episode=episode,
        fields={"stage": "start", "top_date": episode.start_date},
    )
    assert top.value("crack_days") is None
    assert top.value("sharing") is None


# --- Dates ------------------------------------------------------------------


def test_dated_on_the_referral_is_fine_and_the_day_before_is_not(episode, alice):
    referred = episode.referral.referral_date
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, top_date=referred - dt.timedelta(days=1))
    assert "top_date" in errors_of(excinfo)
    assert record(episode, alice, top_date=referred).top_date == referred


def test_not_in_the_future(episode, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, top_date=today() + dt.timedelta(days=1), stage="review")
    assert "top_date" in errors_of(excinfo)
    assert record(episode, alice, top_date=today(), stage="review").top_date == today()


def test_not_after_the_end_except_post_exit(alice, service_a):
    ended = today() - dt.timedelta(days=5)
    episode = top_episode(
        service_a, alice, started_days_ago=60, end_date=ended, discharge_reason_id="dropped_out"
    )
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, stage="exit", top_date=ended + dt.timedelta(days=1))
    assert "top_date" in errors_of(excinfo)
    assert record(episode, alice, stage="exit", top_date=ended).stage == "exit"
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, stage="post_exit", top_date=ended)
    assert "top_date" in errors_of(excinfo)
    after = record(episode, alice, stage="post_exit", top_date=ended + dt.timedelta(days=1))
    assert after.stage == "post_exit"


def test_post_exit_needs_an_ended_episode(episode, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, stage="post_exit", top_date=today())
    assert "stage" in errors_of(excinfo)


def test_one_start_top_per_episode(episode, alice):
    record(episode, alice)
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, top_date=episode.start_date + dt.timedelta(days=1))
    assert "stage" in errors_of(excinfo)


# --- History ------------------------------------------------------------------


def test_edits_and_deletions_are_kept_in_history(episode, alice):
    top = record(episode, alice)
    top_update(acting_user=alice, top=top, fields={"quality_of_life": 15})
    top_delete(acting_user=alice, top=top)
    events = list(
        TreatmentOutcomesProfile.pgh_event_model.objects.order_by("pgh_id").values_list(
            "pgh_label", "quality_of_life"
        )
    )
    assert events == [("insert", 10), ("update", 15), ("delete", 15)]
