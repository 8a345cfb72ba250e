import datetime as dt
import time

import pytest
import time_machine
from django.test import Client

from nectos import clock
from security.models import UserSession, session_handle
from security.sessions import SIGNED_IN_AT
from tests.browser.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user, agent: str = "Test browser") -> Client:
    browser = Client(HTTP_USER_AGENT=agent)
    response = browser.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_a_session_row_knows_its_user_address_and_browser(alice):
    browser = signed_in(alice, "Firefox on a ward PC")
    row = UserSession.objects.get(session_key=browser.session.session_key)
    assert row.user == alice
    assert row.ip_address == "127.0.0.1"
    assert row.user_agent == "Firefox on a ward PC"
    assert row.signed_in_at is not None


def test_a_session_ends_after_thirty_minutes_idle(settings):
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request pushes the expiry on


def test_a_request_pushes_the_idle_expiry_on_at_most_once_a_minute(alice):
    start = clock.now()
    with time_machine.travel(start, tick=False):
        browser = signed_in(alice)
        row = UserSession.objects.get(user=alice)
        assert row.expire_date == start + dt.timedelta(seconds=1800)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert browser.get("/").status_code == 200
        # Half a minute on, the row is not rewritten: the expiry stands.
        assert UserSession.objects.get(user=alice).expire_date == row.expire_date
    later = start + dt.timedelta(minutes=25)
    with time_machine.travel(later, tick=False):
        assert browser.get("/").status_code == 200
        touched = UserSession.objects.get(user=alice)
        assert touched.expire_date == later + dt.timedelta(seconds=1800)
        assert touched.last_seen == later
        assert touched.session_data == row.session_data
    with time_machine.travel(later + dt.timedelta(minutes=29), tick=False):
        # Past the first expiry, within the pushed one: still signed in.
        assert browser.get("/").status_code == 200
    with time_machine.travel(later + dt.timedelta(minutes=29 + 31), tick=False):
        assert browser.get("/")["Location"].startswith("/login/")


def test_a_changed_session_is_saved_whole_at_once(alice):
    start = clock.now()
    with time_machine.travel(start, tick=False):
        browser = signed_in(alice)
        before = UserSession.objects.get(user=alice).session_data
    with time_machine.travel(start + dt.timedelta(seconds=5), tick=False):
        session = browser.session
        session["a-test-key"] = "kept"
        session.save()
        assert browser.get("/").status_code == 200
        row = UserSession.objects.get(user=alice)
        assert row.session_data != before
        assert row.get_decoded()["a-test-key"] == "kept"


def test_a_session_ended_elsewhere_is_not_brought_back_by_its_next_request(alice, monkeypatch):
    from security import sessions

    start = clock.now()
    with time_machine.travel(start, tick=False):
        browser = signed_in(alice)
        key = browser.session.session_key
    real_load = sessions.SessionStore.load

    def load_then_end_it(self):
        # The request reads the row; it is deleted before the response saves.
        data = real_load(self)
        UserSession.objects.filter(session_key=key).delete()
        return data

    monkeypatch.setattr(sessions.SessionStore, "load", load_then_end_it)
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=False):
        response = browser.get("/")
    assert response.status_code == 400
    assert not UserSession.objects.filter(session_key=key).exists()


def test_an_idle_session_is_refused_by_the_server(alice):
    browser = signed_in(alice)
    UserSession.objects.filter(user=alice).update(expire_date="2000-01-01T00:00Z")
    assert browser.get("/")["Location"].startswith("/login/")


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(alice, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    browser = signed_in(alice)
    assert browser.get("/").status_code == 200
    session = browser.session
    session[SIGNED_IN_AT] = time.time() - 12 * 3600 - 5
    session.save()

    response = browser.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert not UserSession.objects.filter(user=alice).exists()


def test_a_session_eleven_hours_old_goes_on(alice):
    browser = signed_in(alice)
    session = browser.session
    session[SIGNED_IN_AT] = time.time() - 11 * 3600
    session.save()
    assert browser.get("/").status_code == 200


def test_sign_out_deletes_the_session_on_the_server(alice):
    browser = signed_in(alice)
    key = browser.session.session_key
    browser.post("/logout/")
    assert not UserSession.objects.filter(session_key=key).exists()


def test_deactivation_ends_every_session_of_the_user(alice, bob):
    signed_in(alice)
    signed_in(alice)
    signed_in(bob)
    alice.is_active = False
    alice.save()
    assert not UserSession.objects.filter(user=alice).exists()
    assert UserSession.objects.filter(user=bob).count() == 1


def test_a_deactivated_users_open_browser_is_signed_out(alice):
    browser = signed_in(alice)
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)  # even a bulk update
    assert browser.get("/")["Location"].startswith("/login/")


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(alice):
    here = signed_in(alice, "here")
    there = signed_in(alice, "there")
    response = here.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a different long passphrase 2026",
            "new_password2": "a different long passphrase 2026",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert there.get("/")["Location"].startswith("/login/")
    assert list(UserSession.objects.filter(user=alice).values_list("user_agent", flat=True)) == [
        "here"
    ]


def test_a_weak_new_password_is_refused_next_to_the_field(alice):
    here = signed_in(alice)
    response = here.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "too short" in page or "too common" in page


def test_an_administrators_password_reset_ends_the_users_sessions(alice):
    signed_in(alice)
    alice.set_password("a new long passphrase from the admin")
    alice.save()
    assert not UserSession.objects.filter(user=alice).exists()


def test_a_user_sees_their_own_sessions_and_nobody_elses(alice, bob):
    here = signed_in(alice, "Alice here")
    signed_in(alice, "Alice there")
    signed_in(bob, "Bob's browser")
    response = here.get("/account/")
    assert response.status_code == 200
    agents = [s["user_agent"] for s in response.context["sessions"]]
    assert sorted(agents) == ["Alice here", "Alice there"]
    page = response.content.decode()
    assert "Bob&#x27;s browser" not in page
    # The session key is a bearer secret: the page names sessions by a handle.
    for row in UserSession.objects.filter(user=alice):
        assert row.session_key not in page
        assert row.handle in page or row.session_key == here.session.session_key


def test_a_user_ends_one_of_their_other_sessions(alice):
    here = signed_in(alice, "here")
    there = signed_in(alice, "there")
    handle = session_handle(there.session.session_key)
    response = here.post("/account/sessions/end/", {"session": handle})
    assert response.status_code == 302
    assert there.get("/")["Location"].startswith("/login/")
    assert here.get("/").status_code == 200


def test_a_user_cannot_end_someone_elses_session(alice, bob):
    here = signed_in(alice)
    bobs = signed_in(bob)
    here.post("/account/sessions/end/", {"session": session_handle(bobs.session.session_key)})
    assert bobs.get("/").status_code == 200


def test_a_user_ends_all_their_other_sessions_at_once(alice):
    here = signed_in(alice, "here")
    others = [signed_in(alice, f"other {n}") for n in range(3)]
    here.post("/account/sessions/end/", {"session": "others"})
    assert here.get("/").status_code == 200
    for other in others:
        assert other.get("/")["Location"].startswith("/login/")


def test_the_account_page_runs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    here = signed_in(alice)
    for n in range(5):
        signed_in(alice, f"other {n}")
    # session, user, session list, device, session save, context role
    # lookup, plus savepoints around the session save
    with django_assert_max_num_queries(10):
        assert here.get("/account/").status_code == 200


def test_expired_sessions_leave_the_table_each_night(alice, settings):
    from security.tasks import sessions_clear_expired

    signed_in(alice)
    fresh = signed_in(alice)
    UserSession.objects.exclude(session_key=fresh.session.session_key).update(
        expire_date="2000-01-01T00:00Z"
    )
    sessions_clear_expired.delay()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        fresh.session.session_key
    ]
    assert settings.CELERY_BEAT_SCHEDULE["security-clear-sessions"]["task"] == (
        sessions_clear_expired.name
    )
