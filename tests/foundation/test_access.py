import pytest

from clients.models import Client
from services.models import Service
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def test_services_are_scoped_to_memberships(alice, charlie, dora, admin_user, service_a, service_b):
    assert list(Service.objects.visible_to(alice)) == [service_a]
    assert list(Service.objects.visible_to(charlie)) == [service_b]
    assert set(Service.objects.visible_to(dora)) == {service_a, service_b}
    assert set(Service.objects.visible_to(admin_user)) == {service_a, service_b}


def test_commissioners_have_no_clinical_services(dora):
    assert not Service.objects.clinical_for(dora).exists()
    assert Service.objects.commissioned_by(dora).count() == 2


def test_clients_are_visible_only_within_the_users_clinical_services(
    alice, bob, charlie, dora, admin_user, service_a, service_b
):
    in_a = ReferralFactory(service=service_a).client
    in_b = ReferralFactory(service=service_b).client

    assert list(Client.objects.visible_to(alice)) == [in_a]
    assert list(Client.objects.visible_to(bob)) == [in_a]
    assert list(Client.objects.visible_to(charlie)) == [in_b]
    # Need to know: commissioners and administrators see no client rows.
    assert not Client.objects.visible_to(dora).exists()
    assert not Client.objects.visible_to(admin_user).exists()


def test_a_client_referred_to_two_services_is_visible_in_both(alice, charlie, service_a, service_b):
    referral = ReferralFactory(service=service_a)
    ReferralFactory(service=service_b, client=referral.client)
    assert list(Client.objects.visible_to(alice)) == [referral.client]
    assert list(Client.objects.visible_to(charlie)) == [referral.client]
