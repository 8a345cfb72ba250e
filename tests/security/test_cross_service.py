"""Every URL that names an object, asked for by staff of another service,
answers 404: the same 404 as for an object that does not exist."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.models import Role
from tests.dates import LITERAL_DAY
from tests.factories import MembershipFactory, UserFactory
from tests.security.test_url_matrix import ask, resolve_args
from tests.security.url_matrix import KNOWN_DEFECTS, row_for
from tests.security.urlwalk import url_for, url_patterns

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

# URLs naming an object of a service: a client, an episode, a service code...
# (A commissioner's stored return and an uploaded bundle belong to a person.)
OWNED_BY_A_PERSON = {"quarterly_return", "import_job"}
OBJECT_PATTERNS = [
    p
    for p in url_patterns()
    if (row := row_for(p.name)) is not None and row.objects - OWNED_BY_A_PERSON
]


@pytest.fixture(autouse=True)
def fast_hashing(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(alice, bob, charlie, service_b) -> dict:
    """Clinical staff and the service they work in."""
    manager_b = UserFactory(username="manager_b", full_name="Manager B")
    MembershipFactory(user=manager_b, service=service_b, role=Role.MANAGER)
    return {
        "alice": (alice, "A"),
        "bob": (bob, "A"),
        "charlie": (charlie, "B"),
        "mb": (manager_b, "B"),
    }


@pytest.fixture
def world(service_a, service_b, alice, bob, charlie, dora):
    from tests.security.world import build_world

    return build_world(
        service_a=service_a, service_b=service_b, alice=alice, charlie=charlie, dora=dora, bob=bob
    )


def test_there_are_object_urls_to_try():
    assert len(OBJECT_PATTERNS) >= 10


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pattern=st.sampled_from(OBJECT_PATTERNS),
    who=st.sampled_from(["alice", "bob", "charlie", "mb"]),
    where=st.sampled_from(["A", "B"]),
)
def test_objects_of_another_service_answer_404(world, staff, pattern, who, where):
    row = row_for(pattern.name)
    user, home = staff[who]
    url = url_for(pattern, resolve_args(pattern, row, world[where]))
    if row.query:
        url = f"{url}?{row.query}"
    response = ask(user, row.method, url)
    if pattern.name not in KNOWN_DEFECTS:
        assert response.status_code < 500, f"{row.method.upper()} {url} as {who}"
    if where != home:
        assert response.status_code == 404, (
            f"{row.method.upper()} {url} as {who} (service {home}) answered "
            f"{response.status_code}, not 404"
        )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pattern=st.sampled_from(OBJECT_PATTERNS),
    who=st.sampled_from(["alice", "bob", "charlie", "mb"]),
    missing=st.integers(min_value=10**8, max_value=2**31 - 1),
)
def test_objects_that_do_not_exist_answer_the_same_404(world, staff, pattern, who, missing):
    row = row_for(pattern.name)
    user, _ = staff[who]
    kwargs = resolve_args(pattern, row, world["A"])
    for name, value in kwargs.items():
        if name in row.args and not row.args[name].startswith("="):
            if isinstance(value, uuid.UUID):
                kwargs[name] = uuid.UUID(int=missing)
            elif isinstance(value, int):
                kwargs[name] = missing
            else:
                kwargs[name] = f"X{missing}"
    url = url_for(pattern, kwargs)
    if row.query:
        url = f"{url}?{row.query}"
    assert ask(user, row.method, url).status_code == 404, f"{row.method.upper()} {url}"
