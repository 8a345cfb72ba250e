from django.urls import path

from outcomes import review_views, top_views, views

app_name = "outcomes"

urlpatterns = [
    path("outcomes/episodes/<int:episode_pk>/", views.episode, name="episode"),
    path("outcomes/episodes/<int:episode_pk>/forms/new/", views.form_create, name="form_create"),
    path("outcomes/forms/<int:pk>/", views.form_edit, name="form_edit"),
    path("outcomes/episodes/<int:episode_pk>/tops/new/", top_views.top_create, name="top_create"),
    path("outcomes/tops/<int:pk>/", top_views.top_edit, name="top_edit"),
    path(
        "outcomes/episodes/<int:episode_pk>/client-reviews/new/",
        review_views.client_review_create,
        name="client_review_create",
    ),
    path("outcomes/tops/<int:pk>/delete/", top_views.top_remove, name="top_delete"),
    path("outcomes/follow-ups/", views.notifications, name="notifications"),
    path("outcomes/overdue/", views.overdue, name="overdue"),
]
