"""TOP due dates in the follow-up engine (domain.md): a start TOP due within
14 days either side of the episode's start; a review every
`top_review_weeks` after the start TOP, due from 14 days before to 14 days
after; overdue the day after the window. Only Tier 3 and 4 episodes of
services that use the TOP get these rows.

Rows are FollowUp rows like the day-N forms', so the caseload, the
notifications, the digest and the sweeper's idempotence apply unchanged.
A start TOP row follows the episode's start date; a review row holds its
own date (`due_date`). The sweep makes the row for the review whose window
has most recently opened (or the first one); a review row whose successor's
window has opened without it being done is no longer asked for."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Value, When

from outcomes.models import TOP_WINDOW_DAYS, FollowUp, FollowUpKind, FollowUpState
from outcomes.top_models import Stage, TreatmentOutcomesProfile
from services.models import Instruments, Tier

TOP_TIERS = (Tier.STRUCTURED, Tier.RESIDENTIAL)
WINDOW = dt.timedelta(days=TOP_WINDOW_DAYS)


def review_due(start_top: dt.date, weeks: int, as_of: dt.date) -> dt.date:
    """The review whose window has most recently opened on `as_of` (the
    first review when none has yet)."""
    period = weeks * 7
    k = max(1, ((as_of + WINDOW) - start_top).days // period)
    return start_top + dt.timedelta(days=k * period)


def _top_episodes(episodes: QuerySet) -> QuerySet:
    return episodes.filter(tier__in=TOP_TIERS).exclude(
        referral__service__outcome_instruments=Instruments.NECTOS
    )


def ensure_rows(episodes: QuerySet, as_of: dt.date) -> None:
    """Rows for the start TOP and the current review TOP of `episodes`."""
    chosen = _top_episodes(episodes)
    missing_start = chosen.exclude(
        Exists(FollowUp.objects.filter(episode=OuterRef("pk"), timepoint=FollowUpKind.TOP_START))
    ).values_list("pk", flat=True)
    rows = [FollowUp(episode_id=pk, timepoint=FollowUpKind.TOP_START) for pk in missing_start]
    started = (
        chosen.filter(Q(end_date__isnull=True) | Q(end_date__gt=as_of))
        .annotate(
            start_top=Min(
                "tops__top_date",
                filter=Q(tops__stage=Stage.START, tops__top_date__lte=as_of),
            )
        )
        .filter(start_top__isnull=False)
        .values_list("pk", "start_top", "referral__service__top_review_weeks")
    )
    rows += [
        FollowUp(
            episode_id=pk,
            timepoint=FollowUpKind.TOP_REVIEW,
            due_date=review_due(start_top, weeks, as_of),
        )
        for pk, start_top, weeks in started
    ]
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)


@dataclass(frozen=True)
class Whens:
    done: list
    not_applicable: list
    upcoming_and_due: list


def state_whens(as_of: dt.date) -> Whens:
    """The TOP branches of outcomes.actions.state_expression."""
    start, review = Q(timepoint=FollowUpKind.TOP_START), Q(timepoint=FollowUpKind.TOP_REVIEW)
    tops = TreatmentOutcomesProfile.objects.filter(episode=OuterRef("episode"))
    start_done = Exists(tops.filter(stage=Stage.START))
    review_done = Exists(
        tops.filter(stage=Stage.REVIEW, top_date__gte=OuterRef("due_date") - Value(WINDOW))
    )
    superseded = Exists(
        FollowUp.objects.filter(
            episode=OuterRef("episode"),
            timepoint=FollowUpKind.TOP_REVIEW,
            due_date__gt=OuterRef("due_date"),
            due_date__lte=as_of + WINDOW,
        )
    )
    top_kind = start | review
    day_n = Q(timepoint__in=(FollowUpKind.DAY30, FollowUpKind.DAY90))
    # as_of < target - 14  <=>  target > as_of + 14; as_of <= target + 14
    # <=> target >= as_of - 14.
    return Whens(
        done=[
            When(start & start_done, then=Value(FollowUpState.DONE)),
            When(review & review_done, then=Value(FollowUpState.DONE)),
        ],
        not_applicable=[
            When(
                top_kind & Q(episode__referral__service__outcome_instruments=Instruments.NECTOS),
                then=Value(FollowUpState.NOT_APPLICABLE),
            ),
            When(
                day_n & Q(episode__referral__service__outcome_instruments=Instruments.TOP),
                then=Value(FollowUpState.NOT_APPLICABLE),
            ),
            When(review & superseded, then=Value(FollowUpState.NOT_APPLICABLE)),
        ],
        upcoming_and_due=[
            When(
                start & Q(episode__start_date__gt=as_of + WINDOW),
                then=Value(FollowUpState.UPCOMING),
            ),
            When(start & Q(episode__start_date__gte=as_of - WINDOW), then=Value(FollowUpState.DUE)),
            When(start, then=Value(FollowUpState.OVERDUE)),
            When(review & Q(due_date__gt=as_of + WINDOW), then=Value(FollowUpState.UPCOMING)),
            When(review & Q(due_date__gte=as_of - WINDOW), then=Value(FollowUpState.DUE)),
            When(review, then=Value(FollowUpState.OVERDUE)),
        ],
    )


def top_state(*, target: dt.date, end: dt.date | None, done: bool, as_of: dt.date) -> str:
    """The state of a TOP row on `as_of` in Python, held to the SQL by a test."""
    if done:
        return FollowUpState.DONE
    if end is not None and end <= as_of:
        return FollowUpState.NOT_APPLICABLE
    if as_of < target - WINDOW:
        return FollowUpState.UPCOMING
    if as_of <= target + WINDOW:
        return FollowUpState.DUE
    return FollowUpState.OVERDUE
