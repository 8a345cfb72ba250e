"""Starting treatment from an attended assessment, discharging with a reason,
and a manager reallocating an episode."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clients.models import Attendance
from keywork.actions import episodes as actions
from keywork.models import Episode
from keywork.signals import episode_ended, episode_started
from services.models import Role
from tests.factories import ContactFactory, MembershipFactory, UserFactory
from tests.pathway.helpers import assess, days_ago, discharge, register, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(alice, service_a):
    referral = register(alice, service_a, on=days_ago(30))
    assess(referral, on=days_ago(20))
    return referral


@pytest.fixture
def signals():
    """Record each signal with whether it arrived inside a transaction."""
    seen = []

    def receiver(signal_name):
        def receive(sender, episode, **kwargs):
            seen.append((signal_name, episode.pk, connection.in_atomic_block))

        return receive

    started, ended = receiver("started"), receiver("ended")
    episode_started.connect(started, dispatch_uid="test-started")
    episode_ended.connect(ended, dispatch_uid="test-ended")
    yield seen
    episode_started.disconnect(dispatch_uid="test-started")
    episode_ended.disconnect(dispatch_uid="test-ended")


def start_form(keyworker, **overrides) -> dict:
    data = {
        "tier": 3,
        "keyworker": keyworker.pk,
        "start_date": days_ago(10).isoformat(),
        "planned_days": "",
    }
    data.update(overrides)
    return data


def test_it_starts_treatment_from_an_attended_assessment(
    client_as, alice, assessed, signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(alice).post(f"/referrals/{assessed.pk}/start/", start_form(alice))

    assert response.status_code == 302
    episode = Episode.objects.get()
    assert (episode.referral, episode.tier, episode.keyworker) == (assessed, 3, alice)
    assert episode.start_date == days_ago(10)
    # Sent inside the action's transaction (the test's own atomic block is
    # outermost, so "inside" shows as a nested atomic block).
    assert signals == [("started", episode.pk, True)]


def test_it_will_not_start_without_an_attended_assessment(client_as, alice, service_a):
    referral = register(alice, service_a, on=days_ago(30))
    assess(referral, on=days_ago(20), attendance=Attendance.DNA)

    response = client_as(alice).post(f"/referrals/{referral.pk}/start/", start_form(alice))

    assert response.status_code == 422
    assert "Record an attended assessment" in response.content.decode()
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    ("start_date", "message"),
    [
        (days_ago(31), "before the referral date"),
        (days_ago(25), "before the assessment"),
        (timezone.localdate() + dt.timedelta(days=1), "cannot be after today"),
    ],
)
def test_a_bad_start_date_is_refused_next_to_the_field(
    client_as, alice, assessed, start_date, message
):
    response = client_as(alice).post(
        f"/referrals/{assessed.pk}/start/", start_form(alice, start_date=start_date.isoformat())
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body.split('id="id_start_date_error"')[1].split("</div>")[0]
    assert not Episode.objects.exists()


def test_the_keyworker_must_work_in_the_service(client_as, alice, charlie, dora, assessed):
    c = client_as(alice)
    for outsider in (charlie, dora):
        response = c.post(f"/referrals/{assessed.pk}/start/", start_form(outsider))
        assert response.status_code == 422
        assert 'id="id_keyworker_error"' in response.content.decode()
    with pytest.raises(ValidationError) as error:
        start(assessed, charlie, on=days_ago(10))
    assert "keyworker" in str(error.value) or "service you work in" in str(error.value)
    assert not Episode.objects.exists()


def test_a_manager_of_the_service_can_hold_an_episode(client_as, alice, bob, assessed):
    response = client_as(alice).post(f"/referrals/{assessed.pk}/start/", start_form(bob))
    assert response.status_code == 302
    assert Episode.objects.get().keyworker == bob


def test_tier_4_needs_a_planned_length_and_only_tier_4_has_one(client_as, alice, assessed):
    c = client_as(alice)
    url = f"/referrals/{assessed.pk}/start/"

    response = c.post(url, start_form(alice, tier=4))
    assert response.status_code == 422
    assert "needs its planned length" in response.content.decode()
    response = c.post(url, start_form(alice, tier=3, planned_days=84))
    assert response.status_code == 422
    assert "Tier 4 admissions only" in response.content.decode()
    assert not Episode.objects.exists()

    assert c.post(url, start_form(alice, tier=4, planned_days=84)).status_code == 302
    assert Episode.objects.get().planned_days == 84


def test_the_database_refuses_a_tier_4_episode_without_planned_days(alice, assessed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.create(referral=assessed, tier=4, keyworker=alice, start_date=days_ago(10))


def test_one_episode_per_referral_and_one_open_episode_per_service(alice, service_a, assessed):
    # A second referral of the same client, assessed but never started...
    other = register(alice, service_a, client=assessed.client, on=days_ago(29))
    assess(other, on=days_ago(19))
    start(assessed, alice, on=days_ago(10))
    with pytest.raises(ValidationError):
        start(assessed, alice, on=days_ago(10))
    # ...cannot open a second episode at the same service alongside the first.
    older = other
    with pytest.raises(ValidationError, match="already in treatment"):
        start(older, alice, on=days_ago(9))


def test_a_receiver_that_fails_leaves_no_episode_behind(alice, assessed):
    def fail(sender, episode, **kwargs):
        raise RuntimeError("follow-up scheduling failed")

    episode_started.connect(fail, dispatch_uid="test-fail")
    try:
        with pytest.raises(RuntimeError):
            start(assessed, alice, on=days_ago(10))
    finally:
        episode_started.disconnect(dispatch_uid="test-fail")
    assert not Episode.objects.exists()


# --- Discharge ----------------------------------------------------------------


def discharge_form(**overrides) -> dict:
    data = {"end_date": timezone.localdate().isoformat(), "discharge_reason": "dropped_out"}
    data.update(overrides)
    return data


def test_it_discharges_with_a_reason(client_as, alice, in_treatment, signals):
    response = client_as(alice).post(f"/episodes/{in_treatment.pk}/discharge/", discharge_form())

    assert response.status_code == 302
    in_treatment.refresh_from_db()
    assert in_treatment.end_date == timezone.localdate()
    assert in_treatment.discharge_reason_id == "dropped_out"
    assert signals == [("ended", in_treatment.pk, True)]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_date": "2000-01-01"}, "end_date", "before the start date"),
        ({"end_date": "2099-01-01"}, "end_date", "cannot be after today"),
        ({"discharge_reason": ""}, "discharge_reason", "This field is required"),
        ({"end_date": ""}, "end_date", "This field is required"),
    ],
)
def test_a_bad_discharge_is_refused_next_to_the_field(
    client_as, alice, in_treatment, overrides, field, message
):
    response = client_as(alice).post(
        f"/episodes/{in_treatment.pk}/discharge/", discharge_form(**overrides)
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body.split(f'id="id_{field}_error"')[1].split("</div>")[0]
    in_treatment.refresh_from_db()
    assert in_treatment.end_date is None and in_treatment.discharge_reason is None


def test_an_episode_cannot_end_before_a_contact_it_holds(client_as, alice, in_treatment):
    ContactFactory(episode=in_treatment, contact_date=days_ago(2))
    response = client_as(alice).post(
        f"/episodes/{in_treatment.pk}/discharge/",
        discharge_form(end_date=days_ago(3).isoformat()),
    )
    assert response.status_code == 422
    assert "A contact is recorded on" in response.content.decode()


def test_the_database_keeps_end_date_and_reason_together_and_in_order(in_treatment):
    for end_date, reason in [(timezone.localdate(), None), (None, "dropped_out")]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Episode.objects.filter(pk=in_treatment.pk).update(
                end_date=end_date, discharge_reason_id=reason
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.filter(pk=in_treatment.pk).update(
            end_date=in_treatment.start_date - dt.timedelta(days=1),
            discharge_reason_id="dropped_out",
        )


def test_an_ended_episode_is_not_ended_twice(client_as, alice, in_treatment):
    discharge(in_treatment)
    with pytest.raises(ValidationError):
        discharge(in_treatment)
    response = client_as(alice).get(f"/episodes/{in_treatment.pk}/discharge/")
    assert response.status_code == 302


# --- Reallocation -------------------------------------------------------------


@pytest.fixture
def erin(service_a):
    user = UserFactory(username="erin", full_name="Erin Keyworker")
    MembershipFactory(user=user, service=service_a, role=Role.KEYWORKER)
    return user


def test_a_manager_reallocates_an_episode_to_another_keyworker(client_as, bob, erin, in_treatment):
    c = client_as(bob)
    assert "Reallocate" in c.get(f"/clients/{in_treatment.referral.client.key}/").content.decode()

    response = c.post(f"/episodes/{in_treatment.pk}/reassign/", {"keyworker": erin.pk})

    assert response.status_code == 302
    in_treatment.refresh_from_db()
    assert in_treatment.keyworker == erin


def test_only_a_manager_of_the_service_reallocates(client_as, alice, erin, in_treatment):
    c = client_as(alice)
    assert (
        "Reallocate" not in c.get(f"/clients/{in_treatment.referral.client.key}/").content.decode()
    )
    assert c.get(f"/episodes/{in_treatment.pk}/reassign/").status_code == 404
    assert (
        c.post(f"/episodes/{in_treatment.pk}/reassign/", {"keyworker": erin.pk}).status_code == 404
    )
    with pytest.raises(ValidationError):
        actions.episode_reassign(episode=in_treatment, keyworker=erin, acting_user=alice)
    in_treatment.refresh_from_db()
    assert in_treatment.keyworker == alice


def test_an_episode_is_reallocated_only_within_its_service(client_as, bob, charlie, in_treatment):
    response = client_as(bob).post(
        f"/episodes/{in_treatment.pk}/reassign/", {"keyworker": charlie.pk}
    )
    assert response.status_code == 422
    assert 'id="id_keyworker_error"' in response.content.decode()
    with pytest.raises(ValidationError):
        actions.episode_reassign(episode=in_treatment, keyworker=charlie, acting_user=bob)
    in_treatment.refresh_from_db()
    assert in_treatment.keyworker.username == "alice"


def test_only_staff_of_the_episodes_service_discharge_it(in_treatment, charlie, bob, signals):
    with pytest.raises(ValidationError, match="a service you work in"):
        discharge(in_treatment, by=charlie)
    in_treatment.refresh_from_db()
    assert in_treatment.is_open
    assert signals == []

    discharge(in_treatment, by=bob)  # the service's manager may
    in_treatment.refresh_from_db()
    assert not in_treatment.is_open
    assert signals == [("ended", in_treatment.pk, True)]
