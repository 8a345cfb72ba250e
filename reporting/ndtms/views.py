"""The managers' NDTMS extract: build a month's extract of a service they
manage, read its data-quality report, download it. Every view answers 404
to anyone who manages no service, and to an extract of another service."""

from http import HTTPStatus

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from clients.access_log import record_access
from clients.models import AccessKind
from nectos import clock
from reporting.models import DownloadKind
from reporting.ndtms.actions import NoVersionInForce, ndtms_extract_build
from reporting.ndtms.build import financial_year_start, month_end
from reporting.ndtms.forms import ExtractForm
from reporting.ndtms.models import CoreDataSetVersion, NdtmsExtract
from reporting.ndtms.queries import (
    get_extract_for_user,
    managed_services_or_404,
    recent_extracts,
)
from reporting.ndtms.rules import counts_by_rule
from reporting.returns.actions import report_download_record
from services.http import AuthenticatedHttpRequest


def _label(extract: NdtmsExtract) -> str:
    return f"NDTMS extract {extract.service.code} {extract.month:%Y-%m} ({extract.version.name})"


@require_http_methods(["GET", "POST"])
def extract(request: AuthenticatedHttpRequest) -> HttpResponse:
    services = managed_services_or_404(request.user)
    today = clock.today()
    form = ExtractForm(request.POST or None, services=services, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            built = ndtms_extract_build(
                acting_user=request.user,
                service=form.cleaned_data["service"],
                month=form.cleaned_data["month"],
            )
        except NoVersionInForce as e:
            form.add_error("month", str(e))
        else:
            record_access(
                request=request,
                file_label=f"{_label(built)} built",
                kind=AccessKind.EXPORT,
                service=built.service,
            )
            return redirect("returns:extract_detail", pk=built.pk)
    context = {
        "form": form,
        "extracts": recent_extracts(request.user),
        "in_force": CoreDataSetVersion.objects.in_force_on(today),
    }
    status = HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else 200
    return render(request, "returns/extract.html", context, status=status)


@require_GET
def extract_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    built = get_extract_for_user(request.user, pk)
    # The report names clients by their reference: one access event.
    record_access(
        request=request,
        file_label=f"{_label(built)} data-quality report",
        kind=AccessKind.VIEW,
        service=built.service,
    )
    context = {
        "extract": built,
        "counts": counts_by_rule(built.problems),
        "problems": built.problems,
        "period_start": financial_year_start(built.month),
        "period_end": month_end(built.month),
    }
    return render(request, "returns/extract_detail.html", context)


@require_GET
def extract_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    built = get_extract_for_user(request.user, pk)
    report_download_record(
        acting_user=request.user,
        kind=DownloadKind.NDTMS_EXTRACT,
        service=built.service,
        period_from=financial_year_start(built.month),
        period_to=month_end(built.month),
        rows=built.rows,
    )
    record_access(
        request=request, file_label=_label(built), kind=AccessKind.DOWNLOAD, service=built.service
    )
    response = HttpResponse(built.content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    return response
