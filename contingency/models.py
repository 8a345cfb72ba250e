"""Contingency management (domain.md, "Contingency management (CM)"): a plan
of scheduled drug tests on an episode, and vouchers for negative results.

What a test earned is never stored: it depends on every earlier test of the
plan (the run of negatives), so it is computed from the ordered tests
(contingency/vouchers.py) and an edit to a past test re-prices the later
ones by itself. Missed is computed too (no result by the day after the
scheduled date), so a late entry of the true result corrects it."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from keywork.models import Episode
from services.models import Service

DEFAULT_BASE = Decimal("2.00")
DEFAULT_STEP = Decimal("1.00")
DEFAULT_MAX = Decimal("10.00")
DEFAULT_WEEKS = 12
# Monday to Friday, as Python numbers weekdays (Monday = 0).
DEFAULT_OPENING_DAYS = "01234"


def _money(**extra) -> models.DecimalField:
    return models.DecimalField(
        max_digits=7, decimal_places=2, validators=[MinValueValidator(0)], **extra
    )


class SampleType(models.TextChoices):
    URINE = "urine", "Urine"
    ORAL_FLUID = "oral_fluid", "Oral fluid"


class TestResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    INVALID = "invalid", "Invalid"
    REFUSED = "refused", "Refused"


class ServiceCMSettings(models.Model):
    """A service's CM defaults. A service without a row uses the defaults
    of domain.md (GBP 2.00, 1.00, 10.00; open Monday to Friday)."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="cm_settings")
    voucher_base = _money(default=DEFAULT_BASE)
    voucher_step = _money(default=DEFAULT_STEP)
    voucher_max = _money(default=DEFAULT_MAX)
    opening_days = models.CharField(
        max_length=7,
        default=DEFAULT_OPENING_DAYS,
        help_text="Weekdays the service opens for tests: 0 = Monday ... 6 = Sunday, as in 01234.",
    )

    class Meta:
        verbose_name = "service CM settings"
        verbose_name_plural = "service CM settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(opening_days__regex=r"^0?1?2?3?4?5?6?$") & ~Q(opening_days=""),
                name="cm_settings_opening_days_valid",
            ),
            models.CheckConstraint(
                condition=Q(voucher_base__gte=0)
                & Q(voucher_step__gte=0)
                & Q(voucher_max__gte=F("voucher_base")),
                name="cm_settings_voucher_schedule_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"CM settings of {self.service.code}"

    @property
    def weekdays(self) -> tuple[int, ...]:
        return tuple(int(d) for d in self.opening_days)


def settings_for(service: Service) -> ServiceCMSettings:
    """The service's CM settings, or the defaults (unsaved) when it has none."""
    try:
        return service.cm_settings
    except ServiceCMSettings.DoesNotExist:
        return ServiceCMSettings(service=service)


class CMPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CMPlanQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_ids(user))

    def open(self) -> "CMPlanQuerySet":
        return self.filter(closed_on__isnull=True)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="cmplanevent_created_idx")]},
)
class CMPlan(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="cm_plans")
    start_date = models.DateField()
    weeks = models.PositiveSmallIntegerField(
        default=DEFAULT_WEEKS, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    voucher_base = _money()
    voucher_step = _money()
    voucher_max = _money()
    # A plan stays open until it is ended; one open plan per episode.
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CMPlanQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(closed_on__isnull=True),
                name="cm_plan_one_open_per_episode",
            ),
            models.UniqueConstraint(
                fields=["episode", "start_date"], name="cm_plan_one_per_episode_and_start"
            ),
            models.CheckConstraint(
                condition=Q(weeks__gte=1) & Q(weeks__lte=52), name="cm_plan_weeks_in_range"
            ),
            models.CheckConstraint(
                condition=Q(voucher_base__gte=0)
                & Q(voucher_step__gte=0)
                & Q(voucher_max__gte=F("voucher_base")),
                name="cm_plan_voucher_schedule_valid",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("start_date")),
                name="cm_plan_closed_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"CM plan from {self.start_date} ({self.weeks} weeks)"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class DrugTestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DrugTestQuerySet":
        return self.filter(plan__episode__referral__service__in=Service.objects.clinical_ids(user))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="drugtestevent_created_idx")]},
)
class DrugTest(models.Model):
    plan = models.ForeignKey(CMPlan, on_delete=models.CASCADE, related_name="tests")
    scheduled_date = models.DateField()
    tested_date = models.DateField(null=True, blank=True)
    sample = models.CharField(max_length=12, choices=SampleType.choices, blank=True)
    result = models.CharField(max_length=10, choices=TestResult.choices, blank=True)
    substances_positive = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DrugTestQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_date", "pk"]
        indexes = [models.Index(fields=["scheduled_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scheduled_date"], name="drug_test_one_per_plan_and_day"
            ),
            models.CheckConstraint(
                condition=Q(result="", tested_date__isnull=True, sample="")
                | (~Q(result="") & Q(tested_date__isnull=False) & ~Q(sample="")),
                name="drug_test_result_with_date_and_sample",
            ),
            models.CheckConstraint(
                condition=Q(result="positive") | Q(substances_positive=[]),
                name="drug_test_substances_only_when_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Drug test scheduled {self.scheduled_date}"


class VoucherIssueQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VoucherIssueQuerySet":
        return self.filter(plan__episode__referral__service__in=Service.objects.clinical_ids(user))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={
        "indexes": [models.Index(fields=["pgh_created_at"], name="voucherissueevent_created_idx")]
    },
)
class VoucherIssue(models.Model):
    """Vouchers handed to the client (redeemed), against what they earned."""

    plan = models.ForeignKey(CMPlan, on_delete=models.CASCADE, related_name="vouchers")
    issued_date = models.DateField()
    amount = models.DecimalField(max_digits=7, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VoucherIssueQuerySet.as_manager()

    class Meta:
        ordering = ["issued_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="voucher_issue_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} issued {self.issued_date}"
