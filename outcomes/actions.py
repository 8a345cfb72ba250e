"""Writes for outcome forms, follow-ups and notifications.

The follow-up state is a function of the episode (start, end), the
keyworker's forms and the as-of date. `_bring_up_to_date` computes it in SQL
and is the only code that writes it: the form action and the episode
receivers call it for one episode inside their own transaction, the
sweeper for every episode."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.template.loader import render_to_string
from django.urls import reverse

from keywork.models import Episode
from nectos import clock
from outcomes import top_followups
from outcomes.models import (
    FOLLOW_UP_DAYS,
    OUTSTANDING,
    WINDOW_DAYS,
    DigestSent,
    FollowUp,
    FollowUpState,
    Notification,
    OutcomeForm,
    ReportedBy,
    duplicate_message,
)
from services.models import Instruments, User

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key for the sweep: two workers never sweep at once.
SWEEP_LOCK = 5_210_030_090

FORM_FIELDS = (
    "timepoint",
    "form_date",
    "reported_by",
    "crack_days",
    "crack_spend_per_day",
    "heroin_days",
    "cocaine_days",
    "alcohol_days",
    "other_drug_days",
    "crime_involved",
    "physical_health",
    "psychological_health",
    "quality_of_life",
    "cravings",
)


# --- Outcome forms ----------------------------------------------------------


def outcome_form_save(*, form: OutcomeForm, acting_user: User, fields: dict) -> OutcomeForm:
    """Create (form.pk is None) or edit an outcome form, validated by the
    model's rules, and bring the episode's follow-ups up to date in the same
    transaction. Raises ValidationError with a message per field."""
    unknown = set(fields) - set(FORM_FIELDS)
    if unknown:
        raise ValueError(f"not outcome form fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(form, name, value)
    if form.pk is None:
        form.recorded_by = acting_user
    form.full_clean()
    try:
        with transaction.atomic():
            form.save()
            _bring_up_to_date(Episode.objects.filter(pk=form.episode_id), clock.today())
            _after_commit_refresh(form.episode_id)
    except IntegrityError as error:
        # Two people saving the same timepoint at once: the constraint wins.
        if "outcome_form_once_per_timepoint_and_reporter" in str(error):
            raise ValidationError(
                {"timepoint": duplicate_message(form.timepoint, form.reported_by)}
            ) from None
        raise
    return form


# --- Follow-ups -------------------------------------------------------------


def state_expression(as_of: dt.date) -> Case:
    """followup_state() in SQL, for FollowUp rows. Window edges become
    comparisons of the start date with constants, so no date arithmetic
    runs per row."""
    done = Exists(
        OutcomeForm.objects.filter(
            episode=OuterRef("episode"),
            timepoint=OuterRef("timepoint"),
            reported_by=ReportedBy.KEYWORKER,
        )
    )
    upcoming = Q()
    due = Q()
    for timepoint, days in FOLLOW_UP_DAYS.items():
        # as_of < start + N - 7  <=>  start > as_of - (N - 7)
        upcoming |= Q(
            timepoint=timepoint,
            episode__start_date__gt=as_of - dt.timedelta(days=days - WINDOW_DAYS),
        )
        # as_of <= start + N + 7  <=>  start >= as_of - (N + 7)
        due |= Q(
            timepoint=timepoint,
            episode__start_date__gte=as_of - dt.timedelta(days=days + WINDOW_DAYS),
        )
    top = top_followups.state_whens(as_of)
    return Case(
        *top.done,
        When(done, then=Value(FollowUpState.DONE)),
        When(episode__end_date__lte=as_of, then=Value(FollowUpState.NOT_APPLICABLE)),
        *top.not_applicable,
        *top.upcoming_and_due,
        When(upcoming, then=Value(FollowUpState.UPCOMING)),
        When(due, then=Value(FollowUpState.DUE)),
        default=Value(FollowUpState.OVERDUE),
    )


def _ensure_rows(episodes: QuerySet, as_of: dt.date | None = None) -> int:
    """A follow-up row for each day-N review of each episode (in services
    that use the NECTOS forms), and for the TOPs due (top_followups)."""
    top_followups.ensure_rows(episodes, as_of or clock.today())
    episodes = episodes.exclude(referral__service__outcome_instruments=Instruments.TOP)
    # The first |= gives the Exists itself: Q() | x is x.
    missing: Q | Combinable = Q()
    for timepoint in FOLLOW_UP_DAYS:
        missing |= ~Exists(FollowUp.objects.filter(episode=OuterRef("pk"), timepoint=timepoint))
    ids = list(episodes.filter(missing).values_list("pk", flat=True))
    rows = [
        FollowUp(episode_id=pk, timepoint=timepoint, state=FollowUpState.UPCOMING)
        for pk in ids
        for timepoint in FOLLOW_UP_DAYS
    ]
    # ignore_conflicts: the rows that existed already, or that a concurrent
    # transaction has just made, stay as they are.
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True)
    return len(ids)


def _bring_up_to_date(episodes: QuerySet, as_of: dt.date) -> int:
    """Make every follow-up row of `episodes` say what is true on `as_of`.
    Returns how many rows changed state. Runs inside the caller's
    transaction."""
    _ensure_rows(episodes, as_of)
    rows = FollowUp.objects.filter(episode__in=episodes.values("pk"))
    # Lock the rows that look stale...
    stale = list(
        rows.annotate(target=state_expression(as_of))
        .exclude(state=F("target"))
        .select_for_update(of=("self",))
        .values_list("pk", flat=True)
    )
    if not stale:
        return 0
    # ...then read them again: this statement's snapshot sees whatever the
    # transaction we may have waited for (a form being saved) committed.
    targets: dict[str, list[int]] = {}
    for pk, state, target in (
        FollowUp.objects.filter(pk__in=stale)
        .annotate(target=state_expression(as_of))
        .values_list("pk", "state", "target")
    ):
        if state != target:
            targets.setdefault(target, []).append(pk)
    now = clock.now()
    for target, pks in targets.items():
        FollowUp.objects.filter(pk__in=pks).update(state=target, state_as_of=as_of, changed_at=now)
    settled = targets.get(FollowUpState.DONE, []) + targets.get(FollowUpState.NOT_APPLICABLE, [])
    if settled:
        # Nothing left to do about these: their notifications count as read.
        Notification.objects.filter(followup__in=settled, read_at__isnull=True).update(read_at=now)
    return sum(len(pks) for pks in targets.values())


def _notify(followups: QuerySet) -> int:
    """One notification per keyworker, outstanding follow-up and kind, ever.
    Returns how many were created."""
    # FOR UPDATE: a form being saved holds its follow-up row; waiting for it
    # and re-checking the state on the committed row means a follow-up that
    # has just become done is not announced as due.
    candidates = list(
        followups.filter(state__in=OUTSTANDING, episode__end_date__isnull=True)
        .select_for_update(of=("self",))
        .exclude(
            Exists(
                Notification.objects.filter(
                    followup=OuterRef("pk"),
                    kind=OuterRef("state"),
                    recipient=OuterRef("episode__keyworker"),
                )
            )
        )
        .values_list("pk", "state", "episode__keyworker_id")
    )
    Notification.objects.bulk_create(
        [
            Notification(followup_id=pk, kind=kind, recipient_id=user)
            for pk, kind, user in candidates
        ],
        ignore_conflicts=True,
    )
    return len(candidates)


@dataclass(frozen=True)
class SweepResult:
    as_of: dt.date
    episodes_given_rows: int
    changed: int
    notified: int


def followups_sweep(*, as_of: dt.date, episode_ids: list[int] | None = None) -> SweepResult:
    """Bring follow-ups up to date for `as_of` and notify keyworkers of what
    became due or overdue: the beat task, the sweeper, the per-episode task
    and `manage.py flag_followups` all run this. Idempotent: a second run
    for the same day changes nothing and notifies nobody; two runs at once
    queue on an advisory lock, so the second finds nothing left to do."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])
        episodes = Episode.objects.all()
        if episode_ids is not None:
            episodes = episodes.filter(pk__in=episode_ids)
        given_rows = _ensure_rows(episodes, as_of)
        changed = _bring_up_to_date(episodes, as_of)
        followups = FollowUp.objects.all()
        if episode_ids is not None:
            followups = followups.filter(episode_id__in=episode_ids)
        notified = _notify(followups)
    return SweepResult(as_of, given_rows, changed, notified)


def followups_for_episode_refresh(*, episode: Episode) -> int:
    """For the episode receivers: state as of today, inside the caller's
    transaction, and a task after commit to notify."""
    with transaction.atomic():
        changed = _bring_up_to_date(Episode.objects.filter(pk=episode.pk), clock.today())
        _after_commit_refresh(episode.pk)
    return changed


def _after_commit_refresh(episode_id: int) -> None:
    from outcomes.tasks import enqueue, refresh_episode

    enqueue(refresh_episode, episode_id)


# --- Notifications ----------------------------------------------------------


def notifications_mark_read(*, user) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=clock.now()
        )


def digest_send(*, user, day: dt.date) -> DigestSent | None:
    """The daily digest: counts and a link, no client identifiers. Sent at
    most once per person and day; nothing is sent when nothing is due."""
    from outcomes.queries import digest_counts

    counts = digest_counts(user=user, as_of=day)
    if not (counts.due or counts.overdue) or not user.email:
        return None
    with transaction.atomic():
        sent, created = DigestSent.objects.get_or_create(
            recipient=user, day=day, defaults={"due": counts.due, "overdue": counts.overdue}
        )
        if not created:
            return None
        context = {
            "user": user,
            "counts": counts,
            "day": day,
            "caseload_url": settings.SITE_URL.rstrip("/") + reverse("keywork:caseload"),
        }
        send_mail(
            subject=render_to_string("outcomes/email/digest_subject.txt", context).strip(),
            message=render_to_string("outcomes/email/digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
        # If sending raised, the row rolls back and a retry sends again.
    return sent
