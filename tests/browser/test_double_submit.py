"""A double click sends a form once: the submit button is disabled while
the request is in flight (static/js/nectos.js), and the server would store
one record anyway (the submission key)."""

import pytest

from keywork.models import Contact
from tests.browser.test_keywork import in_treatment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_double_click_logs_one_contact_and_the_button_waits(
    page, live_server, alice, service_a, sign_in, shoot, axe
):
    episode = in_treatment(alice, service_a, "DC")
    sign_in(page, "alice")
    page.goto(f"{live_server.url}/clients/{episode.referral.client.key}/")
    page.get_by_test_id("log-contact").click()
    form = page.get_by_test_id("contact-form")
    form.wait_for()
    page.get_by_label("Motivational interviewing").check()
    seen = []

    def hold(route):
        # While the request is held here, the page shows it is in flight.
        seen.append(
            page.evaluate(
                "() => { const f = document.querySelector(\"[data-testid='contact-form']\");"
                " return [f.querySelector(\"button[type='submit']\").disabled,"
                " f.getAttribute('aria-busy')]; }"
            )
        )
        route.continue_()

    def intercept(route):
        if route.request.method == "POST":
            hold(route)
        else:
            route.continue_()

    page.route("**/contacts/new/**", intercept)
    form.get_by_role("button", name="Save contact").dblclick()
    page.get_by_test_id("contact-logged").wait_for()
    assert seen and seen[0] == [True, "true"], seen
    assert Contact.objects.filter(episode=episode).count() == 1
    axe(page, "contact logged after a double click")
    shoot(page, "double-click-contact-logged")
