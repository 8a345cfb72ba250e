"""Creating and editing outcome forms in the browser: the issue's rules as
messages next to the field, never a 500, nothing half-saved."""

import datetime as dt

import pytest
from django.urls import reverse

from outcomes.models import FollowUp, OutcomeForm
from tests.factories import OutcomeFormFactory
from tests.outcomes.helpers import days_ago, form_post, make_episode

pytestmark = pytest.mark.django_db


def new_url(episode, **query) -> str:
    url = reverse("outcomes:form_create", args=[episode.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def test_it_shows_the_form_with_the_timepoint_from_the_badge(client_as, alice, episode_a):
    response = client_as(alice).get(new_url(episode_a, timepoint="day30"))
    assert response.status_code == 200
    assert response.context["form"]["timepoint"].value() == "day30"
    assert response.context["form"]["form_date"].value() == days_ago(0)


def test_it_saves_a_day_30_form_and_marks_the_follow_up_done(client_as, alice, episode_a):
    response = client_as(alice).post(new_url(episode_a), form_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:episode", args=[episode_a.pk])
    form = OutcomeForm.objects.get()
    assert (form.crack_days, form.crack_spend_per_day, form.recorded_by) == (3, 40, alice)
    assert FollowUp.objects.get(episode=episode_a, timepoint="day30").state == "done"


def test_it_goes_back_where_it_came_from(client_as, alice, episode_a):
    response = client_as(alice).post(new_url(episode_a), {**form_post(), "next": "/somewhere/"})
    assert response["Location"] == "/somewhere/"


def test_it_never_redirects_off_site(client_as, alice, episode_a):
    response = client_as(alice).post(
        new_url(episode_a), {**form_post(), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("outcomes:episode", args=[episode_a.pk])


def errors_of(response) -> dict:
    assert response.status_code == 422
    return response.context["form"].errors


def test_it_requires_spend_when_crack_was_used(client_as, alice, episode_a):
    errors = errors_of(client_as(alice).post(new_url(episode_a), form_post(crack_spend_per_day="")))
    assert "Enter the typical spend" in errors["crack_spend_per_day"][0]
    assert not OutcomeForm.objects.exists()


def test_it_wants_spend_empty_when_crack_was_not_used(client_as, alice, episode_a):
    response = client_as(alice).post(new_url(episode_a), form_post(crack_days=0))
    assert "Leave the spend empty" in errors_of(response)["crack_spend_per_day"][0]


def test_no_crack_and_no_spend_is_fine(client_as, alice, episode_a):
    response = client_as(alice).post(
        new_url(episode_a), form_post(crack_days=0, crack_spend_per_day="")
    )
    assert response.status_code == 302
    assert OutcomeForm.objects.get().monthly_spend == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("crack_days", 31), ("alcohol_days", -1), ("physical_health", 21), ("cravings", 11)],
)
def test_it_keeps_counts_and_ratings_in_range(client_as, alice, episode_a, field, value):
    errors = errors_of(client_as(alice).post(new_url(episode_a), form_post(**{field: value})))
    assert field in errors


def test_it_refuses_a_date_in_the_future(client_as, alice, episode_a):
    tomorrow = dt.date.fromisoformat(form_post()["form_date"]) + dt.timedelta(days=1)
    errors = errors_of(client_as(alice).post(new_url(episode_a), form_post(form_date=tomorrow)))
    assert errors["form_date"] == ["The form date cannot be in the future."]


def test_it_refuses_a_day_n_form_before_the_episode_started(client_as, alice, episode_a):
    before = episode_a.start_date - dt.timedelta(days=1)
    errors = errors_of(client_as(alice).post(new_url(episode_a), form_post(form_date=before)))
    assert "when the episode started" in errors["form_date"][0]


def test_a_baseline_may_be_up_to_30_days_before_the_start(client_as, alice, episode_a):
    earliest = episode_a.start_date - dt.timedelta(days=30)
    response = client_as(alice).post(
        new_url(episode_a), form_post(timepoint="baseline", form_date=earliest)
    )
    assert response.status_code == 302


def test_a_baseline_31_days_before_the_start_is_refused(client_as, alice, episode_a):
    too_early = episode_a.start_date - dt.timedelta(days=31)
    response = client_as(alice).post(
        new_url(episode_a), form_post(timepoint="baseline", form_date=too_early)
    )
    assert "up to 30 days before" in errors_of(response)["form_date"][0]


def test_it_refuses_a_date_after_the_episode_ended(client_as, alice, service_a):
    episode = make_episode(
        service_a, alice, started_days_ago=40, end_date=days_ago(5), discharge_reason_id="other"
    )
    response = client_as(alice).post(new_url(episode), form_post(form_date=days_ago(2)))
    assert "when the episode ended" in errors_of(response)["form_date"][0]


def test_a_second_form_for_the_same_timepoint_and_reporter_gets_a_message(
    client_as, alice, episode_a
):
    OutcomeFormFactory(episode=episode_a, timepoint="day30", form_date=days_ago(1))
    errors = errors_of(client_as(alice).post(new_url(episode_a), form_post()))
    assert errors["timepoint"] == [
        "This episode already has a Day 30 form (keyworker). Edit that form instead."
    ]
    assert OutcomeForm.objects.count() == 1


def test_the_client_may_report_the_same_timepoint_too(client_as, alice, episode_a):
    OutcomeFormFactory(episode=episode_a, timepoint="day30", form_date=days_ago(1))
    response = client_as(alice).post(new_url(episode_a), form_post(reported_by="client"))
    assert response.status_code == 302
    assert OutcomeForm.objects.count() == 2


def test_a_race_on_the_same_timepoint_is_a_message_not_a_500(alice, episode_a):
    """The constraint is the backstop when two saves pass validation at once."""
    from django.core.exceptions import ValidationError

    from outcomes import actions
    from outcomes.models import OutcomeForm as Model

    OutcomeFormFactory(episode=episode_a, timepoint="day30", form_date=days_ago(1))
    form = Model(episode=episode_a)
    original = Model.full_clean
    Model.full_clean = lambda self, *a, **k: None  # validation raced past
    try:
        with pytest.raises(ValidationError) as raised:
            actions.outcome_form_save(
                form=form,
                acting_user=alice,
                fields={
                    "timepoint": "day30",
                    "reported_by": "keyworker",
                    "form_date": days_ago(0),
                    "crack_days": 0,
                    "heroin_days": 0,
                    "cocaine_days": 0,
                    "alcohol_days": 0,
                    "other_drug_days": 0,
                    "crime_involved": False,
                    "physical_health": 1,
                    "psychological_health": 1,
                    "quality_of_life": 1,
                },
            )
    finally:
        Model.full_clean = original
    assert "already has a Day 30 form" in raised.value.message_dict["timepoint"][0]


def test_it_edits_a_form(client_as, alice, episode_a):
    form = OutcomeFormFactory(episode=episode_a, timepoint="day30", form_date=days_ago(1))
    url = reverse("outcomes:form_edit", args=[form.pk])
    assert client_as(alice).get(url).status_code == 200
    response = client_as(alice).post(url, form_post(crack_days=1, crack_spend_per_day=20))
    assert response.status_code == 302
    form.refresh_from_db()
    assert (form.crack_days, form.crack_spend_per_day) == (1, 20)
    assert OutcomeForm.objects.count() == 1


def test_editing_keeps_the_original_recorder(client_as, alice, bob, episode_a):
    form = OutcomeFormFactory(
        episode=episode_a, timepoint="day30", form_date=days_ago(1), recorded_by=alice
    )
    client_as(bob).post(reverse("outcomes:form_edit", args=[form.pk]), form_post())
    form.refresh_from_db()
    assert form.recorded_by == alice


# --- Tier 4: admission and discharge ratings ----------------------------------


def test_a_residential_admission_asks_for_the_ratings_first(client_as, alice, service_a):
    episode = make_episode(service_a, alice, started_days_ago=2, tier=4)
    response = client_as(alice).get(new_url(episode, timepoint="baseline"))
    legends = [legend for legend, _ in response.context["form"].fieldsets()]
    assert legends[1] == "Residential ratings at admission"
    assert "Residential ratings at admission" in response.content.decode()


def test_a_residential_admission_requires_cravings(client_as, alice, service_a):
    episode = make_episode(service_a, alice, started_days_ago=2, tier=4)
    data = form_post(timepoint="baseline", form_date=episode.start_date)
    errors = errors_of(client_as(alice).post(new_url(episode), data))
    assert "Record cravings" in errors["cravings"][0]
    data["cravings"] = "7"
    assert client_as(alice).post(new_url(episode), data).status_code == 302
    assert OutcomeForm.objects.get().cravings == 7


def test_a_residential_discharge_is_the_exit_form_with_ratings(client_as, alice, service_a):
    episode = make_episode(
        service_a,
        alice,
        started_days_ago=40,
        tier=4,
        end_date=days_ago(1),
        discharge_reason_id="completed_drug_free",
    )
    response = client_as(alice).get(new_url(episode, timepoint="exit"))
    assert response.context["form"].fieldsets()[1][0] == "Residential ratings at discharge"
    assert response.context["form"]["form_date"].value() == days_ago(1)


def test_cravings_stay_optional_outside_residential_admissions(client_as, alice, episode_a):
    data = form_post(timepoint="baseline", form_date=episode_a.start_date)
    assert client_as(alice).post(new_url(episode_a), data).status_code == 302


# --- Access ------------------------------------------------------------------


def urls_for(episode, form) -> list[str]:
    return [
        reverse("outcomes:episode", args=[episode.pk]),
        new_url(episode),
        reverse("outcomes:form_edit", args=[form.pk]),
    ]


def test_a_keyworker_of_b_gets_404_on_every_form_url(client_as, charlie, episode_a):
    form = OutcomeFormFactory(episode=episode_a, form_date=episode_a.start_date)
    for url in urls_for(episode_a, form):
        assert client_as(charlie).get(url).status_code == 404, url
    for url in urls_for(episode_a, form)[1:]:
        assert client_as(charlie).post(url, form_post()).status_code == 404, url
    assert OutcomeForm.objects.count() == 1


def test_a_commissioner_and_an_administrator_get_404(client_as, dora, admin_user, episode_a):
    form = OutcomeFormFactory(episode=episode_a, form_date=episode_a.start_date)
    for user in (dora, admin_user):
        for url in urls_for(episode_a, form):
            assert client_as(user).get(url).status_code == 404, (user, url)


def test_a_missing_episode_is_the_same_404(client_as, alice):
    assert client_as(alice).get(reverse("outcomes:form_create", args=[999999])).status_code == 404


def test_the_manager_of_the_service_may_complete_a_form(client_as, bob, episode_a):
    assert client_as(bob).post(new_url(episode_a), form_post()).status_code == 302
