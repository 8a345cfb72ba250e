"""Reads for outcome forms and follow-ups. Lists start from visible_to(user)."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from keywork.models import Episode
from outcomes.models import (
    FollowUp,
    FollowUpState,
    Notification,
    OutcomeForm,
    ReportedBy,
    Timepoint,
)
from services.models import Service, Tier, User

NOTIFICATION_LIMIT = 100
OVERDUE_LIMIT = 200

_TIMEPOINT_ORDER = {tp: i for i, tp in enumerate(Timepoint.values)}


# --- Follow-ups and notifications --------------------------------------------


def my_outstanding_followups(user) -> QuerySet:
    """Due and overdue forms on the user's own open episodes."""
    return (
        FollowUp.objects.visible_to(user)
        .outstanding()
        .filter(episode__keyworker=user, episode__end_date__isnull=True)
        .select_related("episode__referral__client", "episode__referral__service")
        .order_by("-state", "episode__start_date", "timepoint")
    )


def notifications_for(user) -> list[Notification]:
    return list(
        Notification.objects.for_user(user)
        .select_related(
            "followup__episode__referral__client", "followup__episode__referral__service"
        )
        .order_by("-created_at", "-pk")[:NOTIFICATION_LIMIT]
    )


# A discharge's ratings are asked for this long after it.
RATINGS_DISCHARGE_DAYS = 30


def ratings_to_record(user, *, today: dt.date) -> list:
    """The user's Tier 4 episodes missing admission ratings (the baseline)
    or, discharged in the last 30 days, discharge ratings (the exit form).
    One query; each episode carries `ratings_moment` and `ratings_timepoint`."""
    keyworker_form = OutcomeForm.objects.filter(
        episode=OuterRef("pk"), reported_by=ReportedBy.KEYWORKER
    )
    episodes = (
        Episode.objects.visible_to(user)
        .filter(keyworker=user, tier=Tier.RESIDENTIAL)
        .annotate(
            has_baseline=Exists(keyworker_form.filter(timepoint=Timepoint.BASELINE)),
            has_exit=Exists(keyworker_form.filter(timepoint=Timepoint.EXIT)),
        )
        .filter(
            Q(end_date__isnull=True, has_baseline=False)
            | Q(
                end_date__gte=today - dt.timedelta(days=RATINGS_DISCHARGE_DAYS),
                has_exit=False,
            )
        )
        .select_related("referral__client", "referral__service")
        .order_by("start_date", "pk")
    )
    rows = list(episodes)
    for episode in rows:
        if episode.end_date is None:
            episode.ratings_moment, episode.ratings_timepoint = "admission", Timepoint.BASELINE
        else:
            episode.ratings_moment, episode.ratings_timepoint = "discharge", Timepoint.EXIT
    return rows


@dataclass
class KeyworkerOverdue:
    keyworker: User
    overdue: int = 0
    due: int = 0
    followups: list = field(default_factory=list)


def overdue_by_keyworker(manager) -> list[KeyworkerOverdue]:
    """For a manager: per keyworker in the services they manage, how many
    forms are overdue and due, and which are overdue. Two queries."""
    managed = Service.objects.managed_by(manager)
    followups = FollowUp.objects.filter(
        episode__referral__service__in=managed, episode__end_date__isnull=True
    )
    counts = (
        followups.outstanding()
        .values("episode__keyworker")
        .annotate(
            overdue=Count("pk", filter=Q(state=FollowUpState.OVERDUE)),
            due=Count("pk", filter=Q(state=FollowUpState.DUE)),
        )
    )
    overdue_rows = list(
        followups.filter(state=FollowUpState.OVERDUE)
        .select_related("episode__keyworker", "episode__referral__client")
        .order_by("episode__keyworker__full_name", "episode__start_date", "timepoint")[
            :OVERDUE_LIMIT
        ]
    )
    keyworkers = {row.episode.keyworker_id: row.episode.keyworker for row in overdue_rows}
    # Keyworkers with only due forms: one more query for their names.
    counted = {row["episode__keyworker"]: row for row in counts}
    missing = set(counted) - set(keyworkers)
    if missing:
        keyworkers.update({u.pk: u for u in User.objects.filter(pk__in=missing)})
    result = {
        pk: KeyworkerOverdue(keyworker=keyworkers[pk], overdue=row["overdue"], due=row["due"])
        for pk, row in counted.items()
    }
    for row in overdue_rows:
        result[row.episode.keyworker_id].followups.append(row)
    return sorted(
        result.values(),
        key=lambda k: (-k.overdue, -k.due, k.keyworker.full_name or k.keyworker.username),
    )


@dataclass(frozen=True)
class DigestCounts:
    due: int
    overdue: int


def digest_counts(*, user, as_of: dt.date) -> DigestCounts:
    """What the user's digest says: due and overdue forms on their open
    episodes, in the services they still work in."""
    counts = (
        FollowUp.objects.visible_to(user)
        .filter(episode__keyworker=user)
        .exclude(episode__end_date__lte=as_of)
        .aggregate(
            due=Count("pk", filter=Q(state=FollowUpState.DUE)),
            overdue=Count("pk", filter=Q(state=FollowUpState.OVERDUE)),
        )
    )
    return DigestCounts(due=counts["due"], overdue=counts["overdue"])


def digest_recipient_ids(*, as_of: dt.date) -> list[int]:
    return list(
        FollowUp.objects.outstanding()
        .exclude(episode__end_date__lte=as_of)
        .filter(episode__keyworker__is_active=True)
        .exclude(episode__keyworker__email="")
        .values_list("episode__keyworker", flat=True)
        .distinct()
        .order_by("episode__keyworker")
    )


def active_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


# --- One episode's forms, beside its baseline ---------------------------------


@dataclass(frozen=True)
class FormRow:
    form: OutcomeForm
    baseline: OutcomeForm | None

    @property
    def days_change(self) -> int | None:
        if self.baseline is None or self.form is self.baseline:
            return None
        return self.form.crack_days - self.baseline.crack_days

    @property
    def spend_change(self) -> Decimal | None:
        if self.baseline is None or self.form is self.baseline:
            return None
        return Decimal(self.form.monthly_spend) - Decimal(self.baseline.monthly_spend)

    @property
    def spend_change_abs(self) -> Decimal | None:
        change = self.spend_change
        return None if change is None else abs(change)


@dataclass(frozen=True)
class EpisodeOutcomes:
    rows: list[FormRow]
    chart: dict
    ratings: list[OutcomeForm]
    followups: list[FollowUp]
    has_baseline: bool
    has_exit: bool


def episode_outcomes(episode) -> EpisodeOutcomes:
    """Built from episode.outcome_forms.all() and episode.followups.all(): no
    query when the caller prefetched both (the client record does)."""
    forms = sorted(
        episode.outcome_forms.all(),
        key=lambda f: (_TIMEPOINT_ORDER[f.timepoint], f.reported_by != ReportedBy.KEYWORKER),
    )
    baselines = {f.reported_by: f for f in forms if f.timepoint == Timepoint.BASELINE}
    rows = [FormRow(form=f, baseline=baselines.get(f.reported_by)) for f in forms]
    # The chart shows the primary analysis: keyworker forms, else the client's.
    reporter = ReportedBy.KEYWORKER
    if not any(f.reported_by == reporter for f in forms):
        reporter = ReportedBy.CLIENT
    charted = [f for f in forms if f.reported_by == reporter]
    chart = {
        "reporter": ReportedBy(reporter).label,
        "labels": [f.get_timepoint_display() for f in charted],
        "crack_days": [f.crack_days for f in charted],
        "monthly_spend": [float(f.monthly_spend) for f in charted],
    }
    ratings = [
        f
        for f in forms
        if f.timepoint in (Timepoint.BASELINE, Timepoint.EXIT)
        and f.reported_by == ReportedBy.KEYWORKER
    ]
    followups = sorted(
        episode.followups.all(),
        key=lambda fu: (_TIMEPOINT_ORDER.get(fu.timepoint, len(_TIMEPOINT_ORDER)), fu.target_date),
    )
    return EpisodeOutcomes(
        rows=rows,
        chart=chart,
        ratings=ratings,
        followups=followups,
        has_baseline=bool(baselines),
        has_exit=any(f.timepoint == Timepoint.EXIT for f in forms),
    )
