"""Personas shared by every test: alice (keyworker, A), bob (manager, A),
charlie (keyworker, B), dora (commissioner of A and B), and an administrator."""

import pytest

from services.models import Role
from tests.factories import MembershipFactory, ServiceFactory, UserFactory


@pytest.fixture
def service_a(db):
    return ServiceFactory(code="A", name="Service A", tier=3)


@pytest.fixture
def service_b(db):
    return ServiceFactory(code="B", name="Service B", tier=3)


def _member(username, service, role, full_name):
    user = UserFactory(username=username, full_name=full_name)
    MembershipFactory(user=user, service=service, role=role)
    return user


@pytest.fixture
def alice(service_a):
    return _member("alice", service_a, Role.KEYWORKER, "Alice Keyworker")


@pytest.fixture
def bob(service_a):
    return _member("bob", service_a, Role.MANAGER, "Bob Manager")


@pytest.fixture
def charlie(service_b):
    return _member("charlie", service_b, Role.KEYWORKER, "Charlie Keyworker")


@pytest.fixture
def dora(service_a, service_b):
    user = _member("dora", service_a, Role.COMMISSIONER, "Dora Commissioner")
    MembershipFactory(user=user, service=service_b, role=Role.COMMISSIONER)
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def client_as(client):
    """Log the Django test client in as a persona: client_as(alice)."""

    def login(user):
        client.force_login(user)
        return client

    return login


def seed_all_code_lists() -> None:
    from django.apps import apps

    from clients.code_lists import seed_code_lists as seed_clients
    from clients.review_codes import seed_review_code_lists
    from keywork.code_lists import seed_code_lists as seed_keywork

    seed_clients(apps.get_model)
    seed_keywork(apps.get_model)
    seed_review_code_lists(apps.get_model)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # A transactional test flushes the tables, seeded code lists included;
    # with --reuse-db that would outlive the run. Put them back.
    with django_db_blocker.unblock():
        seed_all_code_lists()
