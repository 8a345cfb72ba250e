"""The CM screens: scoped access, one access event per one-client page,
recording a test, issuing vouchers, the record strip and the caseload badge."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from clients.models import AccessEvent
from contingency.models import CMPlan, DrugTest, VoucherIssue
from nectos import clock
from tests.contingency.helpers import set_tests, start_plan

pytestmark = pytest.mark.django_db


def cm_urls(plan) -> dict[str, str]:
    test = plan.tests.first()
    return {
        "plan_start": reverse("contingency:plan_start", args=[plan.episode_id]),
        "plan": reverse("contingency:plan", args=[plan.pk]),
        "plan_schedule": reverse("contingency:plan_schedule", args=[plan.pk]),
        "plan_close": reverse("contingency:plan_close", args=[plan.pk]),
        "vouchers": reverse("contingency:vouchers", args=[plan.pk]),
        "test_record": reverse("contingency:test_record", args=[test.pk]),
        "test_move": reverse("contingency:test_move", args=[test.pk]),
    }


def test_every_cm_url_is_404_for_a_keyworker_of_another_service(client_as, charlie, plan_a):
    c = client_as(charlie)
    for name, url in cm_urls(plan_a).items():
        assert c.get(url).status_code == 404, name
        assert c.post(url, {"result": "negative", "amount": "1"}).status_code == 404, name
    assert not AccessEvent.objects.exists()
    assert not VoucherIssue.objects.exists()
    assert not DrugTest.objects.exclude(result="").exists()


def test_every_cm_url_is_404_for_a_commissioner(client_as, dora, plan_a):
    c = client_as(dora)
    for name, url in {**cm_urls(plan_a), "today": reverse("contingency:today")}.items():
        assert c.get(url).status_code == 404, name


def test_todays_tests_list_only_the_users_services(
    on_a_wednesday, client_as, alice, charlie, plan_a, plan_b
):
    response = client_as(charlie).get(reverse("contingency:today"))
    assert response.status_code == 200
    body = response.content.decode()
    assert plan_b.episode.referral.client.reference in body
    assert plan_a.episode.referral.client.reference not in body


def test_each_one_client_page_writes_one_access_event(client_as, alice, plan_a):
    c = client_as(alice)
    for name, url in cm_urls(plan_a).items():
        if name in ("plan_schedule", "plan_close"):
            continue
        before = AccessEvent.objects.count()
        assert c.get(url).status_code in (200, 302), name
        assert AccessEvent.objects.count() == before + 1, name


def test_starting_a_plan_from_the_form(client_as, alice, episode_a):
    url = reverse("contingency:plan_start", args=[episode_a.pk])
    response = client_as(alice).post(
        url,
        {
            "start_date": clock.today().isoformat(),
            "weeks": "12",
            "voucher_base": "2.00",
            "voucher_step": "1.00",
            "voucher_max": "10.00",
        },
    )
    plan = CMPlan.objects.get(episode=episode_a)
    assert response.status_code == 302
    assert plan.tests.count() == 21


def test_a_bad_plan_is_400_with_the_message_by_the_field(client_as, alice, episode_a):
    url = reverse("contingency:plan_start", args=[episode_a.pk])
    response = client_as(alice).post(
        url,
        {
            "start_date": (episode_a.start_date - dt.timedelta(days=1)).isoformat(),
            "weeks": "12",
            "voucher_base": "5",
            "voucher_step": "1",
            "voucher_max": "4",
        },
    )
    assert response.status_code == 400
    assert "before the episode started" in response.content.decode()
    assert "The maximum cannot be below the first voucher" in response.content.decode()
    assert not CMPlan.objects.exists()


def test_recording_a_negative_says_what_it_earned(client_as, alice, episode_a):
    plan = start_plan(episode_a, alice, days_ago=3)
    tests = set_tests(plan, (0, "negative"), (1, "negative"), (2, "negative"), (3, ""))
    url = reverse("contingency:test_record", args=[tests[3].pk])
    c = client_as(alice)
    form = c.get(url).content.decode()
    assert "autofocus" in form and 'value="urine" selected' in form
    response = c.post(
        url,
        {"result": "negative", "sample": "urine", "tested_date": clock.today().isoformat()},
        follow=True,
    )
    assert "£5.00, 4 negatives in a row" in response.content.decode()


def test_a_bad_result_is_400_and_saves_nothing(client_as, alice, plan_a):
    test = plan_a.tests.first()
    url = reverse("contingency:test_record", args=[test.pk])
    response = client_as(alice).post(
        url, {"result": "positive", "sample": "urine", "tested_date": clock.today().isoformat()}
    )
    assert response.status_code == 400
    assert "Choose the substances" in response.content.decode()
    assert DrugTest.objects.get(pk=test.pk).result == ""


def test_issuing_vouchers_shows_the_balance_and_refuses_more(client_as, alice, episode_a):
    plan = start_plan(episode_a, alice, days_ago=3)
    set_tests(plan, (0, "negative"), (1, "negative"))
    url = reverse("contingency:vouchers", args=[plan.pk])
    c = client_as(alice)
    assert "balance £5.00" in c.get(url).content.decode()
    today = clock.today().isoformat()
    too_much = c.post(url, {"amount": "6.00", "issued_date": today})
    assert too_much.status_code == 400
    assert "more than the balance: £5.00" in too_much.content.decode()
    assert c.post(url, {"amount": "4.00", "issued_date": today}).status_code == 302
    assert "balance £1.00" in c.get(url).content.decode()
    assert VoucherIssue.objects.get().amount == Decimal("4.00")


def test_the_record_shows_the_strip_the_run_and_the_next_voucher(client_as, alice, episode_a):
    plan = start_plan(episode_a, alice, days_ago=3)
    set_tests(plan, (0, "positive"), (1, "negative"), (2, "negative"), (3, ""), (8, ""))
    page = client_as(alice).get(reverse("keywork:record", args=[episode_a.referral.client.key]))
    body = page.content.decode()
    assert 'data-testid="cm-strip"' in body
    assert body.count("cm-test cm-") == 5
    assert "<strong>2</strong> negatives in a row" in body
    assert "£4.00" in body  # the next voucher: 2 + 1 x 2
    assert 'data-testid="cm-record-today"' in body


def test_the_caseload_badge_when_a_test_is_due_today(client_as, alice, episode_a):
    plan = start_plan(episode_a, alice, days_ago=3)
    set_tests(plan, (0, "negative"), (3, ""))
    body = client_as(alice).get(reverse("keywork:caseload")).content.decode()
    assert 'data-testid="cm-due-badge"' in body
    set_tests(plan, (0, "negative"), (4, ""))
    body = client_as(alice).get(reverse("keywork:caseload")).content.decode()
    assert 'data-testid="cm-due-badge"' not in body


def test_the_plan_page_runs_the_same_queries_whatever_the_plan_size(
    client_as, alice, episode_a, django_assert_max_num_queries
):
    plan = start_plan(episode_a, alice, days_ago=20, weeks=52)
    c = client_as(alice)
    url = reverse("contingency:plan", args=[plan.pk])
    # Session, user; the plan with its episode, client, service, keyworker;
    # the access event (acting membership, insert); tests; vouchers; the top
    # bar's memberships; session save (savepoint, update, release).
    with django_assert_max_num_queries(12):
        assert c.get(url).status_code == 200


def test_todays_list_runs_one_query_for_its_tests(
    client_as, alice, bob, service_a, django_assert_max_num_queries
):
    from tests.contingency.helpers import make_episode

    for _ in range(5):
        plan = start_plan(make_episode(service_a, alice), alice, days_ago=1)
        set_tests(plan, (1, ""))
    c = client_as(alice)
    # Session, user, clinical check; the day's tests; the top bar's
    # memberships; session save (3).
    with django_assert_max_num_queries(8):
        body = c.get(reverse("contingency:today")).content.decode()
    assert body.count("to record") == 5


def test_the_record_runs_the_same_queries_whatever_the_plan_size(
    client_as, alice, service_a, django_assert_max_num_queries
):
    from tests.contingency.helpers import make_episode

    c = client_as(alice)
    small_episode = make_episode(service_a, alice)
    start_plan(small_episode, alice, weeks=1)
    big_episode = make_episode(service_a, alice)
    big = start_plan(big_episode, alice, days_ago=30, weeks=52)
    set_tests(big, *((n, "negative") for n in range(30)))

    def record(episode):
        return reverse("keywork:record", args=[episode.referral.client.key])

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        c.get(record(small_episode))
    # The record's own queries (tests/pathway/test_query_counts.py) and, for
    # CM, the plans, their tests and their vouchers: three, whatever the size.
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = c.get(record(big_episode)).content.decode()
    assert body.count("cm-test cm-negative") == 30
