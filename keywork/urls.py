from django.urls import path

from keywork.views import caseload, episodes, record

app_name = "keywork"

urlpatterns = [
    # The client pathway (issue 3).
    path("caseload/", caseload.caseload, name="caseload"),
    path("waiting-list/", caseload.waiting_list, name="waiting_list"),
    path("clients/<uuid:key>/", record.client_record, name="record"),
    path("referrals/<int:pk>/start/", episodes.episode_start, name="episode_start"),
    path("episodes/<int:pk>/discharge/", episodes.episode_discharge, name="episode_discharge"),
    path("episodes/<int:pk>/reassign/", episodes.episode_reassign, name="episode_reassign"),
]

