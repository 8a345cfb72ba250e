"""The monthly NDTMS extract of one service, as rows of local values.

Who is in it: every structured (Tier 3 and 4) treatment journey of the
service active at any time from the start of the financial year (1 April)
to the end of the month: the referral dated in that window, or its episode
in treatment during it. A referral waiting for treatment counts when the
service itself is structured; Tier 2 open-access episodes (and drop-in) are
not collected by NDTMS and are left out. As things stood on the month's last
day: a later start, discharge, review or TOP is not yet.

A client who declined national reporting is one row of three values: the
agency, the client's opaque reference and the consent flag.

The rows hold local codes; `reporting.ndtms.render` maps them through the
version in force, and `reporting.ndtms.rules` checks them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Q
from django.urls import reverse

from clients.models import Attendance, Referral
from clients.review_models import REVIEW_ITEMS, ClientReview
from outcomes.top_models import DAY_ITEMS, ITEMS, YES_NO_ITEMS, TreatmentOutcomesProfile
from services.models import Service

STRUCTURED = (3, 4)
CONSENT_SOURCES = ("agency_code", "client_reference", "consent")
JOURNEY_SOURCES = (
    *CONSENT_SOURCES,
    "initial_first",
    "initial_last",
    "date_of_birth",
    "sex",
    "ethnicity",
    "local_authority",
    "journey_reference",
    "referral_date",
    "referral_source",
    "substance",
    "triage_date",
    "intervention_start",
    "intervention_end",
    "discharge_date",
    "discharge_reason",
    "review_date",
    *REVIEW_ITEMS,
)
TOP_SOURCES = ("top_date", "top_stage", *(f"top:{item}" for item in ITEMS))
SOURCES = frozenset(JOURNEY_SOURCES + TOP_SOURCES)
# Where a manager fixes a value: the client information review (which also
# records where the client lives), the TOP, or the client record.
REVIEW_FIXED = frozenset({"local_authority", "review_date", *REVIEW_ITEMS})


@dataclass
class Row:
    row_type: str  # journey, top or no_consent (reporting.ndtms.models.ROW_TYPES)
    client_reference: str
    values: dict[str, Any]
    links: dict[str, str] = field(default_factory=dict)

    def link_for(self, source: str) -> str:
        if source.startswith("top"):
            return self.links.get("top", "")
        if source in REVIEW_FIXED:
            return self.links.get("review") or self.links.get("record", "")
        return self.links.get("record", "")


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def financial_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def journeys(*, service: Service, start: dt.date, end: dt.date):
    """The referrals behind the extract, with their triage date; one query."""
    started = Q(episode__start_date__lte=end)
    in_treatment = started & (Q(episode__end_date__isnull=True) | Q(episode__end_date__gte=start))
    structured = started & Q(episode__tier__in=STRUCTURED)
    if service.tier in STRUCTURED:
        structured |= Q(episode__isnull=True) | Q(episode__start_date__gt=end)
    return (
        Referral.objects.filter(service=service, referral_date__lte=end)
        .filter(Q(referral_date__gte=start) | in_treatment)
        .filter(structured)
        .annotate(
            triaged=Min(
                "appointments__appointment_date",
                filter=Q(
                    appointments__attendance=Attendance.ATTENDED,
                    appointments__appointment_date__lte=end,
                ),
            )
        )
        .select_related("client", "client__local_authority", "episode")
        .order_by("referral_date", "pk")
    )


def _review_values(review: ClientReview | None) -> dict[str, Any]:
    if review is None:
        return {}
    values: dict[str, Any] = {"review_date": review.review_date}
    for item in REVIEW_ITEMS:
        value = review.value(item)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif hasattr(value, "pk"):
            value = value.pk
        values[item] = value
    return values


def _top_values(top: TreatmentOutcomesProfile) -> dict[str, Any]:
    values: dict[str, Any] = {"top_date": top.top_date, "top_stage": top.stage}
    for item in ITEMS:
        if top.is_declined(item):
            continue  # declined is not 0: the cell stays empty
        value: Any
        if item in DAY_ITEMS:
            value = top.total(item)
        elif item == "other_substance":
            value = top.other_substance_id
        else:
            value = getattr(top, item)
            if item in YES_NO_ITEMS and value is not None:
                value = "yes" if value else "no"
        values[f"top:{item}"] = value
    return values


def extract_rows(*, service: Service, month: dt.date) -> list[Row]:
    """Journey rows in referral order, each followed by its TOP rows. Three
    queries, however many journeys."""
    end = month_end(month)
    start = financial_year_start(end)
    agency = service.ndtms_agency_code
    referrals = list(journeys(service=service, start=start, end=end))
    episodes = {
        r.episode.pk: r.episode
        for r in referrals
        if getattr(r, "episode", None) is not None and r.episode.start_date <= end
    }
    reviews = {
        review.episode_id: review
        for review in ClientReview.objects.filter(episode__in=list(episodes), review_date__lte=end)
        .order_by("episode_id", "-review_date", "-pk")
        .distinct("episode_id")
    }
    tops: dict[int, list[TreatmentOutcomesProfile]] = {}
    for top in TreatmentOutcomesProfile.objects.filter(
        episode__in=list(episodes), top_date__gte=start, top_date__lte=end
    ).order_by("top_date", "pk"):
        tops.setdefault(top.episode_id, []).append(top)

    rows: list[Row] = []
    declined_seen: set[int] = set()
    for r in referrals:
        client = r.client
        base = {"agency_code": agency, "client_reference": client.reference}
        if not client.consent_national_reporting:
            if client.pk not in declined_seen:
                declined_seen.add(client.pk)
                rows.append(Row("no_consent", client.reference, {**base, "consent": "no"}))
            continue
        record = reverse("keywork:record", args=[client.key])
        episode = getattr(r, "episode", None)
        if episode is not None and episode.pk not in episodes:
            episode = None  # started after the month: not in this extract
        ended = (
            episode.end_date if episode and episode.end_date and episode.end_date <= end else None
        )
        links = {"record": record}
        if episode is not None:
            links["review"] = reverse("outcomes:client_review_create", args=[episode.pk])
        initials = client.initials
        values = {
            **base,
            "consent": "yes",
            "initial_first": initials[:1],
            "initial_last": initials[-1:] if len(initials) > 1 else "",
            "date_of_birth": client.date_of_birth,
            "sex": client.sex_id,
            "ethnicity": client.ethnicity_id,
            "local_authority": client.local_authority.code if client.local_authority else None,
            "journey_reference": r.reference,
            "referral_date": r.referral_date,
            "referral_source": r.source_id,
            "substance": r.primary_substance_id,
            "triage_date": r.triaged,
            "intervention_start": episode.start_date if episode else None,
            "intervention_end": ended,
            "discharge_date": ended,
            "discharge_reason": episode.discharge_reason_id if episode and ended else None,
            **_review_values(reviews.get(episode.pk) if episode else None),
        }
        rows.append(Row("journey", client.reference, values, links))
        for top in tops.get(episode.pk, []) if episode else []:
            top_links = {"record": record, "top": reverse("outcomes:top_edit", args=[top.pk])}
            top_values = {
                **base,
                "consent": "yes",
                "journey_reference": r.reference,
                **_top_values(top),
            }
            rows.append(Row("top", client.reference, top_values, top_links))
    return rows
