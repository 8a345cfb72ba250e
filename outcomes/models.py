import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from keywork.models import Episode
from services.models import Service


class Timepoint(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    DAY30 = "day30", "Day 30"
    DAY90 = "day90", "Day 90"
    EXIT = "exit", "Exit"


class ReportedBy(models.TextChoices):
    KEYWORKER = "keyworker", "Keyworker"
    CLIENT = "client", "Client self-report"


def _days() -> list:
    return [MinValueValidator(0), MaxValueValidator(30)]


def _rating(top: int) -> list:
    return [MinValueValidator(0), MaxValueValidator(top)]


class OutcomeFormQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OutcomeFormQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_for(user))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
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
