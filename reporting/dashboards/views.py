"""Service dashboards: thin views over stored snapshots (reporting.metrics
figures) and the lists of records behind their counts."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from nectos import clock
from reporting.dashboards import figures
from reporting.dashboards import national as national_section
from reporting.dashboards import presenters as p
from reporting.dashboards.actions import snapshot_request
from reporting.dashboards.benchmark import pooled_measures, pooled_national
from reporting.dashboards.cm import cm_section
from reporting.dashboards.forms import PeriodForm
from reporting.dashboards.queries import (
    dashboard_services,
    get_dashboard_service,
    get_managed_service,
    get_snapshot,
    is_stale,
    newest_changes,
)
from reporting.dashboards.records import RecordsRequest, records_for
from reporting.dashboards.top_presenters import top_context
from reporting.metrics import (
    Cohort,
    caseload,
    caseload_episodes,
    empty_measures,
    measures_by,
    national_by,
)
from reporting.metrics.caseload import flagged
from services.http import AuthenticatedHttpRequest
from services.models import Service


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    services = list(dashboard_services(request.user).order_by("name"))
    if len(services) == 1:
        # No choice to make: the one service's dashboard is the landing page.
        return redirect("dashboards:service", services[0].code)
    return render(request, "dashboards/index.html", {"services": services})


def _linker(request, service: Service, quarter, as_of) -> p.Link:
    """Counts link to the records behind them for managers only;
    administrators see figures, never client rows."""
    if request.user.is_superuser:
        return p.no_link
    base = reverse("dashboards:records", args=[service.code])

    def link(measure: str, by: str | None = None, group: str | None = None) -> str:
        params = {"quarter": quarter.code, "as_of": as_of.isoformat(), "measure": measure}
        if by:
            params |= {"by": by, "group": group}
        return f"{base}?{urlencode(params)}"

    return link


def _period(request, data):
    form = PeriodForm(data, today=clock.today())
    if form.is_valid():
        return form, form.cleaned_data["period"], form.cleaned_data["as_of"]
    return form, None, None


@require_GET
def service_dashboard(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    service = get_dashboard_service(request.user, code)
    form, quarter, as_of = _period(request, request.GET)
    context = {"service": service, "form": form}
    if quarter is None:
        return render(request, "dashboards/service.html", context, status=400)
    snapshot = get_snapshot(service, quarter.start, quarter.end, as_of)
    if snapshot is None:
        # First look at this cohort: compute it (in-process without Redis,
        # else queued: the page then shows the progress).
        snapshot_request(
            service=service,
            start=quarter.start,
            end=quarter.end,
            as_of=as_of,
            acting_user=request.user,
        )
        snapshot = get_snapshot(service, quarter.start, quarter.end, as_of)
        assert snapshot is not None  # snapshot_request stores one, even if still pending
    # Only a change since the figures were worked out can make them stale.
    this_service = Service.objects.filter(pk=service.pk)
    changed = newest_changes(this_service, since=snapshot.computed_at).get(service.pk)
    context |= {
        "quarter": quarter,
        "as_of": as_of,
        "snapshot": snapshot,
        "stale": snapshot.data is not None and is_stale(snapshot, changed),
        "changed": changed,
    }
    if snapshot.data is not None:
        context |= _dashboard_context(
            figures.ordered(snapshot.data), _linker(request, service, quarter, as_of)
        )
        context |= national_section.context(service, snapshot.data)
    template = "dashboards/service.html"
    if request.htmx and not request.htmx.boosted:
        template += "#body"
    return render(request, template, context)


def _dashboard_context(data: dict, link: p.Link) -> dict:
    summary = data["summary"]
    funnel = data["funnel"]
    sources = p.source_rows(data["funnel_by_source"], data["retention_by_source"], link)
    waits = p.wait_rows(funnel)
    keyworkers = p.keyworker_rows(
        data["intensity_by_keyworker"], data["retention_by_keyworker"], data["keyworkers"]
    )
    labels = data["labels"]
    return {
        "summary": summary,
        "funnel_rows": p.funnel_rows(funnel, link),
        "funnel_detail": funnel,
        "source_rows": sources,
        "wait_rows": waits,
        "retention": data["retention"],
        "retention_rows": p.retention_rows(data["retention"], link),
        "early_exit_href": link("retention:early_exit"),
        "episodes_href": link("retention:episodes"),
        "survival": data["survival"],
        "km_readings": p.km_readings(data["survival"]),
        "km_steps": p.km_steps(data["survival"]),
        "intensity": data["intensity"],
        "keyworker_rows": keyworkers,
        "outcome_cards": [p.outcome_card(n, data["outcomes"][n]) for n in ("day30", "day90")],
        "agreement": p.agreement_sentence(data["agreement"]),
        "top": top_context(summary.get("top")),
        "breakdowns": [
            {
                "by": by,
                "title": title,
                "rows": p.breakdown_rows(by, data[f"by_{by}"], labels.get(by, {}), link),
            }
            for by, title in (
                ("sex", "Sex"),
                ("ethnicity", "Ethnic group"),
                ("age_band", "Age band"),
            )
        ],
        "charts": {
            "funnel": p.funnel_chart(funnel),
            "sources": p.source_chart(sources),
            "waits": p.wait_chart(waits),
            "km": p.km_chart(data["survival"]),
            "keyworkers": p.keyworker_chart(keyworkers),
            "outcomes": p.outcomes_chart(data["outcomes"]),
        },
        "intensity_shares": {
            "first_10": p.share(data["intensity"]["share_first_10_days"]),
            "first_30": p.share(data["intensity"]["share_first_30_days"]),
        },
        "did_not_attend_href": link("funnel:did_not_attend"),
        "started_unassessed_href": link("funnel:started_unassessed"),
        "cm": cm_section(data),
    }


@require_POST
def snapshot_refresh(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Ask for fresh figures for the cohort on the page (queued)."""
    service = get_dashboard_service(request.user, code)
    form, quarter, as_of = _period(request, request.POST)
    if quarter is None:
        return render(
            request,
            "dashboards/service.html#status",
            {"service": service, "form": form},
            status=400,
        )
    snapshot_request(
        service=service, start=quarter.start, end=quarter.end, as_of=as_of, acting_user=request.user
    )
    if not request.htmx:
        query = urlencode({"quarter": quarter.code, "as_of": as_of.isoformat()})
        return redirect(f"{reverse('dashboards:service', args=[service.code])}?{query}")
    return _status(request, service, quarter, as_of)


@require_GET
def snapshot_status(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The progress of a refresh (polled by the page while it runs)."""
    service = get_dashboard_service(request.user, code)
    form, quarter, as_of = _period(request, request.GET)
    if quarter is None:
        return HttpResponse("Choose a quarter and an as-of date.", status=400)
    return _status(request, service, quarter, as_of)


def _status(request, service, quarter, as_of):
    snapshot = get_snapshot(service, quarter.start, quarter.end, as_of)
    if snapshot is None:
        raise Http404("No such snapshot")
    response = render(
        request,
        "dashboards/service.html#status",
        {
            "service": service,
            "quarter": quarter,
            "as_of": as_of,
            "snapshot": snapshot,
            "polling": True,
        },
    )
    if snapshot.state == "done" and request.GET.get("poll"):
        response["HX-Refresh"] = "true"
    return response


@require_GET
def compare(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """This service beside the others the viewer may open, same measures;
    for a manager, the other services pooled as a benchmark."""
    service = get_dashboard_service(request.user, code)
    form, quarter, as_of = _period(request, request.GET)
    context = {"service": service, "form": form}
    if quarter is None:
        return render(request, "dashboards/compare.html", context, status=400)
    visible = list(dashboard_services(request.user).order_by("name"))
    cohort = Cohort(quarter.start, quarter.end, as_of, [s.pk for s in visible])
    per_service = measures_by(cohort, "service")
    ordered = [service] + [s for s in visible if s.pk != service.pk]
    columns = [
        {
            "label": s.name,
            "code": s.code,
            "figures": per_service.get(s.code) or empty_measures(),
            "pooled": False,
        }
        for s in ordered
    ]
    national_others = None
    if not request.user.is_superuser:
        others = list(
            Service.objects.exclude(pk__in=[s.pk for s in visible]).values_list("pk", flat=True)
        )
        columns.append(
            {
                "label": "All other services",
                # Most of the page's cost: kept in the cache a while.
                "figures": pooled_measures(cohort, others),
                "pooled": True,
            }
        )
        national_others = pooled_national(cohort, others)
    columns = national_section.with_national(
        columns, national_by(cohort, "service"), national_others
    )
    context |= {
        "quarter": quarter,
        "as_of": as_of,
        "rows": p.compare_rows(columns) + national_section.compare_rows(columns),
        "columns": columns,
    }
    return render(request, "dashboards/compare.html", context)


@require_GET
def caseload_dashboard(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    service = get_dashboard_service(request.user, code)
    today = clock.today()
    rows = caseload([service.pk], today)
    context = {"service": service, "today": today, "rows": rows, "can_list": False}
    if not request.user.is_superuser:
        base = reverse("dashboards:records", args=[service.code])
        for row in rows:
            for flag in ("open", "no_recent_contact", "overdue_form", "due_form"):
                query = urlencode({"measure": f"caseload:{flag}", "keyworker": row["keyworker"]})
                row[f"{flag}_href"] = f"{base}?{query}"
        quiet = flagged(caseload_episodes([service.pk], today), "no_recent_contact")
        context |= {
            "can_list": True,
            "quiet": list(
                quiet.select_related("referral__client", "keyworker").order_by(
                    "-days_since_contact", "pk"
                )[:50]
            ),
        }
    return render(request, "dashboards/caseload.html", context)


@require_GET
def records(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The referrals or episodes behind one count (managers only)."""
    service = get_managed_service(request.user, code)
    wanted = RecordsRequest.parse(request.GET, today=clock.today())
    if wanted.error:
        return render(
            request,
            "dashboards/records.html",
            {"service": service, "error": wanted.error},
            status=400,
        )
    listing = records_for(service, wanted)
    page = Paginator(listing.queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/records.html",
        {"service": service, "listing": listing, "page": page, "wanted": wanted},
    )
