"""Removing the demo so `generate_demo --fresh` can load one dated today.

Only what belongs to the demo goes: the demo services (by code) and every
record held at them, clients with no referral to any other service, and
the demo staff (by username and their @demo.invalid address) unless a
record outside the demo names them. Anything else in the database stays;
if a record outside the demo still needs a demo row, the database refuses
(PROTECT) and nothing at all is removed."""

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError

from clients.models import Client, Referral
from interchange.demo import SERVICES, STAFF
from keywork.models import DropInAttendance, DropInSession, Episode, GroupSession
from services.models import Service, User

DEMO_EMAIL_DOMAIN = "@demo.invalid"


def demo_services():
    return Service.objects.filter(code__in=[code for code, *_ in SERVICES])


def demo_users():
    return User.objects.filter(
        username__in=[username for username, *_ in STAFF], email__endswith=DEMO_EMAIL_DOMAIN
    )


@transaction.atomic
def delete_demo_data() -> dict[str, int]:
    services = list(demo_services())
    referrals = Referral.objects.filter(service__in=services)
    # Clients known only to the demo services; one referred elsewhere too
    # keeps their client row (and that other service's records).
    elsewhere = Referral.objects.exclude(service__in=services).values("client_id")
    clients = list(
        Client.objects.filter(referrals__service__in=services)
        .exclude(pk__in=elsewhere)
        .values_list("pk", flat=True)
        .distinct()
    )
    removed: dict[str, int] = {}
    removed["drop-in attendances"] = DropInAttendance.objects.filter(
        session__service__in=services
    ).delete()[0]
    removed["drop-in sessions"] = DropInSession.objects.filter(service__in=services).delete()[0]
    removed["group sessions"] = GroupSession.objects.filter(service__in=services).delete()[0]
    # Contacts, appointments, care plans and outcomes go with their episode.
    removed["episodes"] = Episode.objects.filter(referral__in=referrals).delete()[0]
    # The download log is reporting's, which interchange does not import
    # (they share the top floor); its rows are found by label.
    downloads = apps.get_model("reporting", "ReportDownload")
    removed["downloads"] = downloads.objects.filter(service__in=services).delete()[0]
    removed["referrals"] = referrals.delete()[0]
    records = sum(removed.values())
    removed = {"records": records, "clients": Client.objects.filter(pk__in=clients).delete()[0]}
    removed["records"] += Service.objects.filter(pk__in=[s.pk for s in services]).delete()[0]
    users = 0
    for user in demo_users():
        try:
            with transaction.atomic():
                user.delete()
            users += 1
        except ProtectedError:
            # Named by a record outside the demo: kept, and reused by the
            # next demo (its memberships went with the demo services).
            pass
    removed["staff"] = users
    return removed
