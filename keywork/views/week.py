"""My week: what a keyworker did this week and what is waiting for them."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clients.access import clinical_required
from clients.models import Attendance
from keywork.week import LIMIT, my_week
from nectos import clock
from services.http import AuthenticatedHttpRequest


@clinical_required
@require_GET
def week(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "week": my_week(request.user, clock.today()),
        "limit": LIMIT,
        "absences": [(v, label) for v, label in Attendance.choices if v != Attendance.ATTENDED],
    }
    return render(request, "keywork/week/week.html", context)
