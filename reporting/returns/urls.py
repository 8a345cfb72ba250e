from django.urls import path

from reporting.ndtms import views as ndtms_views
from reporting.returns import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
    path("extract/", ndtms_views.extract, name="extract"),
    path("extract/<int:pk>/", ndtms_views.extract_detail, name="extract_detail"),
    path("extract/<int:pk>/csv/", ndtms_views.extract_download, name="extract_download"),
]
