"""Administrators' powers over staff, kept small: they hold no clinical
membership, never set another person's password (they send a set-up link
the person completes themselves), and every membership or role change is
kept in history (pghistory on User and Membership) and emailed to the
managers of the service it concerns."""

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from services.models import Membership, Role, Service, User

log = logging.getLogger("nectos.security")


# --- set-up links ---------------------------------------------------------------


def set_up_link_send(*, user: User, acting_user: User) -> bool:
    """Email a link the user follows to choose their own password. False
    when they have no email address to send it to."""
    if not user.email:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL.rstrip("/") + reverse("security:set_up", args=[uid, token])
    send_mail(
        subject="NECTOS: set your password",
        message=(
            f"{acting_user} asked NECTOS to send you this link to set your password:\n\n{link}\n\n"
            "It works once, and stops working when you sign in or your password changes. "
            "If you did not expect it, tell your administrator.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    log.info("set-up link sent user_id=%s by_user_id=%s", user.pk, acting_user.pk)
    return True


# --- membership changes: emailed to the service's managers --------------------


def _describe(role: str) -> str:
    return Role(role).label if role in Role.values else role


def membership_notice_send(*, service_id: int, user_id: int, change: str) -> int:
    """Tell the managers of a service that someone's role in it changed.
    `change` is a short phrase made of role names only."""
    service = Service.objects.filter(pk=service_id).first()
    person = User.objects.filter(pk=user_id).first()
    if service is None:
        return 0
    recipients = list(
        User.objects.filter(
            is_active=True, memberships__service=service, memberships__role=Role.MANAGER
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    send_mail(
        subject=f"NECTOS: a change to who works in {service.name}",
        message=(
            f"{person or 'A user'}: {change} in {service.name}.\n\n"
            "The change is kept in the staff history. If you did not expect it, "
            "tell your administrator.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)


def membership_change_queue(*, service_id: int, user_id: int, change: str) -> None:
    from security.tasks import membership_notify

    transaction.on_commit(lambda: membership_notify.delay(service_id, user_id, change))


@receiver(pre_save, sender=Membership)
def _remember_old_role(sender, instance, **kwargs) -> None:
    instance._old_role = None
    if instance.pk is not None:
        instance._old_role = (
            Membership.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
        )


@receiver(post_save, sender=Membership)
def _membership_saved(sender, instance, created=False, **kwargs) -> None:
    old = getattr(instance, "_old_role", None)
    if created or old is None:
        change = f"given the role {_describe(instance.role)}"
    elif old != instance.role:
        change = f"role changed from {_describe(old)} to {_describe(instance.role)}"
    else:
        return
    membership_change_queue(service_id=instance.service_id, user_id=instance.user_id, change=change)


@receiver(post_delete, sender=Membership)
def _membership_deleted(sender, instance, **kwargs) -> None:
    membership_change_queue(
        service_id=instance.service_id,
        user_id=instance.user_id,
        change=f"no longer {_describe(instance.role)}",
    )


# --- second factor changes: the user is told -----------------------------------

SECOND_FACTOR_CHANGES = {
    "replaced": "A new authenticator app was set up for your NECTOS account; the old one "
    "no longer works.",
    "recovery_codes": "New recovery codes were made for your NECTOS account; the old ones "
    "no longer work.",
}


def second_factor_changed_notify(*, user: User, what: str) -> None:
    from security.tasks import second_factor_notify

    transaction.on_commit(lambda: second_factor_notify.delay(user.pk, what))


def second_factor_notice_send(*, user_id: int, what: str) -> bool:
    user = User.objects.filter(pk=user_id).exclude(email="").first()
    if user is None:
        return False
    send_mail(
        subject="NECTOS: your two-factor sign-in changed",
        message=(
            f"{SECOND_FACTOR_CHANGES[what]}\n\nIf this was not you, tell your administrator "
            "at once: they can end every session of your account.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return True
