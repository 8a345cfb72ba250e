import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from keywork.actions.dropin import (
    drop_in_anonymous_add,
    drop_in_attendance_add,
    drop_in_session_create,
)
from keywork.models import DropInAttendance, DropInSession
from tests.factories import ClientFactory, ReferralFactory
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def drop_in_a(service_a):
    service_a.open_access_drop_in = True
    service_a.save()
    return service_a


def test_only_a_service_with_a_drop_in_records_sessions(service_a, alice):
    with pytest.raises(ValidationError) as excinfo:
        drop_in_session_create(service=service_a, acting_user=alice, session_date=days_ago(0))
    assert "does not run an open-access drop-in" in excinfo.value.message_dict["service"][0]


def test_a_session_is_not_recorded_ahead(drop_in_a, alice):
    with pytest.raises(ValidationError):
        drop_in_session_create(service=drop_in_a, acting_user=alice, session_date=days_ago(-1))


def test_anonymous_visitors_are_counted_and_never_below_zero(drop_in_a, alice):
    session = drop_in_session_create(service=drop_in_a, acting_user=alice, session_date=days_ago(0))
    assert drop_in_anonymous_add(session=session, acting_user=alice, delta=1) == 1
    assert drop_in_anonymous_add(session=session, acting_user=alice, delta=1) == 2
    assert drop_in_anonymous_add(session=session, acting_user=alice, delta=-1) == 1
    assert drop_in_anonymous_add(session=session, acting_user=alice, delta=-1) == 0
    assert drop_in_anonymous_add(session=session, acting_user=alice, delta=-1) == 0
    with pytest.raises(ValidationError):
        drop_in_anonymous_add(session=session, acting_user=alice, delta=5)


def test_only_a_client_of_the_service_can_be_named(drop_in_a, service_b, alice):
    session = drop_in_session_create(service=drop_in_a, acting_user=alice, session_date=days_ago(0))
    ours = ReferralFactory(service=drop_in_a).client
    theirs = ReferralFactory(service=service_b).client
    drop_in_attendance_add(session=session, acting_user=alice, client=ours)
    with pytest.raises(ValidationError):
        drop_in_attendance_add(session=session, acting_user=alice, client=ours)
    with pytest.raises(ValidationError):
        drop_in_attendance_add(session=session, acting_user=alice, client=theirs)
    assert DropInAttendance.objects.count() == 1


def test_the_counter_counts_in_place(client_as, alice, drop_in_a):
    session = drop_in_session_create(
        service=drop_in_a, acting_user=alice, session_date=days_ago(0), anonymous_count=4
    )
    client = client_as(alice)
    url = reverse("keywork:drop_in_count", args=[session.pk])
    response = client.post(url, {"delta": "1"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert re.search(r'data-testid="anonymous-count">5</output>', body)
    assert client.post(url, {"delta": "x"}, **HTMX).status_code == 422
    assert client.post(url, {"anonymous_count": "12"}).status_code == 302
    assert client.post(url, {"anonymous_count": "-2"}).status_code == 422
    session.refresh_from_db()
    assert session.anonymous_count == 12


def test_a_named_client_is_found_by_a_post_and_recorded(client_as, alice, drop_in_a, service_b):
    session = drop_in_session_create(service=drop_in_a, acting_user=alice, session_date=days_ago(0))
    ours = ReferralFactory(service=drop_in_a, client=ClientFactory(initials="QX")).client
    client = client_as(alice)
    found = client.post(reverse("keywork:drop_in_find", args=[session.pk]), {"q": "QX"})
    assert str(ours.key) in found.content.decode()
    response = client.post(
        reverse("keywork:drop_in_attend", args=[session.pk]), {"client": str(ours.key)}
    )
    assert response.status_code == 302
    page = client.get(reverse("keywork:drop_in_session", args=[session.pk])).content.decode()
    assert "1 named, 0 anonymous" in page


def test_the_session_list_totals_named_and_anonymous(client_as, alice, drop_in_a):
    session = drop_in_session_create(
        service=drop_in_a, acting_user=alice, session_date=days_ago(0), anonymous_count=7
    )
    drop_in_attendance_add(
        session=session, acting_user=alice, client=ReferralFactory(service=drop_in_a).client
    )
    body = client_as(alice).get(reverse("keywork:drop_in_sessions")).content.decode()
    cells = re.findall(r'<td class="text-end">(\d+)</td>', body)
    assert cells == ["1", "7", "8"]


def test_a_session_is_created_from_the_list_page(client_as, alice, drop_in_a):
    client = client_as(alice)
    url = reverse("keywork:drop_in_sessions")
    bad = client.post(
        url,
        {"service": drop_in_a.pk, "session_date": days_ago(-1).isoformat(), "anonymous_count": "0"},
    )
    assert bad.status_code == 422
    good = client.post(
        url,
        {"service": drop_in_a.pk, "session_date": days_ago(0).isoformat(), "anonymous_count": "3"},
    )
    assert good.status_code == 302
    assert DropInSession.objects.get().anonymous_count == 3


def test_the_drop_in_pages_run_a_constant_number_of_queries(
    client_as, alice, drop_in_a, django_assert_max_num_queries
):
    for n in range(30):
        session = drop_in_session_create(
            service=drop_in_a, acting_user=alice, session_date=days_ago(n)
        )
    for _ in range(30):
        drop_in_attendance_add(
            session=session, acting_user=alice, client=ReferralFactory(service=drop_in_a).client
        )
    client = client_as(alice)
    # session, user, clinical check, count, top bar (standing), page of
    # sessions with named counts, services for the form (checked, then
    # iterated by the widget twice), and the session save (savepoint,
    # update, release).
    with django_assert_max_num_queries(12):
        assert client.get(reverse("keywork:drop_in_sessions")).status_code == 200
    # session, user, clinical check, drop-in session, attendances, top bar
    # (standing), session save (savepoint, update, release).
    with django_assert_max_num_queries(9):
        assert client.get(reverse("keywork:drop_in_session", args=[session.pk])).status_code == 200


@pytest.mark.parametrize("key", ["", "not-a-uuid"])
def test_naming_no_client_is_refused_with_a_message(client_as, alice, drop_in_a, key):
    session = drop_in_session_create(service=drop_in_a, acting_user=alice, session_date=days_ago(0))
    url = reverse("keywork:drop_in_attend", args=[session.pk])
    response = client_as(alice).post(url, {"client": key}, follow=True)
    assert "Choose a client from the search results" in response.content.decode()
    assert not DropInAttendance.objects.exists()


def test_naming_a_client_of_another_service_is_a_404(client_as, alice, drop_in_a, service_b):
    session = drop_in_session_create(service=drop_in_a, acting_user=alice, session_date=days_ago(0))
    theirs = ReferralFactory(service=service_b).client
    url = reverse("keywork:drop_in_attend", args=[session.pk])
    assert client_as(alice).post(url, {"client": str(theirs.key)}).status_code == 404
    assert not DropInAttendance.objects.exists()
