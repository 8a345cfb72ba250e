from django.urls import path

from reporting.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.service_dashboard, name="service"),
    path("<str:code>/snapshot/", views.snapshot_refresh, name="snapshot_refresh"),
    path("<str:code>/snapshot/status/", views.snapshot_status, name="snapshot_status"),
    path("<str:code>/compare/", views.compare, name="compare"),
    path("<str:code>/caseload/", views.caseload_dashboard, name="caseload"),
    path("<str:code>/records/", views.records, name="records"),
]
