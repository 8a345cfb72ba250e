"""What a figure is computed over: services, a period and an as-of date, and
the base querysets every measure starts from (domain.md, the as-of rule)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When

from clients.models import EthnicCategory, Referral, ReferralSource, Sex
from keywork.models import Contact, Episode
from outcomes.models import OutcomeForm
from reporting.metrics.sql import AgeInYears
from services.models import Service


@dataclass(frozen=True)
class Cohort:
    """Referrals dated, and episodes started, from `start` to `end` inclusive,
    as things stood on `as_of`. `services` is an iterable of service ids or a
    Service queryset (e.g. `Service.objects.managed_by(user)`); None means
    every service."""

    start: dt.date
    end: dt.date
    as_of: dt.date
    services: Iterable[int] | QuerySet | None = None

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("the period starts after it ends")
        if self.services is not None and not isinstance(self.services, QuerySet):
            object.__setattr__(self, "services", tuple(self.services))

    @property
    def last_day(self) -> dt.date:
        """Records dated after the as-of date are ignored."""
        return min(self.end, self.as_of)

    def with_services(self, services: Iterable[int] | QuerySet | None) -> "Cohort":
        return Cohort(self.start, self.end, self.as_of, services)


def in_services(cohort: Cohort, path: str) -> Q:
    if cohort.services is None:
        return Q()
    return Q(**{f"{path}__in": cohort.services})


def cohort_referrals(cohort: Cohort) -> QuerySet:
    """Referrals dated in the period (and not after the as-of date)."""
    return Referral.objects.filter(
        in_services(cohort, "service"),
        referral_date__gte=cohort.start,
        referral_date__lte=cohort.last_day,
    )


def cohort_episodes(cohort: Cohort) -> QuerySet:
    """Episodes started in the period (and not after the as-of date)."""
    return Episode.objects.filter(
        in_services(cohort, "referral__service"),
        start_date__gte=cohort.start,
        start_date__lte=cohort.last_day,
    )


def cohort_contacts(cohort: Cohort) -> QuerySet:
    """Contacts dated by the as-of date, in episodes started in the period."""
    return Contact.objects.filter(
        in_services(cohort, "episode__referral__service"),
        episode__start_date__gte=cohort.start,
        episode__start_date__lte=cohort.last_day,
        contact_date__lte=cohort.as_of,
    )


def cohort_forms(cohort: Cohort) -> QuerySet:
    """Outcome forms dated by the as-of date, in episodes started in the period."""
    return OutcomeForm.objects.filter(
        in_services(cohort, "episode__referral__service"),
        episode__start_date__gte=cohort.start,
        episode__start_date__lte=cohort.last_day,
        form_date__lte=cohort.as_of,
    )


# --- Breakdowns ---------------------------------------------------------------

BREAKDOWNS = ("service", "source", "source_group", "sex", "ethnicity", "age_band", "keyworker")
# The command's --by choices (domain.md) plus the reporting source group.
COMMAND_BREAKDOWNS = ("source", "source_group", "sex", "ethnicity", "age_band")

AGE_BANDS = ("under_18", "18-24", "25-34", "35-44", "45-54", "55+")
# Broad ethnic groups in the order returns print them.
ETHNIC_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "Not stated")
UNKNOWN = "unknown"

# How to reach the referral (and its client) from each base model.
_TO_REFERRAL = {Referral: "", Episode: "referral__", Contact: "episode__referral__"}
_TO_REFERRAL[OutcomeForm] = "episode__referral__"
_TO_EPISODE = {Referral: "episode__", Episode: "", Contact: "episode__", OutcomeForm: "episode__"}


def age_band_expression(referral_date: str, date_of_birth: str) -> tuple[Case, AgeInYears]:
    """Age at the referral date in the bands of the returns, and the age
    itself (annotate it as `_age` first). Under-18s (rare: adult services)
    get their own band so that groups add up to the total."""
    age = AgeInYears(F(referral_date), F(date_of_birth))
    return Case(
        When(Q(_age__lt=18), then=Value("under_18")),
        When(Q(_age__lt=25), then=Value("18-24")),
        When(Q(_age__lt=35), then=Value("25-34")),
        When(Q(_age__lt=45), then=Value("35-44")),
        When(Q(_age__lt=55), then=Value("45-54")),
        default=Value("55+"),
        output_field=CharField(),
    ), age


def with_group(qs: QuerySet, by: str) -> QuerySet:
    """Annotate `group` (the breakdown code) on a base queryset."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; choose from {', '.join(BREAKDOWNS)}")
    ref = _TO_REFERRAL[qs.model]
    if by == "age_band":
        case, age = age_band_expression(f"{ref}referral_date", f"{ref}client__date_of_birth")
        return qs.annotate(_age=age, group=case)
    paths = {
        "service": f"{ref}service__code",
        "source": f"{ref}source_id",
        "source_group": f"{ref}source__reporting_group",
        "sex": f"{ref}client__sex_id",
        "ethnicity": f"{ref}client__ethnicity__broad_group",
        "keyworker": f"{_TO_EPISODE[qs.model]}keyworker__username",
    }
    return qs.annotate(group=F(paths[by]))


def group_key(value: Any) -> str:
    return UNKNOWN if value is None else str(value)


def group_order(by: str, keys: Iterable[str]) -> list[str]:
    """The breakdown's codes in code-list order; unknown last."""
    keys = set(keys)
    if by == "age_band":
        order = list(AGE_BANDS)
    elif by == "ethnicity":
        order = list(ETHNIC_GROUPS)
    elif by == "sex":
        order = list(Sex.objects.values_list("code", flat=True))
    elif by == "source":
        order = list(ReferralSource.objects.values_list("code", flat=True))
    elif by == "source_group":
        order = list(
            dict.fromkeys(ReferralSource.objects.values_list("reporting_group", flat=True))
        )
    else:
        order = []
    ranked = [k for k in order if k in keys]
    rest = sorted(k for k in keys if k not in order and k != UNKNOWN)
    return ranked + rest + ([UNKNOWN] if UNKNOWN in keys else [])


def group_labels(by: str) -> dict[str, str]:
    """Display labels for a breakdown's codes (one query, or none)."""
    if by == "sex":
        return dict(Sex.objects.values_list("code", "label"))
    if by == "source":
        return dict(ReferralSource.objects.values_list("code", "label"))
    if by == "service":
        return dict(Service.objects.values_list("code", "name"))
    if by == "age_band":
        return {b: ("Under 18" if b == "under_18" else b) for b in AGE_BANDS}
    if by == "ethnicity":
        return {g: g for g in EthnicCategory.objects.values_list("broad_group", flat=True)}
    return {}
