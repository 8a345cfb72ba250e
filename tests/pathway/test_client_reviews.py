"""Client information reviews: codes, declined, dates, the latest values and
the children marker."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from clients.review_actions import client_review_delete, client_review_record, client_review_update
from clients.review_models import ClientReview
from clients.review_queries import earlier_reviews, latest_review
from nectos import clock
from tests.outcomes.top_support import top_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(alice, service_a):
    return top_episode(service_a, alice, started_days_ago=200)


def record(episode, user, **fields):
    data = {
        "review_date": episode.start_date,
        "accommodation_need_id": "none",
        "employment_status_id": "unemployed",
        "parental_status_id": "not_a_parent",
        "children_in_household": 0,
        "pregnant": False,
        "injecting_status_id": "never",
        "hepc_test_id": "not_offered",
    }
    data.update(fields)
    return client_review_record(acting_user=user, episode=episode, fields=data)


def test_a_review_with_codes_from_the_lists(episode, alice):
    review = record(episode, alice)
    review.refresh_from_db()
    assert review.employment_status.label == "Unemployed"
    assert review.value("naloxone_issued") is None


def test_a_code_not_in_the_list_is_refused(episode, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, employment_status_id="astronaut")
    assert "employment_status" in excinfo.value.message_dict
    assert not ClientReview.objects.exists()


def test_declined_is_not_no(episode, alice):
    review = record(episode, alice, pregnant=None, declined=["pregnant"])
    assert review.value("pregnant") == "declined"
    assert not ClientReview.objects.filter(pregnant=False).exists()
    with pytest.raises(ValidationError):
        record(
            episode,
            alice,
            review_date=episode.start_date + dt.timedelta(days=1),
            declined=["pregnant"],
        )


@pytest.mark.parametrize(("children", "ok"), [(0, True), (30, True), (31, False), (-1, False)])
def test_children_in_household_is_a_small_count(episode, alice, children, ok):
    if ok:
        record(episode, alice, children_in_household=children)
    else:
        with pytest.raises(ValidationError):
            record(episode, alice, children_in_household=children)


def test_a_hepatitis_c_result_needs_a_test(episode, alice):
    with pytest.raises(ValidationError) as excinfo:
        record(episode, alice, hepc_test_id="offered_refused", hepc_result_id="negative")
    assert "hepc_result" in excinfo.value.message_dict
    assert record(episode, alice, hepc_test_id="tested", hepc_result_id="negative")


def test_dates_from_the_referral_to_today_or_the_discharge(episode, alice):
    for bad in (
        episode.referral.referral_date - dt.timedelta(days=1),
        clock.today() + dt.timedelta(days=1),
    ):
        with pytest.raises(ValidationError) as excinfo:
            record(episode, alice, review_date=bad)
        assert "review_date" in excinfo.value.message_dict
    assert record(episode, alice, review_date=clock.today())


def test_latest_values_and_earlier_ones(episode, alice):
    first = record(episode, alice)
    second = record(
        episode,
        alice,
        review_date=episode.start_date + dt.timedelta(days=182),
        employment_status_id="regular_employment",
    )
    episode.refresh_from_db()
    assert latest_review([episode]) == second
    assert earlier_reviews([episode]) == [first]


@pytest.mark.parametrize(
    ("parental", "children", "marked"),
    [
        ("not_a_parent", 0, False),
        ("not_a_parent", 2, True),
        ("no_children_live_with_client", 0, True),
        ("all_children_live_with_client", 1, True),
    ],
)
def test_the_children_marker(episode, alice, parental, children, marked):
    review = record(episode, alice, parental_status_id=parental, children_in_household=children)
    assert review.with_children is marked


def test_edits_and_deletions_are_kept_in_history(episode, alice):
    review = record(episode, alice)
    client_review_update(acting_user=alice, review=review, fields={"naloxone_issued": True})
    client_review_delete(acting_user=alice, review=review)
    labels = list(
        ClientReview.pgh_event_model.objects.order_by("pgh_id").values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "update", "delete"]
