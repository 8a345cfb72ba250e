"""The keyworker's home (caseload) and the service's waiting list. One view
serves each page and its HTMX fragment (sorting, switching, paging)."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clients.access import clinical_required, clinical_services
from clients.models import Attendance
from keywork import queries
from nectos import clock
from nectos.params import parse_id
from services.http import AuthenticatedHttpRequest
from services.models import User


def sort_headers(columns: list[tuple], sort: str, params: dict) -> list[dict]:
    """Column headers whose links flip the sort; aria-sort says the current one.
    `columns` are (key or None, label, css classes)."""
    headers = []
    for key, label, css in columns:
        header = {"label": label, "css": css, "url": None, "aria_sort": None}
        if key:
            current = sort.lstrip("-") == key
            descending = sort.startswith("-")
            following = f"-{key}" if current and not descending else key
            header["url"] = "?" + urlencode({**params, "sort": following})
            if current:
                header["aria_sort"] = "descending" if descending else "ascending"
        headers.append(header)
    return headers


# For the sort menu (phones show no column headings): ascending, descending.
CASELOAD_SORT_LABELS = {
    "client": ("Client, A to Z", "Client, Z to A"),
    "tier": ("Tier, 2 to 4", "Tier, 4 to 2"),
    "days": ("Fewest days in treatment", "Most days in treatment"),
    "seen": ("Seen most recently", "Longest since seen"),
    "next": ("Next appointment soonest", "Next appointment latest"),
    "keyworker": ("Keyworker, A to Z", "Keyworker, Z to A"),
}
WAITING_SORT_LABELS = {
    "stage": ("Outcomes to record first", "Assessed first"),
    "days": ("Fewest days waiting", "Most days waiting"),
    "client": ("Client, A to Z", "Client, Z to A"),
    "service": ("Service, A to Z", "Service, Z to A"),
    "last": ("Last appointment, earliest first", "Last appointment, latest first"),
}


def sort_options(columns: list[tuple], labels: dict) -> list[tuple[str, str]]:
    options = []
    for key, _label, _css in columns:
        if key in labels:
            ascending, descending = labels[key]
            options += [(key, ascending), (f"-{key}", descending)]
    return options


def _int_or_none(value: str | None) -> int | None:
    return parse_id(value)


@clinical_required
@require_GET
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    staff = queries.caseload_staff(user)
    manages = bool(staff)
    choice = request.GET.get("worker", "all" if manages else "me")
    worker: User | None = user
    if manages:
        if choice == "all":
            worker = None
        else:
            wanted = _int_or_none(choice)
            worker = next((s for s in staff if s.pk == wanted), user)
            choice = "me" if worker == user else str(worker.pk)
    else:
        choice = "me"
    sort = request.GET.get("sort", queries.DEFAULT_CASELOAD_SORT)
    if sort.lstrip("-") not in queries.CASELOAD_SORTS:
        sort = queries.DEFAULT_CASELOAD_SORT
    page = queries.caseload_page(
        user,
        worker=worker,
        sort=sort,
        page=request.GET.get("page", 1),
        back=request.get_full_path(),
    )
    # Embedded in the home page (loaded there by HTMX): h2 headings, no URL push.
    embedded = bool(request.htmx) and request.GET.get("embed") == "1"
    params = {"worker": choice, **({"embed": "1"} if embedded else {})}
    columns = [
        ("client", "Client", ""),
        ("tier", "Tier", ""),
        ("days", "Days in treatment", ""),
        ("seen", "Last attended contact", ""),
        ("next", "Next appointment", ""),
    ]
    if worker is None:
        columns.append(("keyworker", "Keyworker", ""))
    context = {
        "headers": sort_headers(columns, sort, params),
        "sort_options": sort_options(columns, CASELOAD_SORT_LABELS),
        "query": urlencode({**params, "sort": sort}),
        "page_obj": page,
        "episodes": page.object_list,
        "staff": staff,
        "manages": manages,
        "worker": worker,
        "worker_choice": choice,
        "sort": sort,
        "unresolved_count": queries.unresolved_appointments(user).count(),
        "embedded": embedded,
        "today": clock.today(),
    }
    template = "keywork/caseload.html#panel" if request.htmx else "keywork/caseload.html"
    return render(request, template, context)


@clinical_required
@require_GET
def waiting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    services = list(clinical_services(user))
    wanted = _int_or_none(request.GET.get("service"))
    service = next((s for s in services if s.pk == wanted), None)
    stage = request.GET.get("stage", "")
    if stage not in queries.Stage.labels:
        stage = ""
    sort = request.GET.get("sort", queries.DEFAULT_WAITING_SORT)
    if sort.lstrip("-") not in queries.WAITING_SORTS:
        sort = queries.DEFAULT_WAITING_SORT
    page, counts = queries.waiting_list_page(
        user, service=service, stage=stage, sort=sort, page=request.GET.get("page", 1)
    )
    params = {"service": service.pk if service else "", "stage": stage}
    show_service = service is None and len(services) > 1
    columns = [
        ("client", "Client", ""),
        *([("service", "Service", "")] if show_service else []),
        ("days", "Days waiting", ""),
        ("stage", "Stage", ""),
        ("last", "Last appointment", ""),
        (None, "Next step", ""),
    ]
    context = {
        "show_service": show_service,
        "headers": sort_headers(columns, sort, params),
        "sort_options": sort_options(columns, WAITING_SORT_LABELS),
        "query": urlencode({**params, "sort": sort}),
        "page_obj": page,
        "referrals": page.object_list,
        "services": services,
        "service": service,
        "stage": stage,
        "stages": [(key, queries.Stage.labels[key], counts[key]) for key in queries.Stage.order],
        "total": sum(counts.values()),
        "sort": sort,
        "today": clock.today(),
        "attendance_choices": Attendance.choices,
    }
    template = (
        "keywork/episodes/waiting_list.html#panel"
        if request.htmx
        else "keywork/episodes/waiting_list.html"
    )
    return render(request, template, context)
