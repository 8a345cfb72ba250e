from base64 import b32encode
from http import HTTPStatus
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from security import actions, queries
from security.forms import CodeForm, ConfirmItIsYouForm, EnrolForm
from security.sessions import MFA_ENROLLED
from security.staff import second_factor_changed_notify


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _sign_in_context() -> dict:
    return {
        "mfa_required": settings.MFA_REQUIRED,
        "mfa_disabled_reason": settings.MFA_DISABLED_REASON,
    }


class SignInView(auth_views.LoginView):
    """Django's login view; after the password comes the second factor."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_sign_in_context()}

    def get_success_url(self) -> str:
        next_url = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        if self.request.session.get(MFA_ENROLLED):
            step = "security:verify"
        elif settings.MFA_REQUIRED:
            step = "security:mfa_setup"
        else:
            return next_url
        return f"{reverse(step)}?{urlencode({'next': next_url})}"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = HTTPStatus.UNPROCESSABLE_ENTITY
        return response


@login_not_required
def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes' answer once a username has failed too often from one address."""
    context = {
        "form": AuthenticationForm(request),
        "locked_out": True,
        "cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60),
        "next": _next_url(request),
        **_sign_in_context(),
    }
    return render(request, "registration/login.html", context, status=429)


def _second_factor_done(request: HttpRequest, device) -> None:
    # A new key for the now fully signed-in session (no fixation across steps).
    request.session.cycle_key()
    otp_login(request, device)
    request.session[MFA_ENROLLED] = True


def verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    # django-otp's middleware gives request.user is_verified() at run time,
    # which the stubs cannot see; the views below rely on the same.
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    if not queries.has_second_factor(request.user):
        return redirect(f"{reverse('security:mfa_setup')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            device = actions.second_factor_verify(user=request.user, code=form.cleaned_data["code"])
            if device is not None:
                _second_factor_done(request, device)
                if isinstance(device, StaticDevice):
                    left = queries.recovery_codes_left(request.user)
                    messages.warning(
                        request,
                        f"You signed in with a recovery code. {left} left: "
                        "make new ones from Account security if you are running low.",
                    )
                return redirect(next_url)
            wait = actions.second_factor_wait_seconds(user=request.user)
            message = "That code did not work."
            if wait:
                unit = "second" if wait == 1 else "seconds"
                message += f" After a wrong code, wait {wait} {unit} before trying again."
            form.add_error("code", message)
        status = HTTPStatus.UNPROCESSABLE_ENTITY
    context = {"form": form, "next": next_url, "second_factor_pending": True}
    return render(request, "mfa/verify.html", context, status=status)


def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if queries.has_second_factor(user) and not user.is_verified():  # type: ignore[union-attr]
        # Replacing an app needs the old one first: a password alone must
        # never be enough to plant a new second factor.
        return redirect(f"{reverse('security:verify')}?{urlencode({'next': next_url})}")
    device = actions.totp_device_start(user=user)
    form = EnrolForm(request.POST or None)
    replacing = queries.has_second_factor(user)
    # Replacing the app needs the password and a current code as well.
    confirm = ConfirmItIsYouForm(request.POST or None, user=user) if replacing else None
    status = 200
    if request.method == "POST":
        if (confirm is None or confirm.is_valid()) and form.is_valid():
            codes = actions.totp_device_confirm(
                user=user, device_id=device.pk, code=form.cleaned_data["code"]
            )
            if codes is not None:
                device.refresh_from_db()
                _second_factor_done(request, device)
                if replacing:
                    second_factor_changed_notify(user=user, what="replaced")  # type: ignore[arg-type]
                return render(
                    request,
                    "mfa/recovery_codes.html",
                    {"codes": codes, "next": next_url, "first": True},
                )
            form.add_error(
                "code",
                "That code did not match. Check the app shows NECTOS, then try the newest code.",
            )
        status = HTTPStatus.UNPROCESSABLE_ENTITY
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "confirm": confirm,
        "next": next_url,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": secret,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "replacing": queries.has_second_factor(user),
        "mfa_required": settings.MFA_REQUIRED,
        # Until the code is given, the menu would only lead back here.
        "second_factor_pending": not user.is_verified(),  # type: ignore[union-attr]
    }
    return render(request, "mfa/setup.html", context, status=status)


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("security:mfa_setup")
    # New codes need the password and a current code: a session alone is
    # not enough to take over the second factor.
    confirm = ConfirmItIsYouForm(request.POST or None, user=request.user)
    if request.method == "GET" or not confirm.is_valid():
        status = HTTPStatus.UNPROCESSABLE_ENTITY if request.method == "POST" else 200
        return render(request, "mfa/confirm_it_is_you.html", {"form": confirm}, status=status)
    codes = actions.recovery_codes_replace(user=request.user)
    second_factor_changed_notify(user=request.user, what="recovery_codes")  # type: ignore[arg-type]
    return render(
        request,
        "mfa/recovery_codes.html",
        {"codes": codes, "next": reverse("security:account"), "first": False},
    )


def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    current = request.session.session_key
    sessions = [
        {
            "handle": s.handle,
            "current": s.session_key == current,
            "ip_address": s.ip_address,
            "user_agent": s.user_agent,
            "signed_in_at": s.signed_in_at,
            "last_seen": s.last_seen,
        }
        for s in queries.sessions_of(user)
    ]
    device = queries.authenticator_of(user)
    context = {
        "device": device,
        "verified": user.is_verified(),  # type: ignore[union-attr]
        "recovery_codes_left": queries.recovery_codes_left(user) if device else 0,
        "sessions": sessions,
        "mfa_required": settings.MFA_REQUIRED,
    }
    return render(request, "account/overview.html", context)


@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("session", "")
    if target == "others":
        count = actions.sessions_end_all(
            user=request.user, keep_session_key=request.session.session_key
        )
        messages.success(request, f"Ended {count} other session{'s' if count != 1 else ''}.")
    elif actions.session_end(user=request.user, handle=target):
        messages.success(request, "Session ended.")
    else:
        messages.error(request, "That session had already ended.")
    return redirect("security:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "account/password_change.html"
    success_url = reverse_lazy("security:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, "Password changed. Any other sessions you had open have ended."
        )
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = HTTPStatus.UNPROCESSABLE_ENTITY
        return response


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login page sends people to the one sign-in page."""
    next_url = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


class SetUpView(auth_views.PasswordResetConfirmView):
    """A set-up link from an administrator: the person chooses their own
    password (Django's reset token: it stops working once used, or when the
    password or the last sign-in changes)."""

    template_name = "account/set_up.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Password set. Sign in with it now.")
        return response
