"""The pathway's fixtures; the helpers that build its state are in helpers.py."""

import pytest

from tests.pathway.helpers import assess, register, start


@pytest.fixture
def in_treatment(alice, service_a):
    """A client of service A in treatment with alice."""
    referral = register(alice, service_a)
    assess(referral)
    return start(referral, alice)
