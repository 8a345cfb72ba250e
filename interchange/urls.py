from django.urls import path

from interchange import views

app_name = "interchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/problems.csv", views.problems, name="problems"),
]
