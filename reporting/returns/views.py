"""Commissioner returns. Thin: fetch through the scoped helpers, validate a
form, call one action, render or respond. (The managers' NDTMS extract is
reporting.ndtms.views.)

Every view answers 404 to anyone outside its audience: a return page to
anyone but its commissioner."""

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
from reporting.returns.forms import QuarterForm
from reporting.returns.quarters import Quarter
from services.http import AuthenticatedHttpRequest
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
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    qr = get_return_for_user(request.user, pk)
    doc = qr.figures if qr.state == ReturnState.DONE else None
    context = {"qr": qr, "doc": doc, "display": display_sheets(doc) if doc else None}
    if request.htmx:
        return render(request, "returns/detail.html#status", context)
    context["downloads"] = qr.downloads.select_related("user")[:20]
    context["services"] = qr.services.all()
    return render(request, "returns/detail.html", context)


@require_GET
def download(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> FileResponse:
    qr = get_return_for_user(request.user, pk)
    if fmt not in FORMATS or qr.state != ReturnState.DONE:
        raise Http404
    stored = qr.xlsx if fmt == "xlsx" else qr.csv
    if not stored:
        raise Http404
    actions.report_download_record(acting_user=request.user, kind=FORMATS[fmt], quarterly_return=qr)
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
