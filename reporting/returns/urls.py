from django.urls import path

from reporting.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
    path("extract/", views.extract, name="extract"),
]
