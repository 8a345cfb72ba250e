import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from keywork.actions.groups import (
    RegisterError,
    RegisterRow,
    group_enrol,
    group_register_record,
    group_session_create,
    group_unenrol,
)
from keywork.models import Contact, GroupEnrolment
from tests.factories import EpisodeFactory, ReferralFactory
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def episodes_a(alice, service_a):
    """Three of alice's clients in treatment at A for the last 60 days."""
    return [
        EpisodeFactory(
            referral=ReferralFactory(service=service_a, referral_date=days_ago(70)),
            keyworker=alice,
            start_date=days_ago(60),
        )
        for _ in range(3)
    ]


def session(service, by, **kwargs):
    fields = {
        "session_date": days_ago(0),
        "title": "Relapse prevention group",
        "kind": "group",
        "facilitator": by,
    }
    return group_session_create(service=service, acting_user=by, **(fields | kwargs))


def test_a_session_needs_a_facilitator_of_the_service(service_a, alice, charlie):
    with pytest.raises(ValidationError) as excinfo:
        session(service_a, alice, facilitator=charlie)
    assert "facilitator" in excinfo.value.message_dict


def test_a_keyworker_cannot_run_a_session_for_another_service(service_b, alice):
    with pytest.raises(ValidationError) as excinfo:
        session(service_b, alice)
    assert "service" in excinfo.value.message_dict


@pytest.mark.parametrize("minutes", [0, 721])
def test_a_session_length_is_1_to_720_minutes(service_a, alice, minutes):
    with pytest.raises(ValidationError):
        session(service_a, alice, duration_minutes=minutes)


def test_only_clients_in_treatment_at_the_service_can_be_enrolled(
    service_a, alice, episodes_a, episode_b
):
    s = session(service_a, alice)
    assert group_enrol(session=s, acting_user=alice, episode_ids=[e.pk for e in episodes_a]) == 3
    assert group_enrol(session=s, acting_user=alice, episode_ids=[episodes_a[0].pk]) == 0
    with pytest.raises(ValidationError):
        group_enrol(session=s, acting_user=alice, episode_ids=[episode_b.pk])
    ended = episodes_a[0]
    ended.end_date = days_ago(5)
    ended.discharge_reason_id = "dropped_out"
    ended.save()
    later = session(service_a, alice, title="Another", session_date=days_ago(1))
    with pytest.raises(ValidationError):
        group_enrol(session=later, acting_user=alice, episode_ids=[ended.pk])


def test_the_register_creates_a_contact_for_everyone_at_once(service_a, alice, episodes_a):
    s = session(service_a, alice)
    group_enrol(session=s, acting_user=alice, episode_ids=[e.pk for e in episodes_a])
    e1, e2, e3 = GroupEnrolment.objects.order_by("pk")
    contacts = group_register_record(
        session=s,
        acting_user=alice,
        rows=[
            RegisterRow(e1.pk, "attended", 90),
            RegisterRow(e2.pk, "attended", 60),
            RegisterRow(e3.pk, "dna", None),
        ],
        interventions=["peer_support"],
    )
    assert len(contacts) == 3
    assert Contact.objects.filter(contact_type="group", contact_date=s.session_date).count() == 3
    assert {c.attendance for c in contacts} == {"attended", "dna"}
    assert Contact.objects.filter(interventions="peer_support").count() == 2
    assert not GroupEnrolment.objects.filter(contact__isnull=True).exists()
    s.refresh_from_db()
    assert s.register_taken_by == alice


def test_one_bad_row_saves_nothing_and_names_the_row(service_a, alice, episodes_a):
    s = session(service_a, alice)
    group_enrol(session=s, acting_user=alice, episode_ids=[e.pk for e in episodes_a])
    e1, e2, e3 = GroupEnrolment.objects.order_by("pk")
    with pytest.raises(RegisterError) as excinfo:
        group_register_record(
            session=s,
            acting_user=alice,
            rows=[
                RegisterRow(e1.pk, "attended", 90),
                RegisterRow(e2.pk, "attended", 0),
                RegisterRow(e3.pk, "attended", 90),
            ],
        )
    assert list(excinfo.value.rows) == [e2.pk]
    assert not Contact.objects.exists()
    s.refresh_from_db()
    assert s.register_taken_at is None


def test_the_register_cannot_be_taken_before_the_session(service_a, alice, episodes_a):
    s = session(service_a, alice, session_date=days_ago(-3))
    group_enrol(session=s, acting_user=alice, episode_ids=[episodes_a[0].pk])
    enrolment = GroupEnrolment.objects.get()
    with pytest.raises(RegisterError) as excinfo:
        group_register_record(
            session=s, acting_user=alice, rows=[RegisterRow(enrolment.pk, "attended", 90)]
        )
    assert excinfo.value.general
    assert not Contact.objects.exists()


def test_a_registered_enrolment_cannot_be_removed(service_a, alice, episodes_a):
    s = session(service_a, alice)
    group_enrol(session=s, acting_user=alice, episode_ids=[episodes_a[0].pk])
    enrolment = GroupEnrolment.objects.get()
    group_register_record(
        session=s, acting_user=alice, rows=[RegisterRow(enrolment.pk, "dna", None)]
    )
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError):
        group_unenrol(enrolment=enrolment, acting_user=alice)


def test_a_new_session_of_the_same_title_enrols_the_same_people(service_a, alice, episodes_a):
    first = session(service_a, alice, session_date=days_ago(7))
    group_enrol(session=first, acting_user=alice, episode_ids=[e.pk for e in episodes_a[:2]])
    second = session(service_a, alice)
    assert set(second.enrolments.values_list("episode_id", flat=True)) == {
        episodes_a[0].pk,
        episodes_a[1].pk,
    }


def test_the_register_page_records_everyone_in_one_post(client_as, alice, service_a, episodes_a):
    s = session(service_a, alice)
    group_enrol(session=s, acting_user=alice, episode_ids=[e.pk for e in episodes_a])
    e1, e2, e3 = GroupEnrolment.objects.order_by("pk")
    client = client_as(alice)
    page = client.get(reverse("keywork:group_session", args=[s.pk])).content.decode()
    assert 'data-testid="register-form"' in page
    data = {
        f"att_{e1.pk}": "attended",
        f"min_{e1.pk}": "90",
        f"att_{e2.pk}": "cancelled_by_client",
        f"min_{e2.pk}": "90",  # dropped: only attended contacts have a length
        f"att_{e3.pk}": "attended",
        f"min_{e3.pk}": "721",
    }
    url = reverse("keywork:group_register", args=[s.pk])
    bad = client.post(url, data)
    assert bad.status_code == 422
    assert not Contact.objects.exists()
    data[f"min_{e3.pk}"] = "45"
    good = client.post(url, data)
    assert good.status_code == 302
    assert Contact.objects.count() == 3
    assert Contact.objects.get(episode=e2.episode).duration_minutes is None


def test_the_session_page_runs_a_constant_number_of_queries(
    client_as, alice, service_a, django_assert_max_num_queries
):
    service_a.day_programme_weeks = 12
    service_a.save()
    many = [
        EpisodeFactory(
            referral=ReferralFactory(service=service_a, referral_date=days_ago(70)),
            keyworker=alice,
            start_date=days_ago(60),
        )
        for _ in range(25)
    ]
    s = session(service_a, alice, kind="day_programme", title="Day programme")
    group_enrol(session=s, acting_user=alice, episode_ids=[e.pk for e in many[:20]])
    client = client_as(alice)
    # session, user, clinical check, group session, enrolments (with clients
    # and contacts), programme progress (one aggregate), interventions, top
    # bar (standing), enrollable episodes (checked, then iterated by the
    # widget), and the session save (savepoint, update, release).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("keywork:group_session", args=[s.pk]))
    assert response.status_code == 200
    assert "Not started (programme of 12 weeks)" in response.content.decode()
