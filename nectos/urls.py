from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from security import views as security_views
from services import views as service_views

admin.site.site_header = "NECTOS case management — administration"

handler500 = "nectos.errors.server_error"

urlpatterns = [
    path("", service_views.home, name="home"),
    path("healthz", service_views.healthz, name="healthz"),
    path("login/", security_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("security.urls")),
    # One way in: the admin's own login page would skip the second factor.
    path("admin/login/", security_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("", include("clients.urls")),
    path("", include("audit.urls")),
    path("", include("keywork.urls")),
    path("", include("outcomes.urls")),
    path("dashboards/", include("reporting.dashboards.urls")),
    path("returns/", include("reporting.returns.urls")),
    path("imports/", include("interchange.urls")),
    path("", include("contingency.urls")),
]
