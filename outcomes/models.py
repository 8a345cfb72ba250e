import datetime as dt

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from keywork.models import Episode
from nectos import clock
from services.models import Service, Tier


class Timepoint(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    DAY30 = "day30", "Day 30"
    DAY90 = "day90", "Day 90"
    EXIT = "exit", "Exit"


class ReportedBy(models.TextChoices):
    KEYWORKER = "keyworker", "Keyworker"
    CLIENT = "client", "Client self-report"


# A baseline describes the 30 days before referral, so it may be dated up to
# 30 days before the episode starts.
BASELINE_DAYS_BEFORE_START = 30
# Tier 4: cravings and self-rated health at admission and discharge
# are the baseline and exit forms' ratings.
RATED_TIMEPOINTS = (Timepoint.BASELINE, Timepoint.EXIT)


def _days() -> list:
    return [MinValueValidator(0), MaxValueValidator(30)]


def _rating(top: int) -> list:
    return [MinValueValidator(0), MaxValueValidator(top)]


class OutcomeFormQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OutcomeFormQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_ids(user))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={
        "indexes": [models.Index(fields=["pgh_created_at"], name="outcomeformevent_created_idx")]
    },
)
class OutcomeForm(models.Model):
    """What happened in the 30 days before the form date."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="outcome_forms")
    timepoint = models.CharField(max_length=10, choices=Timepoint.choices)
    form_date = models.DateField()
    reported_by = models.CharField(max_length=10, choices=ReportedBy.choices)
    crack_days = models.PositiveSmallIntegerField(validators=_days())
    crack_spend_per_day = models.DecimalField(
        "typical spend per using day (GBP)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    heroin_days = models.PositiveSmallIntegerField(validators=_days())
    cocaine_days = models.PositiveSmallIntegerField("cocaine powder days", validators=_days())
    alcohol_days = models.PositiveSmallIntegerField(validators=_days())
    other_drug_days = models.PositiveSmallIntegerField(validators=_days())
    crime_involved = models.BooleanField()
    physical_health = models.PositiveSmallIntegerField(validators=_rating(20))
    psychological_health = models.PositiveSmallIntegerField(validators=_rating(20))
    quality_of_life = models.PositiveSmallIntegerField(validators=_rating(20))
    cravings = models.PositiveSmallIntegerField(null=True, blank=True, validators=_rating(10))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeFormQuerySet.as_manager()

    class Meta:
        ordering = ["form_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "timepoint", "reported_by"],
                name="outcome_form_once_per_timepoint_and_reporter",
            ),
            models.CheckConstraint(
                condition=Q(crack_days__lte=30)
                & Q(heroin_days__lte=30)
                & Q(cocaine_days__lte=30)
                & Q(alcohol_days__lte=30)
                & Q(other_drug_days__lte=30),
                name="outcome_form_days_within_30",
            ),
            models.CheckConstraint(
                condition=Q(physical_health__lte=20)
                & Q(psychological_health__lte=20)
                & Q(quality_of_life__lte=20)
                & (Q(cravings__isnull=True) | Q(cravings__lte=10)),
                name="outcome_form_ratings_in_range",
            ),
            models.CheckConstraint(
                condition=Q(crack_days=0, crack_spend_per_day__isnull=True)
                | Q(crack_days__gt=0, crack_spend_per_day__gte=0),
                name="outcome_form_spend_only_when_used",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_timepoint_display()} form ({self.get_reported_by_display()})"

    @property
    def monthly_spend(self):
        if not self.crack_days:
            return 0
        return self.crack_days * (self.crack_spend_per_day or 0)

    def clean(self) -> None:
        """The issue's rules, next to the field they concern. The database
        constraints above are the backstop; this is the clear message."""
        errors: dict[str, str] = {}
        if self.crack_days is not None:
            if self.crack_days > 0 and self.crack_spend_per_day is None:
                errors["crack_spend_per_day"] = (
                    "Enter the typical spend per using day: crack was used on at least one day."
                )
            elif self.crack_days == 0 and self.crack_spend_per_day is not None:
                errors["crack_spend_per_day"] = (
                    "Leave the spend empty when crack was used on no days."
                )
        episode = self.episode if self.episode_id else None
        if episode is not None and self.form_date is not None:
            today = clock.today()
            earliest = episode.start_date
            if self.timepoint == Timepoint.BASELINE:
                earliest -= dt.timedelta(days=BASELINE_DAYS_BEFORE_START)
            if self.form_date > today:
                errors["form_date"] = "The form date cannot be in the future."
            elif self.form_date < earliest:
                errors["form_date"] = f"The form date must be on or after {earliest:%-d %B %Y}" + (
                    " (up to 30 days before the episode started)."
                    if self.timepoint == Timepoint.BASELINE
                    else ", when the episode started."
                )
            elif episode.end_date is not None and self.form_date > episode.end_date:
                errors["form_date"] = (
                    f"The form date must be on or before {episode.end_date:%-d %B %Y}, "
                    "when the episode ended."
                )
        if (
            episode is not None
            and episode.tier == Tier.RESIDENTIAL
            and self.timepoint in RATED_TIMEPOINTS
            and self.cravings is None
        ):
            errors["cravings"] = (
                "Record cravings (0 to 10): residential ratings are taken at "
                "admission and discharge."
            )
        if (
            episode is not None
            and self.timepoint
            and self.reported_by
            and "timepoint" not in errors
            and OutcomeForm.objects.filter(
                episode=episode, timepoint=self.timepoint, reported_by=self.reported_by
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["timepoint"] = duplicate_message(self.timepoint, self.reported_by)
        if errors:
            raise ValidationError(errors)


def duplicate_message(timepoint: str, reported_by: str) -> str:
    return (
        f"This episode already has a {Timepoint(timepoint).label} form "
        f"({ReportedBy(reported_by).label.lower()}). Edit that form instead."
    )


# --- Follow-up ------------------------------------------------------------

# Day-N reviews and the half-width of their window (domain.md): due from
# start + N - 7, overdue after start + N + 7.
FOLLOW_UP_DAYS: dict[str, int] = {Timepoint.DAY30: 30, Timepoint.DAY90: 90}
WINDOW_DAYS = 7


class FollowUpKind(models.TextChoices):
    """What a follow-up row asks for: a NECTOS day-N form or a TOP."""

    DAY30 = "day30", "Day 30"
    DAY90 = "day90", "Day 90"
    TOP_START = "top_start", "Start TOP"
    TOP_REVIEW = "top_review", "Review TOP"


# TOPs are due from 14 days before their date to 14 days after (domain.md).
TOP_WINDOW_DAYS = 14
TOP_KINDS = (FollowUpKind.TOP_START, FollowUpKind.TOP_REVIEW)


class FollowUpState(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


OUTSTANDING = (FollowUpState.DUE, FollowUpState.OVERDUE)


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FollowUpQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_ids(user))

    def outstanding(self) -> "FollowUpQuerySet":
        return self.filter(state__in=OUTSTANDING)


class FollowUp(models.Model):
    """One row per episode and day-N review: PostgreSQL holds the truth about
    who is due. Written in the transaction of whatever changes it (a form
    saved, an episode started or ended) and brought up to date for the day
    by the sweeper (outcomes.actions.followups_sweep)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="followups")
    timepoint = models.CharField(max_length=10, choices=FollowUpKind.choices)
    # A review TOP's date (start TOP + k x the service's review interval);
    # empty for the other kinds, whose date follows the episode's start.
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=20, choices=FollowUpState.choices, default=FollowUpState.UPCOMING
    )
    # The as-of date the state was last changed for, and when.
    state_as_of = models.DateField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["episode_id", "timepoint"]
        indexes = [models.Index(fields=["state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "timepoint"],
                condition=~Q(timepoint=FollowUpKind.TOP_REVIEW),
                name="followup_once_per_episode_timepoint",
            ),
            models.UniqueConstraint(
                fields=["episode", "timepoint", "due_date"],
                condition=Q(timepoint=FollowUpKind.TOP_REVIEW),
                name="followup_review_top_once_per_date",
            ),
            models.CheckConstraint(
                condition=Q(timepoint__in=list(FOLLOW_UP_DAYS) + list(TOP_KINDS)),
                name="followup_day_n_only",
            ),
            models.CheckConstraint(
                condition=Q(timepoint=FollowUpKind.TOP_REVIEW, due_date__isnull=False)
                | (~Q(timepoint=FollowUpKind.TOP_REVIEW) & Q(due_date__isnull=True)),
                name="followup_due_date_for_review_tops",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_timepoint_display()} follow-up: {self.get_state_display()}"

    @property
    def is_top(self) -> bool:
        return self.timepoint in TOP_KINDS

    @property
    def days(self) -> int | None:
        return FOLLOW_UP_DAYS.get(self.timepoint)

    @property
    def target_date(self):
        if self.timepoint == FollowUpKind.TOP_REVIEW:
            return self.due_date
        return self.episode.start_date + dt.timedelta(days=self.days or 0)

    @property
    def half_window(self) -> int:
        return TOP_WINDOW_DAYS if self.is_top else WINDOW_DAYS

    @property
    def due_from(self):
        return self.target_date - dt.timedelta(days=self.half_window)

    @property
    def overdue_after(self):
        return self.target_date + dt.timedelta(days=self.half_window)

    @property
    def form_path(self) -> str:
        """Where this row's form is filled in: the TOP form or the day-N form."""
        # Remembered reversing: the caseload asks for one a badge.
        from nectos.url_tag import cached_reverse

        if self.is_top:
            url = cached_reverse("outcomes:top_create", args=[self.episode_id])
            return f"{url}?stage={self.stage}"
        url = cached_reverse("outcomes:form_create", args=[self.episode_id])
        return f"{url}?timepoint={self.timepoint}"

    @property
    def stage(self) -> str | None:
        """The TOP stage this row asks for."""
        stages: dict[str, str] = {
            FollowUpKind.TOP_START: "start",
            FollowUpKind.TOP_REVIEW: "review",
        }
        return stages.get(self.timepoint)

    @property
    def is_outstanding(self) -> bool:
        return self.state in OUTSTANDING


def followup_state(
    *, start: dt.date, end: dt.date | None, done: bool, as_of: dt.date, days: int
) -> str:
    """The state of a day-`days` follow-up on `as_of`. The sweeper computes
    the same thing in SQL (outcomes.actions.state_expression); a test holds
    the two together on the window edges."""
    if done:
        return FollowUpState.DONE
    if end is not None and end <= as_of:
        return FollowUpState.NOT_APPLICABLE
    if as_of < start + dt.timedelta(days=days - WINDOW_DAYS):
        return FollowUpState.UPCOMING
    if as_of <= start + dt.timedelta(days=days + WINDOW_DAYS):
        return FollowUpState.DUE
    return FollowUpState.OVERDUE


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> "NotificationQuerySet":
        """A user's own notifications, still inside the services they work in."""
        return self.filter(recipient=user).filter(
            followup__episode__referral__service__in=Service.objects.clinical_ids(user)
        )

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Tells a keyworker that a follow-up became due or overdue. At most one
    per recipient, follow-up and kind: the sweeper may run twice, or in two
    workers at once, and nobody hears the same thing twice."""

    class Kind(models.TextChoices):
        DUE = "due", "Form due"
        OVERDUE = "overdue", "Form overdue"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "followup", "kind"], name="notification_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"


class DigestSent(models.Model):
    """The daily digest went to this person on this day: never twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    due = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day}"


# The Treatment Outcomes Profile lives in its own module.
from outcomes.top_models import TreatmentOutcomesProfile  # noqa: E402, F401
