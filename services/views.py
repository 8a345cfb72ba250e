from django.contrib.auth.decorators import login_not_required
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from services import health
from services.access import standing_of
from services.http import AuthenticatedHttpRequest

# Higher floors add to a role's home page without this floor importing them:
# each receiver returns a dict of extra context, or None (reporting.returns
# gives the commissioner's home its latest return).
home_context = Signal()


def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    standing = standing_of(request.user)
    template = {
        "admin": "services/home_admin.html",
        "manager": "services/home_manager.html",
        "keyworker": "services/home_keyworker.html",
        "commissioner": "services/home_commissioner.html",
    }.get(standing.role or "", "services/home_none.html")
    context: dict[str, object] = {"standing": standing}
    for _receiver, extra in home_context.send(sender=None, request=request, standing=standing):
        context.update(extra or {})  # type: ignore[arg-type]  # receivers return dicts
    return render(request, template, context)


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    checks = {"database": health.database_ok()}
    redis_state = health.redis_ok()
    if redis_state is not None:
        checks["redis"] = redis_state
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
