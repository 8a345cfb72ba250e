"""The daily digest: how many forms are due and overdue, a link to the
caseload, and nothing that identifies a client."""

import pytest
from django.core import mail

from outcomes import tasks
from outcomes.actions import digest_send, followups_sweep
from outcomes.models import DigestSent
from tests.factories import UserFactory
from tests.outcomes.helpers import make_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_caseload(alice, service_a, today):
    alice.email = "alice@example.org"
    alice.save()
    episodes = [
        make_episode(service_a, alice, started_days_ago=n, **extra)
        for n, extra in [
            (25, {}),
            (30, {}),
            (40, {}),
            (10, {}),
        ]
    ]
    # Things an email must never carry, made distinctive.
    client = episodes[0].referral.client
    client.initials = "QZ"
    client.preferred_name = "Zebedee"
    client.save()
    followups_sweep(as_of=today)
    return episodes


def test_it_counts_due_and_overdue_and_links_to_the_caseload(alices_caseload, alice, today):
    digest_send(user=alice, day=today)
    (email,) = mail.outbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "NECTOS: 2 outcome forms due, 1 overdue"
    assert "- 2 outcome forms due" in email.body
    assert "- 1 outcome form overdue" in email.body
    assert "http://127.0.0.1:8000/" in email.body


def test_it_names_no_client(alices_caseload, alice, today):
    digest_send(user=alice, day=today)
    (email,) = mail.outbox
    text = email.subject + email.body + "".join(str(a) for a in email.alternatives)
    for episode in alices_caseload:
        client = episode.referral.client
        for secret in (
            client.initials,
            client.reference,
            episode.referral.reference,
            episode.reference,
            client.date_of_birth.isoformat(),
            client.date_of_birth.strftime("%d/%m/%Y"),
            client.date_of_birth.strftime("%-d %B %Y"),
            str(client.key),
        ):
            assert secret not in text, secret
    assert "Zebedee" not in text


def test_it_goes_once_a_day(alices_caseload, alice, today):
    assert digest_send(user=alice, day=today) is not None
    assert digest_send(user=alice, day=today) is None
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get().due == 2


def test_nobody_with_nothing_due_gets_one(service_a, today):
    erin = UserFactory(username="erin", email="erin@example.org")
    make_episode(service_a, erin, started_days_ago=5)
    followups_sweep(as_of=today)
    assert digest_send(user=erin, day=today) is None
    assert mail.outbox == []


def test_the_daily_task_sweeps_and_sends_each_keyworker_one_digest(
    alices_caseload, charlie, service_b, today
):
    charlie.email = "charlie@example.org"
    charlie.save()
    make_episode(service_b, charlie, started_days_ago=50)
    tasks.daily_followups.delay()  # eager in tests: runs here
    tasks.daily_followups.delay()
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "charlie@example.org"]


def test_a_failed_send_is_retried_not_recorded(alices_caseload, alice, today, settings):
    settings.EMAIL_BACKEND = "tests.outcomes.test_digest.FailingBackend"
    with pytest.raises(OSError):
        digest_send(user=alice, day=today)
    assert not DigestSent.objects.exists()


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("SMTP server unreachable")
