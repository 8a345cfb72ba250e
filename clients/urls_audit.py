from django.urls import path

from clients import views_audit

app_name = "audit"

urlpatterns = [
    path("clients/<uuid:key>/access/", views_audit.client_access, name="client_access"),
    path(
        "clients/<uuid:key>/subject-access-request/",
        views_audit.subject_access,
        name="subject_access",
    ),
    path("break-glass/", views_audit.break_glass, name="break_glass"),
    path("break-glass/log/", views_audit.break_glass_log, name="break_glass_log"),
]
