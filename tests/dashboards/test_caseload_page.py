"""The caseload dashboard: per keyworker today, and who has gone quiet."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.dates import LITERAL_DAY
from tests.factories import ContactFactory, EpisodeFactory, ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

URL = "/dashboards/A/caseload/"


@pytest.fixture
def caseload(service_a, alice):
    today = timezone.localdate()
    quiet = EpisodeFactory(
        referral=ReferralFactory(service=service_a, referral_date=today - dt.timedelta(days=60)),
        keyworker=alice,
        start_date=today - dt.timedelta(days=50),
    )
    ContactFactory(episode=quiet, contact_date=today - dt.timedelta(days=25))
    seen = EpisodeFactory(
        referral=ReferralFactory(service=service_a, referral_date=today - dt.timedelta(days=20)),
        keyworker=alice,
        start_date=today - dt.timedelta(days=10),
    )
    ContactFactory(episode=seen, contact_date=today - dt.timedelta(days=2))
    return quiet


def test_a_manager_sees_each_keyworker_and_who_has_gone_quiet(client_as, bob, caseload):
    response = client_as(bob).get(URL)
    (row,) = response.context["rows"]
    assert (row["name"], row["open_episodes"], row["no_recent_contact"]) == (
        "Alice Keyworker",
        2,
        1,
    )
    assert row["overdue_forms"] == 1  # the quiet episode's day-30 form
    assert [e.pk for e in response.context["quiet"]] == [caseload.pk]
    body = response.content.decode()
    assert f"/clients/{caseload.referral.client.key}/" in body
    assert "measure=caseload%3Ano_recent_contact&amp;keyworker=alice" in body


def test_an_administrator_sees_counts_but_no_client(client_as, admin_user, caseload):
    response = client_as(admin_user).get(URL)
    body = response.content.decode()
    assert response.context["rows"][0]["open_episodes"] == 2
    assert caseload.referral.client.reference not in body
    assert "/records/" not in body


def test_the_page_runs_a_fixed_number_of_queries(
    client_as, bob, caseload, django_assert_num_queries
):
    client = client_as(bob)
    # session, user, bob's memberships (read once: the service's scope and
    # the top bar), the service; caseload: open episodes by keyworker,
    # contacts by keyworker, the keyworkers; the quiet episodes with their
    # clients. The session is not rewritten (its expiry is pushed at most
    # once a minute).
    with django_assert_num_queries(8):
        assert client.get(URL).status_code == 200
