from django.urls import path

from clients import views

app_name = "clients"

urlpatterns = [
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/new/matches/", views.referral_matches, name="referral_matches"),
    path(
        "referrals/<int:pk>/appointments/new/",
        views.appointment_new,
        name="appointment_new",
    ),
    path(
        "appointments/<int:pk>/attendance/",
        views.appointment_attendance,
        name="appointment_attendance",
    ),
    path("clients/search/", views.client_search, name="search"),
]
