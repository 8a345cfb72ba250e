"""Commissioner returns and the managers' NDTMS extract. Thin: fetch through
the scoped helpers, validate a form, call one action, render or respond.

Every view answers 404 to anyone outside its audience: a return page to
anyone but its commissioner, the extract to anyone who manages no service."""

import re
from http import HTTPStatus

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from clients.access_log import record_access
from clients.models import AccessKind
from nectos import clock
from reporting.models import DownloadKind, QuarterlyReturn, ReturnState
from reporting.returns import actions
from reporting.returns.charts import display_sheets
from reporting.returns.extract import extract_csv, extract_rows
from reporting.returns.forms import ExtractForm, QuarterForm
from reporting.returns.quarters import Quarter
from services.models import Service

FORMATS = {"xlsx": DownloadKind.RETURN_XLSX, "csv": DownloadKind.RETURN_CSV}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _commissioned_or_404(user):
    services = Service.objects.commissioned_by(user)
    if not services.exists():
        raise Http404
    return services


def get_return_for_user(user, pk: int) -> QuarterlyReturn:
    """The user's own stored return, or 404 (the same for missing)."""
    return get_object_or_404(
        QuarterlyReturn.objects.visible_to(user).select_related("commissioner"), pk=pk
    )


@require_http_methods(["GET", "POST"])
def index(request):
    _commissioned_or_404(request.user)
    today = clock.today()
    form = QuarterForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        qr = actions.quarterly_return_request(
            commissioner=request.user, quarter=form.cleaned_data["quarter"]
        )
        return redirect("returns:detail", pk=qr.pk)
    returns = (
        QuarterlyReturn.objects.visible_to(request.user)
        .defer("figures")
        .prefetch_related("services")[:40]
    )
    status = HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else 200
    context = {"form": form, "returns": returns, "latest": Quarter.latest_complete(today)}
    return render(request, "returns/index.html", context, status=status)


@require_GET
def detail(request, pk: int):
    qr = get_return_for_user(request.user, pk)
    doc = qr.figures if qr.state == ReturnState.DONE else None
    context = {"qr": qr, "doc": doc, "display": display_sheets(doc) if doc else None}
    if request.htmx:
        return render(request, "returns/detail.html#status", context)
    context["downloads"] = qr.downloads.select_related("user")[:20]
    context["services"] = qr.services.all()
    return render(request, "returns/detail.html", context)


@require_GET
def download(request, pk: int, fmt: str):
    qr = get_return_for_user(request.user, pk)
    if fmt not in FORMATS or qr.state != ReturnState.DONE:
        raise Http404
    stored = qr.xlsx if fmt == "xlsx" else qr.csv
    if not stored:
        raise Http404
    actions.report_download_record(user=request.user, kind=FORMATS[fmt], quarterly_return=qr)
    record_access(
        request=request,
        file_label=f"Quarterly return {qr.quarter} ({fmt.upper()})",
        kind=AccessKind.DOWNLOAD,
    )
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"nectos-return-{qr.quarter}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )


@require_http_methods(["GET", "POST"])
def extract(request):
    services = Service.objects.managed_by(request.user)
    if not services.exists():
        raise Http404
    form = ExtractForm(request.POST or None, services=services)
    if request.method == "POST":
        if form.is_valid():
            service = form.cleaned_data["service"]
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            rows = extract_rows(service=service, start=start, end=end)
            actions.report_download_record(
                user=request.user,
                kind=DownloadKind.NDTMS_EXTRACT,
                service=service,
                period_from=start,
                period_to=end,
                rows=len(rows),
            )
            record_access(
                request=request,
                file_label=f"NDTMS extract, {service.code}, {start} to {end}",
                kind=AccessKind.EXPORT,
                service=service,
            )
            response = HttpResponse(extract_csv(rows), content_type=CONTENT_TYPES["csv"])
            code = re.sub(r"[^A-Za-z0-9_-]", "", service.code) or "service"
            name = f"ndtms-extract-{code}-{start:%Y%m%d}-{end:%Y%m%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return render(
            request, "returns/extract.html", {"form": form}, status=HTTPStatus.UNPROCESSABLE_ENTITY
        )
    return render(request, "returns/extract.html", {"form": form})
