from django.urls import path

from security import views

app_name = "security"

urlpatterns = [
    path("", views.account, name="account"),
    path("verify/", views.verify, name="verify"),
    path("two-factor/setup/", views.mfa_setup, name="mfa_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("sessions/end/", views.session_end, name="session_end"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("set-up/<uidb64>/<token>/", views.SetUpView.as_view(), name="set_up"),
]
