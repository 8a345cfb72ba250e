"""Keywork tells; contingency listens (keywork never imports contingency).
One query per page for the caseload badge; three for the record's plan."""

from django.db.models import Prefetch, prefetch_related_objects

from contingency import queries
from contingency.models import CMPlan
from nectos import clock


def on_caseload_loaded(sender, *, episodes, **kwargs) -> None:
    due = queries.tests_due_on([e.pk for e in episodes], clock.today())
    for episode in episodes:
        episode.cm_test_due = due.get(episode.pk)


def on_record_loaded(sender, *, episodes, **kwargs) -> None:
    prefetch_related_objects(
        episodes,
        Prefetch("cm_plans", queryset=CMPlan.objects.prefetch_related("tests", "vouchers")),
    )
    today = clock.today()
    for episode in episodes:
        plan = queries.current_plan(episode)
        episode.cm = queries.plan_summary(plan, today) if plan else None
