"""Outcomes on keywork's pages: follow-up badges on the caseload, the outcome
panel on the client record. Built through keywork's own actions, which send
the signals outcomes listens to."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes.models import FollowUp
from tests.factories import OutcomeFormFactory
from tests.pathway.helpers import assess, days_ago, discharge, register, start

pytestmark = pytest.mark.django_db


def in_treatment(keyworker, service, started_days_ago: int, **kwargs):
    referral = register(keyworker, service, on=days_ago(started_days_ago + 7))
    assess(referral)
    return start(referral, keyworker, on=days_ago(started_days_ago), **kwargs)


def states(episode) -> dict:
    return dict(FollowUp.objects.filter(episode=episode).values_list("timepoint", "state"))


def test_keyworks_start_action_creates_the_follow_ups(alice, service_a):
    episode = in_treatment(alice, service_a, 25)
    assert states(episode) == {"day30": "due", "day90": "upcoming"}


def test_keyworks_discharge_action_settles_them(alice, service_a):
    episode = in_treatment(alice, service_a, 25)
    discharge(episode)
    assert states(episode) == {"day30": "not_applicable", "day90": "not_applicable"}


def badge_links(html: str) -> set[str]:
    return set(re.findall(r'data-testid="followup-badge" href="([^"]+)"', html))


def caseload_queries(client, n_due: int, alice, service_a) -> tuple[int, str]:
    for i in range(n_due):
        in_treatment(alice, service_a, 25 + i % 20)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("keywork:caseload"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_caseload_shows_a_badge_per_due_form(client_as, alice, service_a):
    in_treatment(alice, service_a, 25)  # day 30 due
    in_treatment(alice, service_a, 40)  # day 30 overdue
    in_treatment(alice, service_a, 5)  # nothing yet
    html = client_as(alice).get(reverse("keywork:caseload")).content.decode()
    # (The caseload may draw each row twice: a card on phones, a table row.)
    assert len(badge_links(html)) == 2
    assert "Day 30 form due" in html
    assert "Day 30 form overdue" in html
    assert "?timepoint=day30&amp;next=/caseload/" in html


def test_the_badges_keep_the_caseload_query_count_constant(
    client_as, alice, service_a, django_assert_max_num_queries
):
    client = client_as(alice)
    few, _ = caseload_queries(client, 1, alice, service_a)
    many, html = caseload_queries(client, 20, alice, service_a)
    assert len(badge_links(html)) == 21
    # The follow-up badges add one query for the whole page (the prefetch).
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(reverse("keywork:caseload"))


def test_the_caseload_row_gets_a_badge_per_outstanding_follow_up_overdue_first(alice, service_a):
    from keywork.models import Episode
    from outcomes.receivers import on_caseload_loaded

    started = in_treatment(alice, service_a, 40)  # day 30 overdue
    FollowUp.objects.filter(episode=started, timepoint="day90").update(state="due")
    episodes = list(Episode.objects.filter(pk=started.pk))
    episodes[0].badges = []
    on_caseload_loaded(Episode, episodes=episodes, back="/caseload/?sort=tier")
    badges = episodes[0].badges
    assert [b.text for b in badges] == ["Day 30 form overdue", "Day 90 form due"]
    assert badges[0].href.endswith("?timepoint=day30&next=/caseload/%3Fsort%3Dtier")
    assert "text-bg-danger" in badges[0].colour


def test_the_record_shows_each_form_beside_the_baseline(client_as, alice, service_a):
    episode = in_treatment(alice, service_a, 35)
    OutcomeFormFactory(
        episode=episode,
        timepoint="baseline",
        form_date=episode.start_date,
        crack_days=10,
        crack_spend_per_day=60,
    )
    OutcomeFormFactory(
        episode=episode,
        timepoint="day30",
        form_date=days_ago(1),
        crack_days=3,
        crack_spend_per_day=40,
    )
    client = episode.referral.client
    html = client_as(alice).get(reverse("keywork:record", args=[client.key])).content.decode()
    assert 'data-testid="episode-outcomes"' in html
    assert "£600" in html and "£120" in html
    assert "(-7)" in html and "(-£480)" in html
    assert 'id="outcome-chart-' in html
    assert '"crack_days": [10, 3]' in html
    assert '"monthly_spend": [600.0, 120.0]' in html


def test_the_record_panel_adds_a_fixed_number_of_queries(client_as, alice, service_a):
    # The panel's forms and follow-ups are two prefetches for the page (the
    # record_loaded receiver); keywork's timeline reads forms once too.
    episode = in_treatment(alice, service_a, 35)
    url = reverse("keywork:record", args=[episode.referral.client.key])
    client = client_as(alice)
    OutcomeFormFactory(episode=episode, timepoint="baseline", form_date=days_ago(35))
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for timepoint, day in [("baseline", 35), ("day30", 2), ("exit", 0)]:
        for reporter in ("keyworker", "client"):
            if (timepoint, reporter) != ("baseline", "keyworker"):
                OutcomeFormFactory(
                    episode=episode,
                    timepoint=timepoint,
                    reported_by=reporter,
                    form_date=days_ago(day),
                )
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert html.count("Edit<span") == 6
    assert len(after.captured_queries) == len(before.captured_queries)


def test_a_residential_record_prompts_for_the_admission_ratings(client_as, alice, service_a):
    episode = in_treatment(alice, service_a, 1, tier=4, planned_days=84)
    html = (
        client_as(alice)
        .get(reverse("keywork:record", args=[episode.referral.client.key]))
        .content.decode()
    )
    assert "Record the admission ratings" in html
    assert f"/outcomes/episodes/{episode.pk}/forms/new/?timepoint=baseline" in html


def test_a_residential_record_shows_admission_and_discharge_ratings(alice, service_a):
    from outcomes.queries import episode_outcomes

    episode = in_treatment(alice, service_a, 30, tier=4, planned_days=84)
    OutcomeFormFactory(
        episode=episode, timepoint="baseline", form_date=episode.start_date, cravings=8
    )
    OutcomeFormFactory(episode=episode, timepoint="exit", form_date=days_ago(0), cravings=2)
    summary = episode_outcomes(episode)
    assert [(f.timepoint, f.cravings) for f in summary.ratings] == [("baseline", 8), ("exit", 2)]
    assert summary.has_exit
