"""Caseloads today, per keyworker."""

import datetime as dt

import pytest

from reporting.metrics import caseload, caseload_episodes
from reporting.metrics.caseload import flagged
from tests.dates import LITERAL_DAY
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    OutcomeFormFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]

D = dt.date
TODAY = D(2026, 11, 27)


def _episode(service, keyworker, start, end=None):
    referral = ReferralFactory(service=service, referral_date=start - dt.timedelta(days=2))
    return EpisodeFactory(
        referral=referral,
        keyworker=keyworker,
        start_date=start,
        end_date=end,
        discharge_reason_id="dropped_out" if end else None,
    )


@pytest.fixture
def episodes(service_a, service_b, alice, charlie):
    kim = UserFactory(username="kim", full_name="Kim Locum")
    e = {}
    e["seen_week_ago"] = _episode(service_a, alice, D(2026, 10, 1))
    ContactFactory(episode=e["seen_week_ago"], contact_date=D(2026, 11, 20))
    ContactFactory(
        episode=e["seen_week_ago"],
        contact_date=D(2026, 11, 25),
        attendance="dna",
        duration_minutes=None,
    )
    ContactFactory(episode=e["seen_week_ago"], contact_date=D(2026, 10, 28))
    e["never_seen"] = _episode(service_a, alice, D(2026, 10, 20))
    OutcomeFormFactory(episode=e["never_seen"], timepoint="day30", form_date=D(2026, 11, 19))
    e["form_due"] = _episode(service_a, alice, D(2026, 10, 25))
    ContactFactory(episode=e["form_due"], contact_date=D(2026, 11, 26))
    e["ended"] = _episode(service_a, alice, D(2026, 9, 1), end=D(2026, 11, 1))
    ContactFactory(episode=e["ended"], contact_date=D(2026, 11, 1))
    e["locum"] = _episode(service_a, kim, D(2026, 6, 1))
    ContactFactory(episode=e["locum"], contact_date=D(2026, 11, 6))
    OutcomeFormFactory(episode=e["locum"], timepoint="day30", form_date=D(2026, 7, 1))
    e["elsewhere"] = _episode(service_b, charlie, D(2026, 11, 1))
    return e


def test_it_sums_each_keyworkers_caseload(episodes, service_a):
    rows = {r["keyworker"]: r for r in caseload([service_a.pk], TODAY)}
    assert set(rows) == {"alice", "kim"}
    assert rows["alice"] == {
        "keyworker": "alice",
        "name": "Alice Keyworker",
        "open_episodes": 3,
        # 20 Nov, 26 Nov and the ended episode's 1 Nov; not the DNA, not 28 Oct.
        "contacts_30_days": 3,
        "no_recent_contact": 1,
        "longest_days_since_contact": 38,
        # seen_week_ago's day-30 form (due by 7 Nov); never_seen has its form.
        "overdue_forms": 1,
        "due_forms": 1,
    }
    assert rows["kim"]["no_recent_contact"] == 1
    assert rows["kim"]["longest_days_since_contact"] == 21
    assert rows["kim"]["overdue_forms"] == 1  # day 90


def test_flags_list_the_episodes_behind_the_counts(episodes, service_a):
    names = {e.pk: n for n, e in episodes.items()}
    qs = caseload_episodes([service_a.pk], TODAY)

    def listed(flag):
        return {names[e.pk] for e in flagged(qs, flag)}

    assert listed("open") == {"seen_week_ago", "never_seen", "form_due", "locum"}
    assert listed("no_recent_contact") == {"never_seen", "locum"}
    assert listed("overdue_form") == {"seen_week_ago", "locum"}
    assert listed("due_form") == {"form_due"}


@pytest.mark.parametrize(
    ("days_ago", "due", "overdue"), [(22, 0, 0), (23, 1, 0), (37, 1, 0), (38, 0, 1)]
)
def test_the_day30_window_follows_domain_md(service_a, alice, days_ago, due, overdue):
    _episode(service_a, alice, TODAY - dt.timedelta(days=days_ago))
    (row,) = caseload([service_a.pk], TODAY)
    assert (row["due_forms"], row["overdue_forms"]) == (due, overdue)


def test_a_keyworker_without_a_caseload_is_still_listed(service_a, alice):
    (row,) = caseload([service_a.pk], TODAY)
    assert row["open_episodes"] == 0
    assert row["longest_days_since_contact"] is None
