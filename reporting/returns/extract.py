"""An NDTMS-style client-level extract for a service's own manager.

One row per referral to the service with anything in the date range: the
referral dated in it, or its episode in treatment during it. The fields are
the interchange bundle's, mapped to NDTMS codes where the code lists carry
them (ReferralSource.ndtms_code, Substance.ndtms_code) and to the tables
below otherwise; see docs/returns.md for the reading of the consent rule
and the codes still to be checked against the current NDTMS reference data.

Consent: a client who declined national reporting keeps only what NDTMS
accepts without consent, i.e. nothing that identifies them: the initials
and the date of birth are left empty; the service's own opaque client
reference, sex, ethnic category, age at referral and the treatment fields
stay, so the service's activity is still counted."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db.models import Min, Q

from clients.models import Attendance, Referral
from reporting.metrics.sql import AgeInYears
from reporting.returns.cells import neutralise
from services.models import Service

COLUMNS = (
    "CLIENTID",
    "FINITIAL",
    "SINITIAL",
    "DOB",
    "AGE",
    "SEX",
    "ETHNIC",
    "CONSENT",
    "REFERRAL_REF",
    "REFLD",
    "RFLS",
    "DRUG1",
    "TRIAGED",
    "EPISODE_REF",
    "TIER",
    "MODST",
    "DISD",
    "DISRSN",
    "DISRSN_LOCAL",
)

# NHS person stated gender codes, as NDTMS takes them.
SEX_CODES = {"male": "1", "female": "2", "other": "9", "not_stated": "X"}

# NDTMS discharge reasons. moved_away and other have no national code of
# their own: DISRSN stays empty and DISRSN_LOCAL says what it was.
DISCHARGE_CODES = {
    "completed_drug_free": "80",
    "completed_occasional_user": "81",
    "transferred_not_in_custody": "82",
    "transferred_in_custody": "83",
    "dropped_out": "84",
    "withdrawn_by_provider": "85",
    "declined_by_client": "87",
    "died": "88",
}

WITHHELD_WITHOUT_CONSENT = ("FINITIAL", "SINITIAL", "DOB")


def extract_referrals(*, service: Service, start: dt.date, end: dt.date):
    """The referrals behind the extract, annotated; one query."""
    active = Q(referral_date__gte=start, referral_date__lte=end) | Q(
        episode__start_date__lte=end,
        episode__start_date__isnull=False,
    ) & (Q(episode__end_date__isnull=True) | Q(episode__end_date__gte=start))
    return (
        Referral.objects.filter(service=service)
        .filter(active)
        .filter(referral_date__lte=end)
        .annotate(
            triaged=Min(
                "appointments__appointment_date",
                filter=Q(appointments__attendance=Attendance.ATTENDED),
            ),
            age=AgeInYears("referral_date", "client__date_of_birth"),
        )
        .select_related("client", "source", "primary_substance", "episode")
        .order_by("referral_date", "pk")
    )


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def extract_rows(*, service: Service, start: dt.date, end: dt.date) -> list[dict[str, str]]:
    rows = []
    for r in extract_referrals(service=service, start=start, end=end):
        client = r.client
        episode = getattr(r, "episode", None)
        if episode is not None and episode.start_date > end:
            episode = None  # started after the range: not in this extract
        # As things stood at the end of the range: a later discharge is not yet.
        ended = episode.end_date if episode and episode.end_date else None
        if ended and ended > end:
            ended = None
        reason = episode.discharge_reason_id if ended else ""
        initials = client.initials
        row = {
            "CLIENTID": client.reference,
            "FINITIAL": initials[:1],
            "SINITIAL": initials[-1:] if len(initials) > 1 else "",
            "DOB": _date(client.date_of_birth),
            "AGE": str(r.age),
            "SEX": SEX_CODES.get(client.sex_id, ""),
            "ETHNIC": client.ethnicity_id,
            "CONSENT": "Y" if client.consent_national_reporting else "N",
            "REFERRAL_REF": r.reference,
            "REFLD": _date(r.referral_date),
            "RFLS": r.source.ndtms_code,
            "DRUG1": r.primary_substance.ndtms_code,
            "TRIAGED": _date(r.triaged),
            "EPISODE_REF": episode.reference if episode else "",
            "TIER": str(episode.tier) if episode else "",
            "MODST": _date(episode.start_date) if episode else "",
            "DISD": _date(ended),
            "DISRSN": DISCHARGE_CODES.get(reason, ""),
            "DISRSN_LOCAL": reason or "",
        }
        if not client.consent_national_reporting:
            for field in WITHHELD_WITHOUT_CONSENT:
                row[field] = ""
        rows.append(row)
    return rows


def extract_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row[c]) for c in COLUMNS])
    return out.getvalue().encode("utf-8")
