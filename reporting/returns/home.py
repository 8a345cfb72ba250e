"""The commissioner's home: the latest stored return's tables and charts,
added to services' home page through its home_context signal (the ground
floor never imports this one). Connected by ReportingConfig.ready()."""

from django.dispatch import receiver

from nectos import clock
from reporting.models import QuarterlyReturn, ReturnState
from reporting.returns.charts import chart_data, display_sheets
from reporting.returns.forms import QuarterForm
from reporting.returns.quarters import Quarter
from services.models import Service
from services.views import home_context


def panel_context(user) -> dict | None:
    """Two queries: whether the user commissions anything, their latest return."""
    if not Service.objects.commissioned_by(user).exists():
        return None
    today = clock.today()
    latest = Quarter.latest_complete(today)
    qr = (
        QuarterlyReturn.objects.visible_to(user)
        .filter(state=ReturnState.DONE)
        .order_by("-quarter", "-generated_at")
        .first()
    )
    doc = qr.figures if qr else None
    return {
        "qr": qr,
        "doc": doc,
        "latest": latest,
        "is_latest": qr is not None and qr.quarter == str(latest),
        "charts": chart_data(doc) if doc else None,
        "display": display_sheets(doc) if doc else None,
        "form": QuarterForm(initial={"quarter": str(latest)}, today=today),
    }


@receiver(home_context, dispatch_uid="returns.commissioner_home")
def commissioner_home(sender, request, standing, **kwargs) -> dict | None:
    if standing.role != "commissioner":
        return None
    panel = panel_context(request.user)
    return {"returns_home": panel} if panel else None
