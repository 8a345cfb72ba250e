"""The set-up link page (a new member of staff chooses their own password)
in Chromium: screenshot and axe."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_member_of_staff_sets_their_password_from_the_link(page, live_server, shoot, axe):
    newbie = UserFactory(username="newbie", full_name="New Bie")
    newbie.set_unusable_password()
    newbie.save()
    uid = urlsafe_base64_encode(force_bytes(newbie.pk))
    token = default_token_generator.make_token(newbie)
    page.goto(f"{live_server.url}/account/set-up/{uid}/{token}/")
    page.wait_for_load_state("networkidle")
    axe(page, "set-up link")
    shoot(page, "staff-set-up")
    page.locator("#id_new_password1").fill("a long walk by the river")
    page.locator("#id_new_password2").fill("a long walk by the river")
    page.get_by_role("button", name="Set password").click()
    page.wait_for_load_state("networkidle")
    assert "/login/" in page.url
    newbie.refresh_from_db()
    assert newbie.check_password("a long walk by the river")
