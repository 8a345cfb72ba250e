import pytest

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("alice", "Your caseload"),
        ("bob", "Service overview"),
        ("dora", "Commissioned services"),
        ("admin_user", "Administration"),
    ],
)
def test_each_role_gets_its_own_home(client_as, request, persona, heading):
    user = request.getfixturevalue(persona)
    response = client_as(user).get("/")
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_the_top_bar_names_user_role_and_service(client_as, alice):
    body = client_as(alice).get("/").content.decode()
    assert "Alice Keyworker" in body
    assert "Keyworker" in body
    assert "Service A" in body


def test_a_user_without_a_role_is_told_so(client_as, db):
    from tests.factories import UserFactory

    body = client_as(UserFactory(username="nobody")).get("/").content.decode()
    assert "No role yet" in body


def test_only_administrators_reach_the_admin(client_as, alice, bob, dora, admin_user):
    for user in (alice, bob, dora):
        response = client_as(user).get("/admin/")
        assert response.status_code == 302, user.username
        assert "/admin/login/" in response["Location"]
    assert client_as(admin_user).get("/admin/").status_code == 200


def test_sign_out_is_a_post_and_ends_the_session(client_as, alice):
    client = client_as(alice)
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert client.get("/").status_code == 302
