"""Keywork tells; contingency listens (keywork never imports contingency).
One query per page for the caseload badge; three for the record's plan."""

from urllib.parse import quote

from django.db.models import Prefetch, prefetch_related_objects

from contingency import queries
from contingency.models import CMPlan
from keywork.queries import RowBadge
from nectos import clock
from nectos.url_tag import cached_reverse


def on_caseload_loaded(sender, *, episodes, back: str, **kwargs) -> None:
    """A badge on the row when a drug test is due today with no result yet."""
    due = queries.tests_due_on([e.pk for e in episodes], clock.today())
    after = f"?next={quote(back, safe='/')}"
    for episode in episodes:
        test = due.get(episode.pk)
        if test is not None:
            episode.badges.append(
                RowBadge(
                    rank=2,
                    text="Drug test today",
                    href=cached_reverse("contingency:test_record", args=[test.pk]) + after,
                    colour="text-bg-primary",
                    testid="cm-due-badge",
                )
            )


def on_record_loaded(sender, *, episodes, **kwargs) -> None:
    prefetch_related_objects(
        episodes,
        Prefetch("cm_plans", queryset=CMPlan.objects.prefetch_related("tests", "vouchers")),
    )
    today = clock.today()
    for episode in episodes:
        plan = queries.current_plan(episode)
        episode.cm = queries.plan_summary(plan, today) if plan else None
