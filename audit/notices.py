"""The break-glass notice to service managers. It names the member of
staff and the service, never the client: the client is on the break-glass
log page inside NECTOS, behind sign-in."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from audit.models import BreakGlassNotice
from nectos import clock
from services.models import Membership, Role, Service, User

log = logging.getLogger("nectos.security")


def break_glass_notice_send(*, user_id: int, service_ids: list[int]) -> int:
    actor = User.objects.get(pk=user_id)
    actor_services = ", ".join(
        Membership.objects.filter(user=actor)
        .select_related("service")
        .values_list("service__name", flat=True)
    )
    sent = 0
    for service in Service.objects.filter(pk__in=service_ids):
        recipients = list(
            User.objects.filter(
                is_active=True,
                memberships__service=service,
                memberships__role=Role.MANAGER,
            )
            .exclude(email="")
            .exclude(pk=actor.pk)
            .values_list("email", flat=True)
            .distinct()
        )
        if not recipients:
            continue
        body = (
            f"{actor} ({actor_services or 'no service'}) used break-glass access to open the "
            f"record of a client of {service.name}, giving a reason.\n\n"
            "Please review it in the break-glass log, after signing in: "
            f"{settings.SITE_URL.rstrip('/')}{reverse('audit:break_glass_log')}\n"
            "The client and the reason are shown there, not in this email.\n"
        )
        send_mail(
            subject=f"NECTOS: break-glass access to a {service.name} record",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
        sent += 1
    log.info("break-glass notice user_id=%s services=%s sent=%s", user_id, service_ids, sent)
    return sent


def break_glass_notice_deliver(*, notice_id: int) -> int:
    """Send one owed notice, once: the row is locked while it is sent and
    stamped in the same transaction, so a duplicate task (the sweeper's
    re-queue racing a late original) finds it sent and does nothing."""
    with transaction.atomic():
        notice = BreakGlassNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None or notice.sent_at is not None:
            return 0
        sent = break_glass_notice_send(user_id=notice.actor_id, service_ids=notice.service_ids)
        notice.sent_at = clock.now()
        notice.emails = sent
        notice.save(update_fields=["sent_at", "emails"])
    return sent
