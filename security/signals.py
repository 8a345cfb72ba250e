"""Server-side ends of sessions: deactivation and a password change delete
the user's sessions; sign-in stamps the session for the absolute limit."""

import logging
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from security.ip import client_ip
from security.queries import has_second_factor
from security.sessions import IP_ADDRESS, MFA_ENROLLED, SIGNED_IN_AT, USER_AGENT

log = logging.getLogger("nectos.security")
User = get_user_model()


@receiver(user_logged_in)
def stamp_session(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[SIGNED_IN_AT] = time.time()
    request.session[IP_ADDRESS] = client_ip(request) if "REMOTE_ADDR" in request.META else None
    request.session[USER_AGENT] = request.headers.get("User-Agent", "")[:300]
    request.session[MFA_ENROLLED] = has_second_factor(user)
    log.info("sign-in user_id=%s", user.pk)


@receiver(pre_save, sender=User)
def remember_old_password(sender, instance, update_fields=None, **kwargs) -> None:
    instance._security_password_changed = False
    if instance.pk is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._security_password_changed = old is not None and old != instance.password


@receiver(post_save, sender=User)
def end_sessions_when_locked_out(sender, instance, created=False, **kwargs) -> None:
    if created:
        return
    from security.actions import sessions_end_all

    if not instance.is_active:
        ended = sessions_end_all(user=instance)
        if ended:
            log.info("sessions ended on deactivation user_id=%s count=%s", instance.pk, ended)
    elif getattr(instance, "_security_password_changed", False):
        # The changing session survives: update_session_auth_hash() writes it
        # afresh under a new key right after this.
        ended = sessions_end_all(user=instance)
        log.info("sessions ended on password change user_id=%s count=%s", instance.pk, ended)
