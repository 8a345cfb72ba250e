"""The client record: who the client is, the current episode on top, their
history with the service, and a timeline of everything, newest first."""

import uuid

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clients.access import clinical_required, get_client_for_user
from clients.access_log import record_client_page
from clients.models import Attendance
from keywork import queries
from nectos import clock
from services.http import AuthenticatedHttpRequest
from services.models import Service


@clinical_required
@require_GET
def client_record(request: AuthenticatedHttpRequest, key: uuid.UUID) -> HttpResponse:
    client = get_client_for_user(request.user, key)
    # Every answer about the client is recorded, the in-place timeline pages
    # too: HX-Request is a header any client can send.
    record_client_page(request, client)
    record = queries.client_record(request.user, client)
    timeline = queries.timeline_page(request.user, record, request.GET.get("page", 1))
    episode = record.current_episode
    managed = set(Service.objects.managed_ids(request.user))
    context = {
        "can_reassign": episode is not None and episode.referral.service_id in managed,
        "can_see_access_log": any(r.service_id in managed for r in record.referrals),
        "client": client,
        "record": record,
        "episode": record.current_episode,
        "timeline": timeline,
        "today": clock.today(),
        "attendance_choices": Attendance.choices,
    }
    if request.htmx and request.GET.get("page"):
        return render(request, "keywork/record.html#timeline-page", context)
    return render(request, "keywork/record.html", context)
