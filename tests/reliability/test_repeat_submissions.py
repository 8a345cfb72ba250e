"""Idempotent submissions: a form sent twice (a double click, a resend
after a lost answer) stores one record, and the repeat is answered as the
first post was. The key is the hidden submission_key the page carries."""

import re
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as Browser
from django.urls import reverse

from clients.models import Client, Referral
from contingency.models import CMPlan, VoucherIssue
from keywork.models import Contact
from nectos import clock
from outcomes.models import OutcomeForm
from outcomes.top_models import TreatmentOutcomesProfile
from submissions.models import Submission
from tests.contingency.helpers import make_episode as cm_episode
from tests.contingency.helpers import set_tests, start_plan
from tests.outcomes.helpers import form_post, make_episode
from tests.outcomes.test_redis_outage import contact_post
from tests.outcomes.test_top_views import post_data as top_post
from tests.outcomes.top_support import make_top, top_episode
from tests.pathway.test_register import form as referral_form

pytestmark = pytest.mark.django_db


def key_on(page) -> str:
    """The submission key the page's form carries."""
    found = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page.content.decode())
    assert found, "the form carries no submission_key"
    return found.group(1)


def twice(web, url, data, **headers):
    first = web.post(url, data, headers=headers)
    second = web.post(url, data, headers=headers)
    return first, second


def same_answer(first, second) -> None:
    assert first.status_code == second.status_code
    assert first.get("Location") == second.get("Location")
    assert first.get("HX-Trigger") == second.get("HX-Trigger")


@pytest.mark.parametrize("htmx", [False, True])
def test_a_contact_sent_twice_is_stored_once(client_as, alice, service_a, htmx):
    episode = make_episode(service_a, alice, started_days_ago=10)
    web = client_as(alice)
    url = reverse("keywork:contact_new", args=[episode.pk])
    headers = {"HX-Request": "true"} if htmx else {}
    key = key_on(web.get(url, headers=headers))
    data = {**contact_post(episode.start_date), "submission_key": key}
    first, second = twice(web, url, data, **headers)
    assert first.status_code == (200 if htmx else 302)
    same_answer(first, second)
    assert Contact.objects.filter(episode=episode).count() == 1
    # A new page is a new key: the next contact is stored.
    data["submission_key"] = key_on(web.get(url, headers=headers))
    web.post(url, data, headers=headers)
    assert Contact.objects.filter(episode=episode).count() == 2


def test_a_referral_sent_twice_is_stored_once(client_as, alice, service_a):
    web = client_as(alice)
    key = key_on(web.get("/referrals/new/"))
    data = {**referral_form(service_a), "submission_key": key}
    first, second = twice(web, "/referrals/new/", data)
    assert first.status_code == 302
    same_answer(first, second)
    assert Referral.objects.count() == Client.objects.count() == 1


def test_an_outcome_form_sent_twice_is_stored_once(client_as, alice, service_a):
    episode = make_episode(service_a, alice, started_days_ago=30)
    web = client_as(alice)
    url = reverse("outcomes:form_create", args=[episode.pk])
    key = key_on(web.get(url))
    first, second = twice(web, url, {**form_post(), "submission_key": key})
    # Without the key the repeat met the one-form-per-time-point rule: 400.
    assert first.status_code == 302
    same_answer(first, second)
    assert OutcomeForm.objects.filter(episode=episode).count() == 1


def test_a_refused_post_leaves_its_key_unused(client_as, alice, service_a):
    episode = make_episode(service_a, alice, started_days_ago=10)
    web = client_as(alice)
    url = reverse("keywork:contact_new", args=[episode.pk])
    key = key_on(web.get(url))
    bad = {**contact_post(episode.start_date), "duration_minutes": "-5", "submission_key": key}
    refused = web.post(url, bad)
    assert refused.status_code == 422
    assert key_on(refused) == key  # the corrected form is the same submission
    assert not Submission.objects.exists()
    good = web.post(url, {**bad, "duration_minutes": "30"})
    assert good.status_code == 302
    assert Contact.objects.filter(episode=episode).count() == 1


def test_a_post_without_a_key_is_saved_as_before(client_as, alice, service_a):
    episode = make_episode(service_a, alice, started_days_ago=10)
    url = reverse("keywork:contact_new", args=[episode.pk])
    web = client_as(alice)
    web.post(url, contact_post(episode.start_date))
    web.post(url, contact_post(episode.start_date))
    assert Contact.objects.filter(episode=episode).count() == 2


def test_someone_elses_key_stores_nothing(client_as, alice, bob, service_a):
    episode = make_episode(service_a, alice, started_days_ago=10)
    url = reverse("keywork:contact_new", args=[episode.pk])
    key = key_on(client_as(alice).get(url))
    data = {**contact_post(episode.start_date), "submission_key": key}
    client_as(alice).post(url, data)
    response = client_as(bob).post(url, data)
    assert response.status_code in (403, 404)
    assert Contact.objects.filter(episode=episode).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_once_store_one_contact(alice, service_a):
    """A double click whose two requests overlap: the second waits on the
    key's unique index until the first commits, then answers as it did."""
    episode = make_episode(service_a, alice, started_days_ago=10)
    url = reverse("keywork:contact_new", args=[episode.pk])
    browsers = [Browser(), Browser()]
    for browser in browsers:
        browser.force_login(alice)
    key = key_on(browsers[0].get(url))
    data = {**contact_post(episode.start_date), "submission_key": key}
    answers, start = [], threading.Barrier(2)

    def send(browser):
        try:
            start.wait()
            answers.append(browser.post(url, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 2
    same_answer(*answers)
    assert answers[0].status_code == 302
    assert Contact.objects.filter(episode=episode).count() == 1


def test_a_top_sent_twice_is_stored_once(client_as, alice, service_a):
    episode = top_episode(service_a, alice, started_days_ago=10)
    web = client_as(alice)
    url = reverse("outcomes:top_create", args=[episode.pk])
    key = key_on(web.get(url))
    first, second = twice(web, url, {**top_post(), "submission_key": key})
    # Without the key the repeat met the one-start-TOP rule: 400.
    assert first.status_code == 302
    same_answer(first, second)
    assert TreatmentOutcomesProfile.objects.filter(episode=episode).count() == 1


def test_a_refused_top_leaves_its_key_unused(client_as, alice, service_a):
    episode = top_episode(service_a, alice, started_days_ago=10)
    web = client_as(alice)
    url = reverse("outcomes:top_create", args=[episode.pk])
    key = key_on(web.get(url))
    refused = web.post(url, {**top_post(crack_days_w1="8"), "submission_key": key})
    assert refused.status_code == 400
    assert key_on(refused) == key
    assert not Submission.objects.exists()
    good = web.post(url, {**top_post(), "submission_key": key})
    assert good.status_code == 302
    assert TreatmentOutcomesProfile.objects.filter(episode=episode).count() == 1


def test_someone_elses_top_key_stores_nothing(client_as, alice, bob, service_a):
    episode = top_episode(service_a, alice, started_days_ago=10)
    url = reverse("outcomes:top_create", args=[episode.pk])
    key = key_on(client_as(alice).get(url))
    assert client_as(alice).post(url, {**top_post(), "submission_key": key}).status_code == 302
    # Bob's own review TOP, sent with Alice's key.
    data = {**top_post(stage="review"), "submission_key": key}
    response = client_as(bob).post(url, data)
    assert response.status_code == 403
    assert TreatmentOutcomesProfile.objects.filter(episode=episode).count() == 1


def test_the_edit_page_carries_no_key(client_as, alice, service_a):
    episode = top_episode(service_a, alice, started_days_ago=10)
    top = make_top(episode, "start", episode.start_date)
    response = client_as(alice).get(reverse("outcomes:top_edit", args=[top.pk]))
    assert response.status_code == 200
    assert b'name="crack_days_w1"' in response.content
    assert b"submission_key" not in response.content


@pytest.fixture
def cm_plan(alice, service_a):
    episode = cm_episode(service_a, alice)
    plan = start_plan(episode, alice, days_ago=7)
    set_tests(plan, (0, "negative"), (2, "negative"), (4, ""))
    return plan


def test_a_plan_start_sent_twice_starts_one_plan(client_as, alice, service_a):
    episode = cm_episode(service_a, alice)
    web = client_as(alice)
    url = reverse("contingency:plan_start", args=[episode.pk])
    key = key_on(web.get(url))
    data = {
        "start_date": clock.today().isoformat(),
        "weeks": "12",
        "voucher_base": "2.00",
        "voucher_step": "1.00",
        "voucher_max": "10.00",
        "submission_key": key,
    }
    first, second = twice(web, url, data)
    # Without the key the repeat met the one-open-plan rule: 400.
    assert first.status_code == 302
    same_answer(first, second)
    assert CMPlan.objects.filter(episode=episode).count() == 1


def test_vouchers_sent_twice_are_issued_once(client_as, alice, cm_plan):
    web = client_as(alice)
    url = reverse("contingency:vouchers", args=[cm_plan.pk])
    key = key_on(web.get(url))
    data = {"amount": "2.00", "issued_date": clock.today().isoformat(), "submission_key": key}
    # The balance (5.00 earned) would allow the second issue without the key.
    first, second = twice(web, url, data)
    assert first.status_code == 302
    same_answer(first, second)
    assert list(VoucherIssue.objects.values_list("amount", flat=True)) == [Decimal("2.00")]


def test_a_refused_voucher_issue_leaves_its_key_unused(client_as, alice, cm_plan):
    web = client_as(alice)
    url = reverse("contingency:vouchers", args=[cm_plan.pk])
    key = key_on(web.get(url))
    data = {"amount": "9.00", "issued_date": clock.today().isoformat(), "submission_key": key}
    refused = web.post(url, data)
    assert refused.status_code == 400
    assert b"That is more than the balance" in refused.content
    assert not Submission.objects.exists()
    assert web.post(url, {**data, "amount": "5.00"}).status_code == 302
    assert list(VoucherIssue.objects.values_list("amount", flat=True)) == [Decimal("5.00")]


def test_someone_elses_voucher_key_issues_nothing(client_as, alice, bob, cm_plan):
    url = reverse("contingency:vouchers", args=[cm_plan.pk])
    key = key_on(client_as(alice).get(url))
    data = {"amount": "2.00", "issued_date": clock.today().isoformat(), "submission_key": key}
    assert client_as(alice).post(url, data).status_code == 302
    response = client_as(bob).post(url, {**data, "amount": "1.00"})
    assert response.status_code == 403
    assert list(VoucherIssue.objects.values_list("amount", flat=True)) == [Decimal("2.00")]


def test_a_drug_test_result_sent_again_undoes_no_correction(client_as, alice, cm_plan):
    """A resend that arrives after someone corrected the result (a dropped
    answer resent later) leaves the correction: it is answered, not saved."""
    test = cm_plan.tests.get(result="")
    web = client_as(alice)
    url = reverse("contingency:test_record", args=[test.pk])
    day = test.scheduled_date.isoformat()
    sent = {"result": "negative", "sample": "urine", "tested_date": day}
    sent["submission_key"] = key_on(web.get(url))
    first = web.post(url, sent)
    assert first.status_code == 302
    correction = {**sent, "result": "refused", "submission_key": key_on(web.get(url))}
    assert web.post(url, correction).status_code == 302
    again = web.post(url, sent)
    same_answer(first, again)
    test.refresh_from_db()
    assert test.result == "refused"
    assert Submission.objects.filter(kind="drug_test_result").count() == 2
