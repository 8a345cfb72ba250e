from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("clients/<uuid:key>/access/", views.client_access, name="client_access"),
    path(
        "clients/<uuid:key>/subject-access-request/",
        views.subject_access,
        name="subject_access",
    ),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/log/", views.break_glass_log, name="break_glass_log"),
]
