from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from services import views as service_views

admin.site.site_header = "NECTOS case management — administration"

urlpatterns = [
    path("", service_views.home, name="home"),
    path("healthz", service_views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("clients.urls")),
    path("", include("keywork.urls")),
    path("", include("outcomes.urls")),
    path("dashboards/", include("services.dashboards.urls")),
    path("returns/", include("services.returns.urls")),
    path("imports/", include("services.interchange.urls")),
]
