"""The Treatment Outcomes Profile (TOP), England's outcome instrument
(domain.md, "The Treatment Outcomes Profile").

How an item is stored, and why:
- A `*_days` item is an integer array of the four weeks, oldest first, each
  0 to 7; a yes/no item a boolean; an amount a decimal; a score an integer.
- NULL means "not asked" (an empty cell in tops.csv).
- `declined` is one text array naming the items the client declined to
  answer. A declined item's own column stays NULL (a check constraint says
  so), so a declined answer can never be read as 0, a sum over an item's
  weeks skips it as it skips "not asked", and the question "who declined
  crack?" is one indexed lookup (`declined__contains=["crack_days"]`).
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from clients.models import Substance
from keywork.models import Episode
from nectos import clock
from services.models import Service


class Stage(models.TextChoices):
    START = "start", "Start"
    REVIEW = "review", "Review"
    EXIT = "exit", "Exit"
    POST_EXIT = "post_exit", "Post-exit"


WEEKS = 4
DAYS_IN_WEEK = 7
SCORE_MAX = 20

# Days used in each week: (field, label), in the paper form's order.
SUBSTANCE_DAYS = (
    ("alcohol_days", "Alcohol"),
    ("opiates_days", "Opiates (illicit)"),
    ("crack_days", "Crack"),
    ("cocaine_days", "Cocaine powder"),
    ("amphetamines_days", "Amphetamines"),
    ("cannabis_days", "Cannabis"),
    ("other_days", "Other substance"),
    ("tobacco_days", "Tobacco"),
)
OTHER_DAYS = (
    ("injecting_days", "Injecting"),
    ("shoplifting_days", "Shoplifting"),
    ("selling_days", "Selling drugs"),
    ("other_theft_days", "Other theft"),
    ("work_days", "Paid work"),
    ("education_days", "College or education"),
)
DAY_ITEMS = tuple(name for name, _ in SUBSTANCE_DAYS + OTHER_DAYS)
DAY_LABELS = dict(SUBSTANCE_DAYS + OTHER_DAYS)
# An amount is given only when its substance was used on some day.
AMOUNT_OF = {
    "alcohol_units": "alcohol_days",
    "crack_spend": "crack_days",
    "cocaine_spend": "cocaine_days",
}
AMOUNT_ITEMS = tuple(AMOUNT_OF)
YES_NO_ITEMS = ("sharing", "assault", "acute_housing_problem", "risk_of_eviction")
SCORE_ITEMS = ("psychological_health", "physical_health", "quality_of_life")
# Every answerable item, in the column order of tops.csv.
ITEMS = (
    "alcohol_days",
    "alcohol_units",
    "opiates_days",
    "crack_days",
    "crack_spend",
    "cocaine_days",
    "cocaine_spend",
    "amphetamines_days",
    "cannabis_days",
    "other_substance",
    "other_days",
    "tobacco_days",
    "injecting_days",
    "sharing",
    "shoplifting_days",
    "selling_days",
    "other_theft_days",
    "assault",
    "work_days",
    "education_days",
    "acute_housing_problem",
    "risk_of_eviction",
    "psychological_health",
    "physical_health",
    "quality_of_life",
)
# The column behind each item (other_substance is a foreign key).
ITEM_COLUMNS = {n: ("other_substance_id" if n == "other_substance" else n) for n in ITEMS}
# What the change-at-review figures report (domain.md).
REPORTED_SUBSTANCES = ("alcohol", "opiates", "crack", "cocaine", "amphetamines", "cannabis")

_WEEK_VALUES = list(range(DAYS_IN_WEEK + 1))


def _weeks_field(label: str) -> ArrayField:
    return ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(DAYS_IN_WEEK)]),
        size=WEEKS,
        null=True,
        blank=True,
        verbose_name=f"{label} days in each week",
    )


def _amount(label: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


def _score(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MaxValueValidator(SCORE_MAX)]
    )


def _constraints() -> list:
    checks = [
        models.UniqueConstraint(
            fields=["episode"], condition=Q(stage="start"), name="top_one_start_per_episode"
        ),
        models.UniqueConstraint(
            fields=["episode"], condition=Q(stage="exit"), name="top_one_exit_per_episode"
        ),
        models.UniqueConstraint(
            fields=["episode", "stage", "top_date"], name="top_once_per_stage_and_date"
        ),
        models.CheckConstraint(
            condition=Q(declined__contained_by=list(ITEMS)), name="top_declined_known_items"
        ),
        models.CheckConstraint(condition=Q(stage__in=Stage.values), name="top_stage_valid"),
    ]
    weeks = Q()
    for name in DAY_ITEMS:
        weeks &= Q(**{f"{name}__isnull": True}) | Q(
            **{f"{name}__len": WEEKS, f"{name}__contained_by": _WEEK_VALUES}
        )
    checks.append(models.CheckConstraint(condition=weeks, name="top_weeks_four_of_0_to_7"))
    amounts = Q()
    for name in AMOUNT_ITEMS:
        amounts &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0})
    checks.append(models.CheckConstraint(condition=amounts, name="top_amounts_not_negative"))
    scores = Q()
    for name in SCORE_ITEMS:
        scores &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lte": SCORE_MAX})
    checks.append(models.CheckConstraint(condition=scores, name="top_scores_0_to_20"))
    declined_empty = Q()
    for name in ITEMS:
        column = ITEM_COLUMNS[name]
        declined_empty &= ~Q(declined__contains=[name]) | Q(**{f"{column}__isnull": True})
    checks.append(
        models.CheckConstraint(condition=declined_empty, name="top_declined_item_has_no_value")
    )
    return checks


class TopQuerySet(models.QuerySet):
    def visible_to(self, user) -> "TopQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_ids(user))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="topevent_created_idx")]},
)
class TreatmentOutcomesProfile(models.Model):
    """What happened in the 28 days before `top_date`, week by week."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="tops")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    top_date = models.DateField("TOP date")

    alcohol_days = _weeks_field("Alcohol")
    alcohol_units = _amount("alcohol units on a using day")
    opiates_days = _weeks_field("Opiates (illicit)")
    crack_days = _weeks_field("Crack")
    crack_spend = _amount("crack spend on a using day (GBP)")
    cocaine_days = _weeks_field("Cocaine powder")
    cocaine_spend = _amount("cocaine spend on a using day (GBP)")
    amphetamines_days = _weeks_field("Amphetamines")
    cannabis_days = _weeks_field("Cannabis")
    other_substance = models.ForeignKey(
        Substance, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    other_days = _weeks_field("Other substance")
    tobacco_days = _weeks_field("Tobacco")
    injecting_days = _weeks_field("Injecting")
    sharing = models.BooleanField("shared injecting equipment", null=True, blank=True)
    shoplifting_days = _weeks_field("Shoplifting")
    selling_days = _weeks_field("Selling drugs")
    other_theft_days = _weeks_field("Other theft")
    assault = models.BooleanField("assault or violence", null=True, blank=True)
    work_days = _weeks_field("Paid work")
    education_days = _weeks_field("College or education")
    acute_housing_problem = models.BooleanField(null=True, blank=True)
    risk_of_eviction = models.BooleanField(null=True, blank=True)
    psychological_health = _score("psychological health (0 to 20)")
    physical_health = _score("physical health (0 to 20)")
    quality_of_life = _score("quality of life (0 to 20)")

    declined = ArrayField(models.CharField(max_length=30), default=list, blank=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TopQuerySet.as_manager()

    class Meta:
        ordering = ["top_date", "pk"]
        verbose_name = "Treatment Outcomes Profile"
        indexes = [models.Index(fields=["episode", "stage", "top_date"])]
        constraints = _constraints()

    def __str__(self) -> str:
        return f"{self.get_stage_display()} TOP on {self.top_date}"

    # --- Reading an item -------------------------------------------------

    def is_declined(self, item: str) -> bool:
        return item in (self.declined or ())

    def value(self, item: str):
        """The item's value, "declined", or None when not asked."""
        if self.is_declined(item):
            return "declined"
        return getattr(self, ITEM_COLUMNS[item])

    def total(self, item: str) -> int | None:
        """A `*_days` item's 28-day total; None when declined or not asked."""
        weeks = getattr(self, item)
        if weeks is None or self.is_declined(item):
            return None
        return sum(weeks)

    # --- Rules -------------------------------------------------------------

    def clean(self) -> None:
        """The domain's rules as messages next to the field; the constraints
        above are the backstop."""
        errors: dict[str, str] = {}
        for item in self.declined or ():
            if item not in ITEMS:
                errors["declined"] = f"{item!r} is not a TOP item."
            elif getattr(self, ITEM_COLUMNS[item]) not in (None, []):
                errors[item] = "An item is either answered or declined, not both."
        for name in DAY_ITEMS:
            weeks = getattr(self, name)
            if weeks is None:
                continue
            if len(weeks) != WEEKS or any(w is None for w in weeks):
                errors[name] = "Enter the days for each of the four weeks."
            elif any(not 0 <= w <= DAYS_IN_WEEK for w in weeks):
                errors[name] = "Each week has 0 to 7 days."
        for amount, days in AMOUNT_OF.items():
            value = getattr(self, amount)
            if value is None:
                continue
            if value < 0:
                errors[amount] = "An amount cannot be negative."
            elif days not in errors and not (self.total(days) or 0) > 0:
                errors[amount] = (
                    f"Leave this empty: {DAY_LABELS[days].lower()} was not used on any day."
                )
        for name in SCORE_ITEMS:
            value = getattr(self, name)
            if value is not None and not 0 <= value <= SCORE_MAX:
                errors[name] = "A score is 0 to 20."
        if (self.total("other_days") or 0) > 0 and self.other_substance_id is None:
            errors["other_substance"] = "Name the other substance used."
        errors.update(self._date_errors())
        if errors:
            raise ValidationError(errors)

    def _date_errors(self) -> dict[str, str]:
        if not self.episode_id or self.top_date is None:
            return {}
        episode = self.episode
        referred = episode.referral.referral_date
        end = episode.end_date
        if self.top_date > clock.today():
            return {"top_date": "The TOP date cannot be in the future."}
        if self.top_date < referred:
            return {
                "top_date": f"The TOP date must be on or after the referral ({referred:%-d %B %Y})."
            }
        if self.stage == Stage.POST_EXIT:
            if end is None:
                return {"stage": "A post-exit TOP is for an episode that has ended."}
            if self.top_date <= end:
                return {"top_date": f"A post-exit TOP comes after the discharge ({end:%-d %B %Y})."}
        elif end is not None and self.top_date > end:
            return {
                "top_date": f"The TOP date must be on or before the discharge ({end:%-d %B %Y})."
            }
        clash = TreatmentOutcomesProfile.objects.filter(episode_id=self.episode_id).exclude(
            pk=self.pk
        )
        if self.stage in (Stage.START, Stage.EXIT) and clash.filter(stage=self.stage).exists():
            return {"stage": f"This episode already has a {self.get_stage_display().lower()} TOP."}
        if clash.filter(stage=self.stage, top_date=self.top_date).exists():
            return {"top_date": "This episode already has a TOP of this stage on this date."}
        return {}


def _shown(top: TreatmentOutcomesProfile, item: str) -> str:
    value = top.value(item)
    return "–" if value is None else str(value)


def decorate_episode_tops(episode) -> None:
    """What the TOP panel shows, from prefetched `tops`: no query."""
    tops = sorted(episode.tops.all(), key=lambda t: (t.top_date, t.pk), reverse=True)
    for top in tops:
        declined_crack = top.is_declined("crack_days")
        declined_alcohol = top.is_declined("alcohol_days")
        top.crack_total = "declined" if declined_crack else top.total("crack_days")
        top.alcohol_total = "declined" if declined_alcohol else top.total("alcohol_days")
        top.psychological_shown = _shown(top, "psychological_health")
        top.physical_shown = _shown(top, "physical_health")
        top.quality_shown = _shown(top, "quality_of_life")
    episode.top_list = tops
    episode.has_exit_top = any(t.stage == Stage.EXIT for t in tops)
