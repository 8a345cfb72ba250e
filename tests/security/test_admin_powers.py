"""An administrator configures; they do not work with clients and cannot
become someone else: no clinical membership (a form rule and a database
rule), no setting another person's password (a set-up link instead), and
every membership or role change in history and emailed to the service's
managers."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from services.models import Membership, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def membership_inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data |= {f"{prefix}-{i}-{k}": v for k, v in row.items()}
    return data


def change_form(user, memberships: list[dict]) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        **membership_inline("memberships", memberships),
    }


def test_an_administrator_cannot_give_themselves_a_clinical_membership(
    client_as, admin_user, service_a
):
    url = reverse("admin:services_user_change", args=[admin_user.pk])
    data = change_form(admin_user, [{"service": service_a.pk, "role": Role.KEYWORKER}])
    response = client_as(admin_user).post(url, data)
    assert response.status_code == 200
    assert "holds no clinical membership" in response.content.decode()
    assert not Membership.objects.filter(user=admin_user).exists()


def test_the_service_admin_refuses_an_administrator_as_clinician(client_as, admin_user, service_a):
    url = reverse("admin:services_service_change", args=[service_a.pk])
    data = {
        "code": service_a.code,
        "name": service_a.name,
        "tier": service_a.tier,
        **membership_inline("memberships", [{"user": admin_user.pk, "role": Role.MANAGER}]),
    }
    response = client_as(admin_user).post(url, data)
    assert "holds no clinical membership" in response.content.decode()
    assert not Membership.objects.filter(user=admin_user).exists()


def test_the_database_refuses_an_administrator_with_a_clinical_membership(
    admin_user, alice, service_a
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=admin_user, service=service_a, role=Role.MANAGER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=alice.pk).update(is_superuser=True)
    # A commissioner's membership is not clinical: allowed.
    Membership.objects.create(user=admin_user, service=service_a, role=Role.COMMISSIONER)


def test_a_membership_change_is_in_history_and_emailed_to_the_services_managers(
    client_as, admin_user, bob, service_a, django_capture_on_commit_callbacks
):
    from services.models import MembershipEvent

    bob.email = "bob@example.invalid"
    bob.save()
    newcomer = UserFactory(username="newcomer", full_name="New Comer")
    url = reverse("admin:services_user_change", args=[newcomer.pk])
    data = change_form(newcomer, [{"service": service_a.pk, "role": Role.MANAGER}])
    del data["is_superuser"], data["is_staff"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(admin_user).post(url, data)
    assert response.status_code == 302
    event = MembershipEvent.objects.get(user=newcomer)
    assert (event.pgh_label, event.role) == ("insert", Role.MANAGER)
    assert event.pgh_context.metadata["user"] == admin_user.pk
    assert [m.to for m in mail.outbox] == [["bob@example.invalid"]]
    assert "New Comer: given the role Service manager in Service A" in mail.outbox[0].body


def test_a_role_change_and_a_removal_are_emailed_too(
    bob, alice, service_a, django_capture_on_commit_callbacks
):
    bob.email = "bob@example.invalid"
    bob.save()
    membership = alice.memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        membership.role = Role.COMMISSIONER
        membership.save()
        membership.delete()
    bodies = [m.body for m in mail.outbox]
    assert any("role changed from Keyworker to Commissioner" in b for b in bodies)
    assert any("no longer Commissioner" in b for b in bodies)


def test_an_administrator_cannot_set_another_users_password(client_as, admin_user, alice):
    browser = client_as(admin_user)
    before = User.objects.get(pk=alice.pk).password
    # Django's own page for it is not there.
    url = f"/admin/services/user/{alice.pk}/password/"
    for path in (url, url + "change/"):
        response = browser.post(
            path, {"password1": "Takeover-2026!x", "password2": "Takeover-2026!x"}, follow=True
        )
        assert 'name="password1"' not in response.content.decode()
        assert User.objects.get(pk=alice.pk).password == before
    # The change form carries no password field either.
    change = reverse("admin:services_user_change", args=[alice.pk])
    data = change_form(alice, []) | {"password": "md5$x$y"}
    del data["is_superuser"], data["is_staff"]
    browser.post(change, data)
    assert User.objects.get(pk=alice.pk).password == before


def test_a_new_user_sets_their_own_password_from_a_set_up_link(client_as, admin_user, client):
    browser = client_as(admin_user)
    response = browser.post(
        reverse("admin:services_user_add"),
        {"username": "newbie", "full_name": "New Bie", "email": "newbie@example.invalid"}
        | membership_inline("memberships", []),
    )
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert not newbie.has_usable_password()
    response = browser.post(
        reverse("admin:services_user_changelist"),
        {"action": "send_set_up_link", "_selected_action": [newbie.pk]},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["newbie@example.invalid"]
    link = next(word for word in message.body.split() if "/account/set-up/" in word)
    path = link.split("://", 1)[1].partition("/")[2]
    browser.logout()
    answer = browser.get("/" + path, follow=True)
    assert answer.status_code == 200
    form_url = answer.redirect_chain[-1][0] if answer.redirect_chain else "/" + path
    done = browser.post(
        form_url,
        {"new_password1": "a long walk by the river", "new_password2": "a long walk by the river"},
    )
    assert done.status_code == 302
    newbie.refresh_from_db()
    assert newbie.check_password("a long walk by the river")
    # The link works once.
    assert "no longer valid" in browser.get("/" + path, follow=True).content.decode()


def test_staff_with_a_clinical_role_cannot_be_made_administrators_in_the_admin(
    client_as, admin_user, alice, service_a
):
    url = reverse("admin:services_user_change", args=[alice.pk])
    membership = alice.memberships.get()
    data = change_form(alice, [])
    data |= {
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": membership.pk,
        "memberships-0-user": alice.pk,
        "memberships-0-service": service_a.pk,
        "memberships-0-role": Role.KEYWORKER,
    }
    response = client_as(admin_user).post(url, data)
    assert response.status_code == 200
    assert not User.objects.get(pk=alice.pk).is_superuser


def test_a_staff_import_cannot_make_a_clinician_an_administrator(
    admin_user, alice, tmp_path, settings
):
    from interchange.importing import import_bundle
    from tests.interchange.helpers import write_bundle

    settings.MEDIA_ROOT = tmp_path
    folder = write_bundle(
        tmp_path / "bundle",
        {
            "services.csv": [["A", "Service A", "3", "no", ""]],
            "staff.csv": [["alice", "Alice Keyworker", "", "admin", ""]],
        },
    )
    report = import_bundle(folder)
    assert [p.reason for p in report.problems] == ["an administrator holds no clinical membership"]
    assert not User.objects.get(pk=alice.pk).is_superuser
