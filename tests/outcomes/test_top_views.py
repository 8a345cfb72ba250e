"""The TOP form's pages: save, messages next to the field, nothing half
saved, scoped access, one access event per request."""

import datetime as dt

import pytest
from django.urls import reverse

from clients.models import AccessEvent
from nectos import clock
from outcomes.top_models import DAY_ITEMS, TreatmentOutcomesProfile
from tests.outcomes.top_support import make_top, top_episode

USES_TOP = True
pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(alice, service_a):
    return top_episode(service_a, alice, started_days_ago=10)


def post_data(**changes) -> dict:
    data = {"stage": "start", "top_date": clock.today().isoformat()}
    for item in DAY_ITEMS:
        for week in range(1, 5):
            data[f"{item}_w{week}"] = "0"
    data |= {"crack_days_w1": "3", "crack_days_w2": "2", "crack_spend": "40"}
    data |= {"psychological_health": "8", "physical_health": "12", "quality_of_life": "9"}
    data |= {"sharing": "no", "assault": "no"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def create_url(episode) -> str:
    return reverse("outcomes:top_create", args=[episode.pk])


def test_the_form_shows_and_logs_one_access(client_as, alice, episode):
    response = client_as(alice).get(create_url(episode))
    assert response.status_code == 200
    assert b"crack_days_w4" in response.content
    assert AccessEvent.objects.count() == 1


def test_it_saves_a_whole_top(client_as, alice, episode):
    response = client_as(alice).post(create_url(episode), post_data())
    assert response.status_code == 302
    top = TreatmentOutcomesProfile.objects.get()
    assert top.crack_days == [3, 2, 0, 0]
    assert top.sharing is False
    assert top.acute_housing_problem is None
    assert AccessEvent.objects.count() == 1


def test_declined_is_saved_as_declined(client_as, alice, episode):
    data = post_data(crack_spend="", crack_days_declined="on")
    for week in range(1, 5):
        data.pop(f"crack_days_w{week}")
    assert client_as(alice).post(create_url(episode), data).status_code == 302
    top = TreatmentOutcomesProfile.objects.get()
    assert top.value("crack_days") == "declined"


def test_declined_with_values_is_a_message(client_as, alice, episode):
    response = client_as(alice).post(create_url(episode), post_data(crack_days_declined="on"))
    assert response.status_code == 400
    assert b"Declined: leave the weeks empty." in response.content
    assert not TreatmentOutcomesProfile.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("crack_days_w1", "8"), ("quality_of_life", "21"), ("crack_spend", "-5")],
)
def test_out_of_range_values_are_messages(client_as, alice, episode, field, value):
    response = client_as(alice).post(create_url(episode), post_data(**{field: value}))
    assert response.status_code == 400
    assert not TreatmentOutcomesProfile.objects.exists()


def test_three_weeks_of_four_is_a_message(client_as, alice, episode):
    response = client_as(alice).post(create_url(episode), post_data(cannabis_days_w4=""))
    assert response.status_code == 400
    assert b"Enter all four weeks" in response.content


def test_a_future_date_is_a_message_from_the_model(client_as, alice, episode):
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    response = client_as(alice).post(create_url(episode), post_data(top_date=tomorrow))
    assert response.status_code == 400
    assert b"cannot be in the future" in response.content


def test_the_previous_top_is_on_the_form(client_as, alice, episode):
    make_top(episode, "start", episode.start_date, cannabis_days=[1, 2, 3, 4])
    response = client_as(alice).get(create_url(episode))
    assert b"Show the previous TOP" in response.content
    assert b"1 2 3 4" in response.content
    assert response.context["form"].initial["stage"] == "review"


def test_it_edits_and_deletes(client_as, alice, episode):
    top = make_top(episode, "start", episode.start_date)
    url = reverse("outcomes:top_edit", args=[top.pk])
    page = client_as(alice).get(url)
    assert page.context["form"].initial["crack_days_w1"] == 2
    assert client_as(alice).post(url, post_data(top_date=episode.start_date.isoformat()))
    top.refresh_from_db()
    assert top.crack_days == [3, 2, 0, 0]
    client_as(alice).post(reverse("outcomes:top_delete", args=[top.pk]))
    assert not TreatmentOutcomesProfile.objects.exists()


def test_another_service_gets_404_everywhere(client_as, charlie, episode):
    top = make_top(episode, "start", episode.start_date)
    urls = [
        create_url(episode),
        reverse("outcomes:top_edit", args=[top.pk]),
        reverse("outcomes:top_delete", args=[top.pk]),
    ]
    for url in urls:
        assert client_as(charlie).post(url, post_data()).status_code == 404, url
    assert client_as(charlie).get(urls[0]).status_code == 404
    assert TreatmentOutcomesProfile.objects.count() == 1
    assert not AccessEvent.objects.exists()


def test_the_form_runs_a_constant_number_of_queries(
    client_as, alice, episode, django_assert_max_num_queries
):
    make_top(episode, "start", episode.start_date)
    browser = client_as(alice)
    # session, user, memberships for the scope, the episode, the access
    # event (membership lookup, insert), the previous TOP, the substances
    # list, the nav's counts: about a dozen whatever the data.
    with django_assert_max_num_queries(16):
        assert browser.get(create_url(episode)).status_code == 200


def test_the_discharge_form_offers_the_exit_top(client_as, alice, episode):
    url = f"/episodes/{episode.pk}/discharge/"
    assert b"Then record the exit TOP" in client_as(alice).get(url).content
    data = {"end_date": clock.today().isoformat(), "discharge_reason": "dropped_out"}
    response = client_as(alice).post(url, {**data, "then_exit_top": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(create_url(episode) + "?stage=exit&next=")
    page = client_as(alice).get(response["Location"])
    assert page.context["form"].initial["stage"] == "exit"
    assert page.context["form"].initial["top_date"] == clock.today()


def test_no_exit_top_offer_where_the_service_uses_only_nectos_forms(client_as, alice, episode):
    service = episode.referral.service
    service.outcome_instruments = "nectos"
    service.save()
    url = f"/episodes/{episode.pk}/discharge/"
    assert b"Then record the exit TOP" not in client_as(alice).get(url).content


# --- Client information reviews -------------------------------------------------


def review_url(episode) -> str:
    return reverse("outcomes:client_review_create", args=[episode.pk])


def review_post(**changes) -> dict:
    data = {
        "review_date": clock.today().isoformat(),
        "accommodation_need": "housing_problem",
        "employment_status": "unemployed",
        "parental_status": "all_children_live_with_client",
        "children_in_household": "2",
        "pregnant": "false",
        "declined": ["naloxone_issued"],
    }
    data.update(changes)
    return data


def test_a_client_information_review_is_recorded(client_as, alice, episode):
    from clients.review_models import ClientReview

    browser = client_as(alice)
    assert browser.get(review_url(episode)).status_code == 200
    response = browser.post(review_url(episode), review_post())
    assert response.status_code == 302
    review = ClientReview.objects.get()
    assert review.value("naloxone_issued") == "declined"
    assert review.value("pregnant") is False
    assert review.with_children
    assert AccessEvent.objects.count() == 2  # one per request
    record = browser.get(reverse("keywork:record", args=[episode.referral.client.key]))
    assert b'data-testid="children-marker"' in record.content


def test_a_declined_item_with_an_answer_is_a_message(client_as, alice, episode):
    from clients.review_models import ClientReview

    response = client_as(alice).post(review_url(episode), review_post(declined=["pregnant"]))
    assert response.status_code == 400
    assert b"either answered or declined" in response.content
    assert not ClientReview.objects.exists()


def test_another_service_gets_404_for_reviews(client_as, charlie, episode):
    assert client_as(charlie).get(review_url(episode)).status_code == 404
    assert client_as(charlie).post(review_url(episode), review_post()).status_code == 404


def test_the_review_records_where_the_client_lives(client_as, alice, episode):
    from services.models import LocalAuthority

    hackney = LocalAuthority.objects.create(code="E09000012", name="Hackney")
    browser = client_as(alice)
    page = browser.get(review_url(episode))
    assert page.status_code == 200
    assert b"Local authority of residence" in page.content
    response = browser.post(review_url(episode), review_post(local_authority=str(hackney.pk)))
    assert response.status_code == 302
    episode.referral.client.refresh_from_db()
    assert episode.referral.client.local_authority == hackney


def test_an_unknown_local_authority_saves_nothing(client_as, alice, episode):
    from clients.review_models import ClientReview

    response = client_as(alice).post(review_url(episode), review_post(local_authority="999999"))
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not ClientReview.objects.exists()
    episode.referral.client.refresh_from_db()
    assert episode.referral.client.local_authority is None
