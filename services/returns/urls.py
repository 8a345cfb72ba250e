from django.urls import path

from services.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("home/", views.home_panel, name="home_panel"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
    path("extract/", views.extract, name="extract"),
]
