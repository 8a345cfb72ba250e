from django.urls import path

from contingency import views

app_name = "contingency"

urlpatterns = [
    path("cm/episodes/<int:episode_pk>/plan/new/", views.plan_start, name="plan_start"),
    path("cm/plans/<int:pk>/", views.plan, name="plan"),
    path("cm/plans/<int:pk>/schedule/", views.plan_schedule, name="plan_schedule"),
    path("cm/plans/<int:pk>/end/", views.plan_close, name="plan_close"),
    path("cm/plans/<int:pk>/vouchers/", views.vouchers, name="vouchers"),
    path("cm/tests/<int:pk>/record/", views.test_record, name="test_record"),
    path("cm/tests/<int:pk>/move/", views.test_move, name="test_move"),
    path("cm/today/", views.today, name="today"),
]
