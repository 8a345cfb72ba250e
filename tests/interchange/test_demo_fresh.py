"""generate_demo --fresh removes the demo (its services, their records, its
staff) and nothing else; --if-empty keeps an existing demo and says how to
refresh it."""

import pytest
from django.core.management import call_command

from clients.models import Client, Referral
from interchange.demo_reset import delete_demo_data
from keywork.models import Contact, Episode
from services.models import Membership, Role, Service, User
from tests.factories import ClientFactory, ContactFactory, ReferralFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _demo_like():
    """A demo service (by its code) with a demo keyworker, and a non-demo one."""
    nth = ServiceFactory(code="NTH", name="Northgate Stimulant Service")
    alice = User.objects.create(username="alice", email="alice@demo.invalid")
    Membership.objects.create(user=alice, service=nth, role=Role.KEYWORKER)
    demo_contact = ContactFactory(episode__referral__service=nth, episode__keyworker=alice)
    other = ServiceFactory(code="OTH", name="Another Service")
    kept_contact = ContactFactory(episode__referral__service=other)
    # A client referred to both: their client row and the other referral stay.
    shared = ClientFactory()
    ReferralFactory(client=shared, service=nth)
    kept_referral = ReferralFactory(client=shared, service=other)
    return nth, alice, demo_contact, other, kept_contact, shared, kept_referral


def test_fresh_removes_the_demo_and_keeps_everything_else():
    nth, alice, demo_contact, other, kept_contact, shared, kept_referral = _demo_like()
    kept_keyworker = kept_contact.episode.keyworker

    delete_demo_data()

    assert not Service.objects.filter(pk=nth.pk).exists()
    assert not Contact.objects.filter(pk=demo_contact.pk).exists()
    assert not Episode.objects.filter(pk=demo_contact.episode_id).exists()
    assert not Client.objects.filter(pk=demo_contact.episode.referral.client_id).exists()
    assert not User.objects.filter(pk=alice.pk).exists()
    # The other service's records all survive.
    assert Service.objects.filter(pk=other.pk).exists()
    assert Contact.objects.filter(pk=kept_contact.pk).exists()
    assert User.objects.filter(pk=kept_keyworker.pk).exists()
    assert Client.objects.filter(pk=shared.pk).exists()
    assert list(Referral.objects.filter(client=shared)) == [kept_referral]


def test_staff_with_a_demo_username_but_another_address_are_kept():
    ServiceFactory(code="NTH")
    bob = User.objects.create(username="bob", email="bob@example.org")
    delete_demo_data()
    assert User.objects.filter(pk=bob.pk).exists()


def test_if_empty_keeps_the_demo_and_says_how_to_refresh_it(capsys):
    ServiceFactory(code="NTH")
    call_command("generate_demo", "--if-empty")
    out = capsys.readouterr().out
    assert "reusing it" in out
    assert "generate_demo --fresh" in out
    assert Service.objects.filter(code="NTH").exists()


def test_demo_staff_named_by_a_record_outside_the_demo_are_kept():
    nth, alice, _demo_contact, other, kept_contact, *_ = _demo_like()
    Contact.objects.filter(pk=kept_contact.pk).update(recorded_by=alice)
    delete_demo_data()
    assert User.objects.filter(pk=alice.pk).exists()
    assert not Service.objects.filter(pk=nth.pk).exists()
    assert not Membership.objects.filter(user=alice).exists()
    assert Contact.objects.get(pk=kept_contact.pk).recorded_by == alice
