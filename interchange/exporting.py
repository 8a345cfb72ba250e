"""Writing a bundle: every file streamed from a server-side cursor in one
read-only, repeatable-read transaction (a consistent snapshot), rendered
through the same resource widgets the import reads with."""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet

from clients.models import Appointment, Client, Referral
from interchange import top_files
from interchange.cm_exporting import cm_files
from interchange.formulas import neutralise
from interchange.resources import (
    AppointmentResource,
    BundleResource,
    ClientResource,
    ContactResource,
    EpisodeResource,
    OutcomeResource,
    ReferralResource,
    ServiceResource,
    StaffResource,
)
from keywork.models import Contact, ContactIntervention, Episode
from outcomes.models import OutcomeForm
from services.access import ADMIN
from services.models import Membership, Service, User

CHUNK = 5000


@dataclass
class ExportReport:
    rows: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"  {name:<18} {n:>9,}" for name, n in self.rows.items()]


def export_bundle(path: str | Path, *, service_codes: Iterable[str] | None = None) -> ExportReport:
    """Write the bundle to `path`: a .zip when the name ends so, otherwise a
    folder (created if needed). service_codes limits it to those services."""
    codes = sorted(service_codes) if service_codes is not None else None
    report = ExportReport()
    outermost = not connection.in_atomic_block
    with transaction.atomic(), _sink(Path(path)) as open_file:
        if outermost:  # one snapshot for every file
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for resource, rows in _files(codes):
            with open_file(resource.file_name) as binary:
                text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
                writer = csv.writer(text, lineterminator="\n")
                writer.writerow(resource.columns)
                widgets = [f.widget for f in resource.fields.values()]
                count = 0
                for row in rows:
                    writer.writerow(
                        [neutralise(w.render(v)) for w, v in zip(widgets, row, strict=True)]
                    )
                    count += 1
                text.flush()
                text.detach()
            report.rows[resource.file_name] = count
    return report


@contextmanager
def _sink(path: Path):
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:

            def open_member(name: str) -> IO[bytes]:
                return archive.open(name, "w", force_zip64=True)

            yield open_member
    else:
        path.mkdir(parents=True, exist_ok=True)

        def open_file(name: str) -> IO[bytes]:
            return open(path / name, "wb")  # noqa: SIM115 (closed by the with above)

        yield open_file


def _stream(queryset: QuerySet, columns: list[str]) -> Iterator[tuple]:
    return queryset.values_list(*columns).iterator(chunk_size=CHUNK)


def _files(codes: list[str] | None) -> Iterator[tuple[BundleResource, Iterable[tuple]]]:
    def in_scope(qs: QuerySet, path: str) -> QuerySet:
        return qs if codes is None else qs.filter(**{f"{path}__in": codes})

    services = in_scope(Service.objects.all(), "code").order_by("code")
    yield (
        ServiceResource(),
        _stream(services, ["code", "name", "tier", "open_access_drop_in", "day_programme_weeks"]),
    )
    yield StaffResource(), _staff_rows(codes)

    clients = Client.objects.all()
    if codes is not None:
        clients = clients.filter(
            pk__in=Referral.objects.filter(service__code__in=codes).values("client_id")
        )
    yield (
        ClientResource(),
        _stream(
            clients.order_by("reference"),
            ["reference", "initials", "date_of_birth", "sex_id", "ethnicity_id", "preferred_name"],
        ),
    )
    referrals = in_scope(Referral.objects.all(), "service__code").order_by("reference")
    yield (
        ReferralResource(),
        _stream(
            referrals,
            [
                "reference",
                "client__reference",
                "service__code",
                "referral_date",
                "source_id",
                "primary_substance_id",
            ],
        ),
    )
    appointments = in_scope(Appointment.objects.all(), "referral__service__code").order_by(
        "referral__reference", "appointment_date", "pk"
    )
    yield (
        AppointmentResource(),
        _stream(
            appointments,
            ["referral__reference", "offered_date", "appointment_date", "attendance"],
        ),
    )
    episodes = in_scope(Episode.objects.all(), "referral__service__code").order_by("reference")
    yield (
        EpisodeResource(),
        _stream(
            episodes,
            [
                "reference",
                "referral__reference",
                "tier",
                "start_date",
                "end_date",
                "discharge_reason_id",
                "keyworker__username",
                "planned_days",
            ],
        ),
    )
    contacts = (
        in_scope(Contact.objects.all(), "episode__referral__service__code")
        .annotate(
            codes=ArraySubquery(
                ContactIntervention.objects.filter(contact=OuterRef("pk"))
                .order_by("intervention_id")
                .values("intervention_id")
            )
        )
        .order_by("episode__reference", "contact_date", "contact_type", "pk")
    )
    yield (
        ContactResource(),
        _stream(
            contacts,
            [
                "episode__reference",
                "contact_date",
                "contact_type",
                "mode",
                "duration_minutes",
                "attendance",
                "codes",
            ],
        ),
    )
    forms = in_scope(OutcomeForm.objects.all(), "episode__referral__service__code").order_by(
        "episode__reference", "timepoint", "reported_by"
    )
    yield (
        OutcomeResource(),
        _stream(
            forms,
            [
                "episode__reference",
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
            ],
        ),
    )
    yield from cm_files(in_scope)
    yield from top_files.export_files(codes)


def _staff_rows(codes: list[str] | None) -> list[tuple[Any, ...]]:
    """One row per person and role, listing the services they hold it in.
    Administrators appear in a whole-system export only; staff with no
    role anywhere are not exported."""
    memberships = Membership.objects.all()
    if codes is not None:
        memberships = memberships.filter(service__code__in=codes)
    grouped: dict[tuple[str, str], list] = {}
    for username, full_name, email, role, code in memberships.values_list(
        "user__username", "user__full_name", "user__email", "role", "service__code"
    ):
        row = grouped.setdefault((username, role), [username, full_name, email, role, []])
        row[4].append(code)
    if codes is None:
        for username, full_name, email in User.objects.filter(is_superuser=True).values_list(
            "username", "full_name", "email"
        ):
            grouped[(username, ADMIN)] = [username, full_name, email, ADMIN, []]
    return [tuple(grouped[key]) for key in sorted(grouped)]


__all__ = ["export_bundle", "ExportReport", "F", "Q"]
