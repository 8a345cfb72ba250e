"""CM screens: thin views over contingency.actions and contingency.queries.
Every page about one client writes one access event; every lookup goes
through contingency.access, so another service's keyworker gets 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from clients.access import clinical_required
from clients.access_log import record_client_page
from contingency import actions, queries
from contingency.access import (
    get_episode_for_user,
    get_plan_for_user,
    get_test_for_user,
)
from contingency.forms import (
    PlanCloseForm,
    PlanStartForm,
    TestMoveForm,
    TestRecordForm,
    VoucherIssueForm,
    VoucherScheduleForm,
)
from contingency.models import CMPlan, DrugTest, TestResult, VoucherIssue, settings_for
from contingency.vouchers import gbp
from nectos import clock
from services.http import AuthenticatedHttpRequest
from submissions.actions import submit_once
from submissions.queries import earlier_submission


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _invalid(request, template: str, context: dict):
    return render(request, template, context, status=400)


def _apply(form, call):
    """Run an action with the form's data; its ValidationError lands next to
    the field it names. Returns the action's result, or None on error."""
    try:
        return call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            form.add_error(None, error)
    return None


def _once(request, form, kind: str, model, create):
    """Run `create(data)` once per the form's submission key (a repeat
    returns the record the first post made); None when the action refused."""
    data = dict(form.cleaned_data)
    key = data.pop("submission_key", None)
    return _apply(
        form,
        lambda: submit_once(
            acting_user=request.user, kind=kind, key=key, model=model, create=lambda: create(data)
        ),
    )


def _plan_page(plan):
    return reverse("contingency:plan", args=[plan.pk])


@require_http_methods(["GET", "POST"])
def plan_start(request: AuthenticatedHttpRequest, episode_pk: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_pk)
    record_client_page(request, episode.referral.client)
    defaults = settings_for(episode.referral.service)
    form = PlanStartForm(
        request.POST or None,
        initial={
            "start_date": clock.today(),
            "voucher_base": defaults.voucher_base,
            "voucher_step": defaults.voucher_step,
            "voucher_max": defaults.voucher_max,
        },
    )
    context = {"episode": episode, "form": form}
    if request.method == "POST":
        # The same form sent again (a double click): answered as the first
        # was, before the open-plan check the repeat would fail.
        plan = earlier_submission(request, "cm_plan", CMPlan)
        if plan is None or plan.episode_id != episode.pk:
            plan = form.is_valid() and _once(
                request,
                form,
                "cm_plan",
                CMPlan,
                lambda data: actions.cm_plan_start(
                    acting_user=request.user, episode=episode, **data
                ),
            )
        if plan:
            messages.success(request, f"CM plan started: {plan.tests.count()} tests scheduled.")
            return HttpResponseRedirect(_plan_page(plan))
        return _invalid(request, "contingency/plan_start.html", context)
    return render(request, "contingency/plan_start.html", context)


def _plan_context(request, plan, **extra) -> dict:
    summary = queries.plan_summary(plan)
    episode = plan.episode
    return {
        "plan": plan,
        "episode": episode,
        "client": episode.referral.client,
        "cm": summary,
        "today": clock.today(),
        "schedule_form": VoucherScheduleForm(
            initial={
                "voucher_base": plan.voucher_base,
                "voucher_step": plan.voucher_step,
                "voucher_max": plan.voucher_max,
            }
        ),
        "close_form": PlanCloseForm(initial={"closed_on": clock.today()}),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan whole: its tests with what each earned, its vouchers."""
    # Queries: the plan with its episode, client, service and keyworker; its
    # tests; its vouchers; the access event (and its session lookup).
    plan = get_plan_for_user(request.user, pk)
    if request.method != "GET":
        # After the scoped lookup: another service's plan is 404 whatever the method.
        return HttpResponseNotAllowed(["GET"])
    record_client_page(request, plan.episode.referral.client)
    return render(request, "contingency/plan.html", _plan_context(request, plan))


@require_http_methods(["GET", "POST"])
def plan_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    record_client_page(request, plan.episode.referral.client)
    if request.method == "GET":
        return HttpResponseRedirect(_plan_page(plan))
    form = VoucherScheduleForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: actions.cm_plan_update(acting_user=request.user, plan=plan, **form.cleaned_data),
    ):
        messages.success(request, "Voucher schedule changed.")
        return HttpResponseRedirect(_plan_page(plan))
    return _invalid(
        request, "contingency/plan.html", _plan_context(request, plan, schedule_form=form)
    )


@require_http_methods(["GET", "POST"])
def plan_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    record_client_page(request, plan.episode.referral.client)
    if request.method == "GET":
        return HttpResponseRedirect(_plan_page(plan))
    form = PlanCloseForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: actions.cm_plan_close(acting_user=request.user, plan=plan, **form.cleaned_data),
    ):
        messages.success(request, "CM plan ended.")
        return HttpResponseRedirect(_plan_page(plan))
    return _invalid(request, "contingency/plan.html", _plan_context(request, plan, close_form=form))


def recorded_message(priced) -> str:
    if priced.status == TestResult.NEGATIVE:
        return (
            f"{gbp(priced.earned)}, {priced.run} negative{'s' if priced.run != 1 else ''} in a row"
        )
    if priced.status in ("pending", "to_come"):
        return "Result saved; it counts from its test date."
    return f"{TestResult(priced.status).label}: no voucher, the run starts again."


@require_http_methods(["GET", "POST"])
def test_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    test = get_test_for_user(request.user, pk)
    episode = test.plan.episode
    record_client_page(request, episode.referral.client)
    today = clock.today()
    initial = {
        "result": test.result,
        "sample": test.sample or "urine",
        "tested_date": test.tested_date or min(test.scheduled_date, today),
        "substances_positive": test.substances_positive,
    }
    form = TestRecordForm(request.POST or None, initial=initial)
    next_url = _next_url(request, "")
    context = {"test": test, "plan": test.plan, "episode": episode, "form": form, "next": next_url}
    if request.method == "POST":
        # A repeat of the same form is answered with what the result earns
        # now, and records nothing again (a correction made in between stays).
        saved = earlier_submission(request, "drug_test_result", DrugTest)
        if saved is None or saved.pk != test.pk:
            saved = form.is_valid() and _once(
                request,
                form,
                "drug_test_result",
                DrugTest,
                lambda data: (
                    actions.drug_test_record(acting_user=request.user, test=test, **data).test
                ),
            )
        if saved:
            summary = queries.plan_summary(saved.plan)
            priced = next(p for p in summary.priced if p.test.pk == saved.pk)
            messages.success(request, recorded_message(priced))
            return HttpResponseRedirect(next_url or _plan_page(test.plan))
        return _invalid(request, "contingency/test_record.html", context)
    return render(request, "contingency/test_record.html", context)


@require_http_methods(["GET", "POST"])
def test_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    test = get_test_for_user(request.user, pk)
    record_client_page(request, test.plan.episode.referral.client)
    form = TestMoveForm(request.POST or None, initial={"scheduled_date": test.scheduled_date})
    context = {"test": test, "plan": test.plan, "episode": test.plan.episode, "form": form}
    if request.method == "POST":
        if form.is_valid() and _apply(
            form,
            lambda: actions.drug_test_move(
                acting_user=request.user, test=test, **form.cleaned_data
            ),
        ):
            messages.success(
                request, f"Test moved to {form.cleaned_data['scheduled_date']:%-d %B %Y}."
            )
            return HttpResponseRedirect(_plan_page(test.plan))
        return _invalid(request, "contingency/test_move.html", context)
    return render(request, "contingency/test_move.html", context)


@require_http_methods(["GET", "POST"])
def vouchers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Issue vouchers against the balance."""
    plan = get_plan_for_user(request.user, pk)
    record_client_page(request, plan.episode.referral.client)
    form = VoucherIssueForm(request.POST or None, initial={"issued_date": clock.today()})
    context = _plan_context(request, plan, form=form)
    if request.method == "POST":
        # The same form sent again issues nothing more: answered as the first.
        voucher = earlier_submission(request, "cm_voucher", VoucherIssue)
        if voucher is None or voucher.plan_id != plan.pk:
            voucher = form.is_valid() and _once(
                request,
                form,
                "cm_voucher",
                VoucherIssue,
                lambda data: actions.voucher_issue(acting_user=request.user, plan=plan, **data),
            )
        if voucher:
            messages.success(request, f"{gbp(voucher.amount)} of vouchers issued.")
            return HttpResponseRedirect(reverse("contingency:vouchers", args=[plan.pk]))
        return _invalid(request, "contingency/vouchers.html", context)
    return render(request, "contingency/vouchers.html", context)


@require_GET
@clinical_required
def today(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Today's tests in the user's services: one row each, a link to record.
    Many clients on one page and no one client's record: no access event, as
    on the caseload."""
    # Queries: session, user, clinical check; the day's tests with client,
    # service and keyworker (one); the top bar's memberships.
    day = clock.today()
    context = {"today": day, "tests": queries.todays_tests(request.user, day)}
    return render(request, "contingency/today.html", context)
