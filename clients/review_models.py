"""Client information reviews: housing, work, children and safeguarding,
mental health, blood-borne viruses and injecting, recorded at the start of
an episode and at each TOP review. They describe the person, so they live
with the client, but each is dated and tied to the episode it was taken in.

As on the TOP, NULL is "not asked" and the `declined` array names the
items the client declined to answer (whose own column then stays NULL)."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from clients.models import CodeList
from clients.review_codes import PARENT_CODES
from nectos import clock
from services.models import Service


class AccommodationNeed(CodeList):
    pass


class EmploymentStatus(CodeList):
    class Meta(CodeList.Meta):
        verbose_name_plural = "employment statuses"


class ParentalStatus(CodeList):
    class Meta(CodeList.Meta):
        verbose_name_plural = "parental statuses"


class InjectingStatus(CodeList):
    class Meta(CodeList.Meta):
        verbose_name_plural = "injecting statuses"


class HepBVaccination(CodeList):
    pass


class HepCTest(CodeList):
    pass


class HepCResult(CodeList):
    pass


CODED = {
    "accommodation_need": AccommodationNeed,
    "employment_status": EmploymentStatus,
    "parental_status": ParentalStatus,
    "injecting_status": InjectingStatus,
    "hepb_vaccination": HepBVaccination,
    "hepc_test": HepCTest,
    "hepc_result": HepCResult,
}
YES_NO = (
    "early_help_or_social_care",
    "pregnant",
    "mental_health_need",
    "mental_health_treatment",
    "naloxone_issued",
)
# client_reviews.csv's item columns, in order.
REVIEW_ITEMS = (
    "accommodation_need",
    "employment_status",
    "parental_status",
    "children_in_household",
    "early_help_or_social_care",
    "pregnant",
    "mental_health_need",
    "mental_health_treatment",
    "injecting_status",
    "hepb_vaccination",
    "hepc_test",
    "hepc_result",
    "naloxone_issued",
)
REVIEW_COLUMNS = {n: (f"{n}_id" if n in CODED else n) for n in REVIEW_ITEMS}
CHILDREN_MAX = 30


def _code(model, label: str) -> models.ForeignKey:
    return models.ForeignKey(
        model, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=label
    )


def _constraints() -> list:
    declined_empty = Q()
    for name in REVIEW_ITEMS:
        column = REVIEW_COLUMNS[name]
        declined_empty &= ~Q(declined__contains=[name]) | Q(**{f"{column}__isnull": True})
    return [
        models.UniqueConstraint(
            fields=["episode", "review_date"], name="client_review_once_a_day_per_episode"
        ),
        models.CheckConstraint(
            condition=Q(declined__contained_by=list(REVIEW_ITEMS)),
            name="client_review_declined_known_items",
        ),
        models.CheckConstraint(
            condition=declined_empty, name="client_review_declined_item_has_no_value"
        ),
        models.CheckConstraint(
            condition=Q(children_in_household__isnull=True)
            | Q(children_in_household__lte=CHILDREN_MAX),
            name="client_review_children_in_range",
        ),
    ]


class ClientReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ClientReviewQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_ids(user))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    meta={
        "indexes": [models.Index(fields=["pgh_created_at"], name="clientreviewevent_created_idx")]
    },
)
class ClientReview(models.Model):
    episode = models.ForeignKey(
        "keywork.Episode", on_delete=models.CASCADE, related_name="client_reviews"
    )
    review_date = models.DateField()
    accommodation_need = _code(AccommodationNeed, "accommodation need")
    employment_status = _code(EmploymentStatus, "employment status")
    parental_status = _code(ParentalStatus, "parental status")
    children_in_household = models.PositiveSmallIntegerField(
        "children under 18 in the household",
        null=True,
        blank=True,
        validators=[MaxValueValidator(CHILDREN_MAX)],
    )
    early_help_or_social_care = models.BooleanField(
        "early help or children's social care involved", null=True, blank=True
    )
    pregnant = models.BooleanField(null=True, blank=True)
    mental_health_need = models.BooleanField(null=True, blank=True)
    mental_health_treatment = models.BooleanField(
        "receiving mental health treatment", null=True, blank=True
    )
    injecting_status = _code(InjectingStatus, "injecting status")
    hepb_vaccination = _code(HepBVaccination, "hepatitis B vaccination")
    hepc_test = _code(HepCTest, "hepatitis C test")
    hepc_result = _code(HepCResult, "hepatitis C result")
    naloxone_issued = models.BooleanField(null=True, blank=True)
    declined = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientReviewQuerySet.as_manager()

    class Meta:
        ordering = ["review_date", "pk"]
        constraints = _constraints()

    def __str__(self) -> str:
        return f"Client information review on {self.review_date}"

    def is_declined(self, item: str) -> bool:
        return item in (self.declined or ())

    def value(self, item: str):
        if self.is_declined(item):
            return "declined"
        return getattr(self, REVIEW_COLUMNS[item])

    @property
    def with_children(self) -> bool:
        """Lives with or is a parent of under-18s."""
        return bool(self.children_in_household) or self.parental_status_id in PARENT_CODES

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for item in self.declined or ():
            if item not in REVIEW_ITEMS:
                errors["declined"] = f"{item!r} is not a review item."
            elif getattr(self, REVIEW_COLUMNS[item]) is not None:
                errors[item] = "An item is either answered or declined, not both."
        if self.hepc_result_id is not None and self.hepc_test_id not in (None, "tested"):
            errors["hepc_result"] = "A hepatitis C result needs a test: set the test to tested."
        if self.episode_id and self.review_date is not None:
            episode = self.episode
            referred = episode.referral.referral_date
            if self.review_date > clock.today():
                errors["review_date"] = "The review date cannot be in the future."
            elif self.review_date < referred:
                errors["review_date"] = (
                    f"The review date must be on or after the referral ({referred:%-d %B %Y})."
                )
            elif episode.end_date is not None and self.review_date > episode.end_date:
                errors["review_date"] = (
                    f"The review date must be on or before the discharge "
                    f"({episode.end_date:%-d %B %Y})."
                )
            elif (
                ClientReview.objects.filter(episode_id=self.episode_id)
                .filter(review_date=self.review_date)
                .exclude(pk=self.pk)
                .exists()
            ):
                errors["review_date"] = "This episode already has a review on this date."
        if errors:
            raise ValidationError(errors)
