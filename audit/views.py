"""The access audit pages: who looked at a client's record (managers), the
subject access download (managers), break-glass access (clinical staff) and
its log (managers). Thin: scoped fetch, one action, render."""

from http import HTTPStatus

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from audit import access as audit
from audit.forms import BreakGlassForm, FromSearchForm
from clients.models import AccessEvent, AccessKind, BreakGlassAttempt, BreakGlassCategory
from nectos import clock
from services.models import Service

PAGE_SIZE = 100


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def client_access(request: HttpRequest, key) -> HttpResponse:
    client = audit.managed_client(request.user, key)
    audit.record_access(request=request, client=client)
    page = _page(request, audit.access_events_for(client))
    return render(request, "audit/client_access.html", {"client": client, "page": page})


@require_GET
def subject_access(request: HttpRequest, key) -> HttpResponse:
    client = audit.managed_client(request.user, key)
    audit.record_access(
        request=request,
        client=client,
        file_label="Subject access request download",
        kind=AccessKind.DOWNLOAD,
    )
    # A manager's download holds their services' records only.
    managed = list(Service.objects.managed_by(request.user).values_list("pk", flat=True))
    body = audit.subject_access_json(client, generated_by=request.user, services=managed)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"subject-access-request-{clock.today():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    if not Service.objects.has_clinical(request.user):
        raise Http404("No such page")
    if request.method == "POST" and "from_search" in request.POST:
        # A search of the user's own services found nothing: start the form
        # from what they searched for; the reason is theirs to give.
        initial = FromSearchForm(request.POST).initial_for_break_glass()
        form = BreakGlassForm(initial=initial)
        form.focus_what_is_missing()
        return render(request, "audit/break_glass.html", {"form": form})
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST":
        # Every sending is logged (never its search terms) and counted.
        category = request.POST.get("category", "")
        category = category if category in BreakGlassCategory.values else ""
        if audit.break_glass_attempts_exhausted(request.user):
            audit.break_glass_attempt_log(
                request=request, outcome=BreakGlassAttempt.Outcome.LIMITED, category=category
            )
            form.is_valid()  # nothing is looked up: only to show the form again
            form.add_error(
                None,
                "You have reached the limit of break-glass attempts for this hour. "
                "Try again later, or ask the client's service directly.",
            )
            return render(request, "audit/break_glass.html", {"form": form}, status=429)
        if not form.is_valid():
            audit.break_glass_attempt_log(
                request=request, outcome=BreakGlassAttempt.Outcome.INVALID, category=category
            )
        else:
            data = form.cleaned_data
            client = audit.find_client_for_break_glass(
                reference=data["reference"],
                initials=data["initials"],
                date_of_birth=data["date_of_birth"],
            )
            if client is not None:
                audit.break_glass_attempt_log(
                    request=request, outcome=BreakGlassAttempt.Outcome.OPENED, category=category
                )
                event = audit.break_glass_open(
                    request=request, client=client, reason=data["reason"], category=category
                )
                sections = audit.record_sections(client)
                return render(
                    request,
                    "audit/break_glass_record.html",
                    {"client": client, "event": event, "sections": sections},
                )
            audit.break_glass_attempt_log(
                request=request, outcome=BreakGlassAttempt.Outcome.NO_MATCH, category=category
            )
            form.add_error(
                None,
                "No single client matches. Check the reference with the client's service, "
                "or give initials and date of birth exactly as they hold them.",
            )
        return render(
            request,
            "audit/break_glass.html",
            {"form": form},
            status=HTTPStatus.UNPROCESSABLE_ENTITY,
        )
    return render(request, "audit/break_glass.html", {"form": form})


@require_GET
def break_glass_log(request: HttpRequest) -> HttpResponse:
    if not Service.objects.has_managed(request.user):
        raise Http404("No such page")
    events = (
        AccessEvent.objects.visible_to(request.user)
        .filter(kind=AccessKind.BREAK_GLASS)
        .select_related("user", "service", "client")
    )
    return render(request, "audit/break_glass_log.html", {"page": _page(request, events)})
