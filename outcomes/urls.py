from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("outcomes/episodes/<int:episode_pk>/", views.episode, name="episode"),
    path("outcomes/episodes/<int:episode_pk>/forms/new/", views.form_create, name="form_create"),
    path("outcomes/forms/<int:pk>/", views.form_edit, name="form_edit"),
    path("outcomes/follow-ups/", views.notifications, name="notifications"),
    path("outcomes/overdue/", views.overdue, name="overdue"),
]
