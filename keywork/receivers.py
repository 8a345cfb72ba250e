"""What contacts, care plans, drop-in and groups add to the pathway pages.

Connected in KeyworkConfig.ready() to the *_loaded hooks of keywork.queries;
each receiver sets attributes on the rows of one page with at most one
query per page, so the pages stay at a constant number of queries."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Prefetch
from django.template.defaultfilters import pluralize

from keywork.models import DropInAttendance, Episode, Goal, GoalStatus, KeyworkAppointment
from keywork.progress import progress_for, residential_stay, with_programme_start
from keywork.queries import RowBadge
from nectos import clock
from nectos.url_tag import cached_reverse

UPCOMING_ON_RECORD = 5


def on_caseload_loaded(sender, *, episodes: list[Episode], **kwargs) -> None:
    """Goals due for review, a badge on the row: one grouped query."""
    today = clock.today()
    counts = dict(
        Goal.objects.due_for_review(today)
        .filter(care_plan__episode__in=[e.pk for e in episodes])
        .values("care_plan__episode")
        .annotate(n=Count("pk"))
        .values_list("care_plan__episode", "n")
    )
    # The page's own attributes on the episodes (here and below): the stubs
    # know only the model's fields, hence the attr-defined ignores.
    for episode in episodes:
        due = counts.get(episode.pk, 0)
        if due:
            episode.badges.append(  # type: ignore[attr-defined]
                RowBadge(
                    rank=3,
                    text=f"{due} goal{pluralize(due)} to review",
                    href=cached_reverse("keywork:care_plan", args=[episode.pk]),
                    colour="text-bg-info",
                    testid="goals-due-badge",
                )
            )
        episode.residential = residential_stay(episode, today)  # type: ignore[attr-defined]


def on_waiting_list_loaded(sender, *, referrals: list, **kwargs) -> None:
    """A referred client who came to the service's drop-in after the
    referral, and before any assessment, is engaged: one query."""
    if not referrals:
        return
    today = clock.today()
    earliest = min(r.referral_date for r in referrals)
    visits: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for client_id, service_id, day in DropInAttendance.objects.filter(
        client__in={r.client_id for r in referrals},
        session__service__in={r.service_id for r in referrals},
        session__session_date__gte=earliest,
    ).values_list("client_id", "session__service_id", "session__session_date"):
        visits[(client_id, service_id)].append(day)
    for referral in referrals:
        until = getattr(referral, "assessed_on", None) or today
        days = [
            d
            for d in visits.get((referral.client_id, referral.service_id), [])
            if referral.referral_date <= d <= until
        ]
        referral.drop_in_visits = len(days)
        referral.drop_in_last = max(days) if days else None


def on_record_loaded(sender, *, episodes: list[Episode], **kwargs) -> None:
    """The current episode's goals, booked appointments and programme
    progress, and every Tier 4 stay's day n of planned: at most three
    queries for the record, whatever its size."""
    today = clock.today()
    for episode in episodes:
        episode.residential = residential_stay(episode, today)  # type: ignore[attr-defined]
    current = next((e for e in episodes if e.is_open), None)
    if current is None:
        return
    open_goals = list(
        Goal.objects.filter(care_plan__episode=current, status=GoalStatus.OPEN)
        .prefetch_related(Prefetch("reviews"))
        .order_by("next_review_date", "pk")
    )
    current.open_goals = open_goals  # type: ignore[attr-defined]
    current.goals_due = sum(1 for g in open_goals if g.next_review_date <= today)  # type: ignore[attr-defined]
    current.upcoming_appointments = list(  # type: ignore[attr-defined]
        KeyworkAppointment.objects.filter(episode=current, contact__isnull=True)
        .select_related("staff")
        .order_by("appointment_date", "appointment_time", "pk")[:UPCOMING_ON_RECORD]
    )
    current.programme = None  # type: ignore[attr-defined]
    if current.referral.service.day_programme_weeks:
        annotated = with_programme_start(Episode.objects.filter(pk=current.pk)).values(
            "programme_started_on", "programme_sessions"
        )[0]
        current.programme_started_on = annotated["programme_started_on"]  # type: ignore[attr-defined]
        current.programme_sessions = annotated["programme_sessions"]  # type: ignore[attr-defined]
        current.programme = progress_for(current, today)  # type: ignore[attr-defined]
