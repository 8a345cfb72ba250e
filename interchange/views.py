"""Uploading a bundle: upload, see the check (a dry run), confirm. For
managers (rows of the services they manage) and administrators; everyone
else gets 404, as for a job that is not theirs."""

import csv
from http import HTTPStatus

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.access_log import record_access
from interchange import actions
from interchange.forms import UploadForm, max_upload_bytes
from interchange.models import ImportJob, ImportState
from services.http import AuthenticatedHttpRequest
from services.models import Service

SHOWN_PROBLEMS = 200


def _importer_or_404(user) -> list[str] | None:
    """The service codes the user may import for (None: any, an
    administrator), or 404."""
    if user.is_superuser:
        return None
    codes = list(Service.objects.managed_by(user).values_list("code", flat=True))
    if not codes:
        raise Http404
    return codes


def get_import_for_user(user, pk: int) -> ImportJob:
    """The user's own import job, or 404 (the same for missing)."""
    _importer_or_404(user)
    return get_object_or_404(ImportJob.objects.visible_to(user), pk=pk)


@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    codes = _importer_or_404(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = actions.import_job_create(
            acting_user=request.user, upload=form.cleaned_data["bundle"]
        )
        return redirect("interchange:detail", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).defer("report")[:20]
    context = {"form": form, "jobs": jobs, "codes": codes, "max_bytes": max_upload_bytes()}
    status = HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else 200
    return render(request, "interchange/index.html", context, status=status)


def _context(job: ImportJob) -> dict:
    report = job.report or {}
    problems = report.get("problems", [])
    percent, stage = actions.job_progress(job.pk) if job.is_busy else (100, "")
    return {
        "job": job,
        "report": report,
        "counts": report.get("counts", []),
        "problems": problems[:SHOWN_PROBLEMS],
        "problem_count": report.get("problem_count", 0),
        "more_problems": max(0, report.get("problem_count", 0) - SHOWN_PROBLEMS),
        "percent": percent,
        "stage": stage,
    }


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_import_for_user(request.user, pk)
    context = _context(job)
    if request.htmx:  # the panel polls itself while a task runs
        return render(request, "interchange/detail.html#panel", context)
    context["form"] = UploadForm()
    context["max_bytes"] = max_upload_bytes()
    return render(request, "interchange/detail.html", context)


@require_POST
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_import_for_user(request.user, pk)
    if job.state != ImportState.PREVIEW:
        return render(request, "interchange/detail.html", _context(job), status=409)
    actions.import_job_confirm(job=job)
    return redirect("interchange:detail", pk=job.pk)


@require_GET
def problems(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_import_for_user(request.user, pk)
    record_access(request=request, file_label=f"Import {job.pk}: problems (CSV)")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(["file", "line", "column", "reason"])
    for p in (job.report or {}).get("problems", []):
        writer.writerow([p["file"], p["line"] or "", p["column"] or "", p["reason"]])
    return response
