"""Writes for the NDTMS extract: build and store one. Keyword-only, one
transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from nectos import clock
from reporting.ndtms.build import extract_rows, month_end
from reporting.ndtms.models import CoreDataSetVersion, NdtmsExtract
from reporting.ndtms.reference import reference_for
from reporting.ndtms.render import extract_csv
from reporting.ndtms.rules import check
from services.models import Service, User


class NoVersionInForce(Exception):
    pass


def extract_compute(*, service: Service, month: dt.date):
    """(version, CSV text, rows, problems) with the version in force on the
    month's last day."""
    version = CoreDataSetVersion.objects.in_force_on(month_end(month))
    if version is None:
        raise NoVersionInForce(
            f"No NDTMS core data set version is in force for {month:%B %Y}: "
            "ask the administrator to load one."
        )
    ref = reference_for(version)
    rows = extract_rows(service=service, month=month)
    problems = check(rows, ref, agency_code=service.ndtms_agency_code)
    return version, extract_csv(rows, ref), rows, problems


def ndtms_extract_build(*, acting_user: User, service: Service, month: dt.date) -> NdtmsExtract:
    """Build the month's extract and keep it, file and problems, as built."""
    version, content, rows, problems = extract_compute(service=service, month=month)
    with transaction.atomic():
        return NdtmsExtract.objects.create(
            service=service,
            month=month,
            version=version,
            built_at=clock.now(),
            built_by=acting_user,
            rows=len(rows),
            errors=len(problems),
            problems=[p.as_dict() for p in problems],
            content=content,
        )
