"""Writes for returns: request a return, build it (the task's work), and
record downloads. Keyword-only, typed, one transaction each."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict

from django.core.files.base import ContentFile
from django.db import OperationalError as DatabaseError
from django.db import transaction

from nectos import clock
from nectos.db_router import replica_reads
from nectos.publish import publish_on_commit
from reporting.models import DownloadKind, QuarterlyReturn, ReportDownload, ReturnState
from reporting.returns.build import build_return
from reporting.returns.disclosure import DEFAULT_POLICY
from reporting.returns.quarters import Quarter
from reporting.returns.writers import csv_bytes, xlsx_bytes
from services.models import Service, User

log = logging.getLogger(__name__)

FAILED_MESSAGE = "The return could not be built. Please try again, or tell the administrator."


def quarterly_return_request(*, commissioner: User, quarter: Quarter) -> QuarterlyReturn:
    """Queue a return of the services the user commissions. A return of the
    same quarter still being built is returned rather than queued twice."""
    from reporting.returns import tasks  # the task module imports this one

    services = list(Service.objects.commissioned_by(commissioner))
    if not services:
        raise ValueError("only a commissioner of at least one service can ask for a return")
    with transaction.atomic():
        pending = (
            QuarterlyReturn.objects.visible_to(commissioner)
            .select_for_update()
            .filter(quarter=str(quarter), state__in=[ReturnState.QUEUED, ReturnState.RUNNING])
            .first()
        )
        if pending is not None and not _stuck(pending):
            return pending
        if pending is not None:
            # Its task was lost (a publish failed, a worker died): queue it
            # again rather than hand back a return that will never finish.
            pending.queued_at = clock.now()
            pending.save(update_fields=["queued_at"])
            publish_on_commit(tasks.generate_quarterly_return, pending.pk)
            return pending
        qr = QuarterlyReturn.objects.create(
            commissioner=commissioner,
            quarter=str(quarter),
            policy=asdict(DEFAULT_POLICY),
            queued_at=clock.now(),
        )
        qr.services.set(services)
        publish_on_commit(tasks.generate_quarterly_return, qr.pk)
    return qr


def _stuck(qr: QuarterlyReturn) -> bool:
    from nectos.sweep import STUCK_AFTER

    return clock.now() - (qr.queued_at or qr.requested_at) > STUCK_AFTER


def _set_progress(return_id: int, percent: int) -> None:
    # Outside any transaction on purpose: the page polls for it.
    QuarterlyReturn.objects.filter(pk=return_id).update(progress=min(percent, 99))


def quarterly_return_generate(*, return_id: int) -> None:
    """Build, protect, write and store a queued return. Safe to run twice:
    a finished return is left alone."""
    qr = QuarterlyReturn.objects.select_related("commissioner").get(pk=return_id)
    if qr.state == ReturnState.DONE:
        return
    QuarterlyReturn.objects.filter(pk=return_id).update(
        state=ReturnState.RUNNING, progress=2, message=""
    )
    try:
        services = list(qr.services.all())
        with replica_reads():  # the figures on the read replica when there is one
            doc = build_return(
                services=services,
                quarter=Quarter.parse(qr.quarter),
                commissioner=str(qr.commissioner),
                progress=lambda p: _set_progress(return_id, p),
            )
        xlsx, csv = xlsx_bytes(doc), csv_bytes(doc)
    except DatabaseError:
        raise  # the task retries; the return stays "building" meanwhile
    except Exception:
        # The traceback goes to the log with the return's id only; the page
        # says it failed and the commissioner can ask again.
        log.exception("quarterly return %s failed", return_id)
        QuarterlyReturn.objects.filter(pk=return_id).update(
            state=ReturnState.FAILED, message=FAILED_MESSAGE
        )
        return
    stem = f"return-{qr.quarter}-{qr.commissioner_id}-{qr.pk}"
    with transaction.atomic():
        qr = QuarterlyReturn.objects.select_for_update().get(pk=return_id)
        qr.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        qr.csv.save(f"{stem}.csv", ContentFile(csv), save=False)
        qr.figures = doc
        qr.state = ReturnState.DONE
        qr.progress = 100
        qr.message = ""
        qr.generated_at = clock.now()
        qr.save()


def report_download_record(
    *,
    acting_user: User,
    kind: str,
    quarterly_return: QuarterlyReturn | None = None,
    service: Service | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    rows: int | None = None,
) -> ReportDownload:
    if kind not in DownloadKind.values:
        raise ValueError(f"unknown download kind {kind!r}")
    with transaction.atomic():
        return ReportDownload.objects.create(
            user=acting_user,
            kind=kind,
            quarterly_return=quarterly_return,
            service=service,
            period_from=period_from,
            period_to=period_to,
            rows=rows,
        )
