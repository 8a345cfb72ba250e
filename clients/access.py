"""The one place client-floor records are fetched for a user.

Each helper scopes in the query and answers 404 alike for "not yours" and
"does not exist", so a URL never confirms that a record exists elsewhere."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404

from clients.models import Appointment, Client, Referral
from services.models import CLINICAL_ROLES, Service, User


def get_client_for_user(user, key: UUID | str) -> Client:
    try:
        return Client.objects.visible_to(user).select_related("sex", "ethnicity").get(key=key)
    except (Client.DoesNotExist, ValueError, ValidationError) as exc:
        # A malformed key is just another key that names nothing.
        raise Http404("No such client") from exc


def get_referral_for_user(user, pk: int) -> Referral:
    try:
        return (
            Referral.objects.visible_to(user)
            .select_related("client", "service", "source", "primary_substance")
            .get(pk=pk)
        )
    except Referral.DoesNotExist as exc:
        raise Http404("No such referral") from exc


def get_appointment_for_user(user, pk: int) -> Appointment:
    try:
        return (
            Appointment.objects.visible_to(user)
            .select_related("referral__client", "referral__service")
            .get(pk=pk)
        )
    except Appointment.DoesNotExist as exc:
        raise Http404("No such appointment") from exc


def clinical_services(user):
    """Services where the user may register referrals and open records."""
    return Service.objects.clinical_for(user).order_by("name")


def clinical_staff_of(service: Service):
    """Keyworkers and managers of one service: who may hold its episodes."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__service=service,
            memberships__role__in=CLINICAL_ROLES,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def works_in(user: User, service: Service) -> bool:
    return clinical_staff_of(service).filter(pk=user.pk).exists()


def clinical_required(view):
    """Pages for people who work with clients. Anyone else (commissioners,
    administrators) gets the same 404 as a missing page."""
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not Service.objects.has_clinical(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped
