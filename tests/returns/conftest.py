"""A small, deterministic pathway across two services for the returns tests."""

import pytest

from tests.factories import (
    UserFactory,
)
from tests.returns.helpers import seed_service


@pytest.fixture
def seeded(service_a, service_b):
    """20 referrals in A, 5 in B, in 2026Q1."""
    seed_service(service_a, 20)
    seed_service(service_b, 5, offset=3)
    return service_a, service_b


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Stored returns go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def eve(service_b):
    """Commissioner of B only."""
    from services.models import Role
    from tests.factories import MembershipFactory

    user = UserFactory(username="eve", full_name="Eve Commissioner")
    MembershipFactory(user=user, service=service_b, role=Role.COMMISSIONER)
    return user


@pytest.fixture
def built_return(dora, seeded, django_capture_on_commit_callbacks):
    """Dora's 2026Q1 return, built through the action and its task."""
    from reporting.returns.actions import quarterly_return_request
    from reporting.returns.quarters import Quarter

    with django_capture_on_commit_callbacks(execute=True):
        qr = quarterly_return_request(commissioner=dora, quarter=Quarter(2026, 1))
    qr.refresh_from_db()
    return qr
