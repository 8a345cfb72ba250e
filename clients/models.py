import uuid

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from services.models import LocalAuthority, Service
from services.refs import new_reference


class CodeList(models.Model):
    """A seeded, admin-extendable code list. The code is the key, so rows
    that point at it carry the code the interchange bundle uses."""

    code = models.CharField(max_length=40, primary_key=True)
    label = models.CharField(max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label


class Sex(CodeList):
    class Meta(CodeList.Meta):
        verbose_name_plural = "sexes"


class EthnicCategory(CodeList):
    broad_group = models.CharField(max_length=20)

    class Meta(CodeList.Meta):
        verbose_name_plural = "ethnic categories"


class ReferralSource(CodeList):
    ndtms_code = models.CharField(max_length=10)
    reporting_group = models.CharField(max_length=40)


class Substance(CodeList):
    ndtms_code = models.CharField(max_length=10)


class Attendance(models.TextChoices):
    """Shared by assessment appointments and contacts. An appointment with no
    attendance yet is booked."""

    ATTENDED = "attended", "Attended"
    DNA = "dna", "Did not attend"
    CANCELLED_BY_CLIENT = "cancelled_by_client", "Cancelled by client"
    CANCELLED_BY_SERVICE = "cancelled_by_service", "Cancelled by service"


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ClientQuerySet":
        """Clients with a referral to a service where the user works with
        clients. Commissioners and administrators see none."""
        services = Service.objects.clinical_ids(user)
        return self.filter(
            Exists(Referral.objects.filter(client=OuterRef("pk"), service__in=services))
        )


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="clientevent_created_idx")]},
)
class Client(models.Model):
    # Opaque key for URLs: never the reference, initials or date of birth.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=40, unique=True, default=new_reference)
    initials = models.CharField(max_length=4)
    date_of_birth = models.DateField()
    sex = models.ForeignKey(Sex, on_delete=models.PROTECT)
    ethnicity = models.ForeignKey(EthnicCategory, on_delete=models.PROTECT)
    preferred_name = models.CharField(max_length=60, blank=True)
    consent_national_reporting = models.BooleanField(
        "consents to national reporting (NDTMS)", default=False
    )
    # No postcode is kept: the authority is all that national reporting needs.
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="local authority of residence",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["initials", "date_of_birth"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(initials__regex=r"^[A-Z]{1,4}$"), name="client_initials_upper"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initials} {self.reference}"


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReferralQuerySet":
        return self.filter(service__in=Service.objects.clinical_ids(user))


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="referralevent_created_idx")]},
)
class Referral(models.Model):
    reference = models.CharField(max_length=40, unique=True, default=new_reference)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    referral_date = models.DateField()
    source = models.ForeignKey(ReferralSource, on_delete=models.PROTECT)
    primary_substance = models.ForeignKey(Substance, on_delete=models.PROTECT)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["service", "referral_date"]),
            # A service's referral ids straight from the index (an index-only
            # scan): pages join a service's referrals to their appointments
            # and episodes (docs/benchmarks.md).
            models.Index(fields=["service", "id"], name="referral_service_id_idx"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.reference} on {self.referral_date}"


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AppointmentQuerySet":
        return self.filter(referral__service__in=Service.objects.clinical_ids(user))

    def unresolved(self, today) -> "AppointmentQuerySet":
        """Past appointments nobody has recorded an outcome for yet."""
        return self.filter(attendance="", appointment_date__lt=today)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={
        "indexes": [models.Index(fields=["pgh_created_at"], name="appointmentevent_created_idx")]
    },
)
class Appointment(models.Model):
    """An assessment appointment offered on a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="appointments")
    offered_date = models.DateField(help_text="When the appointment was offered.")
    appointment_date = models.DateField()
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["appointment_date", "pk"]
        indexes = [
            models.Index(fields=["referral", "appointment_date"]),
            # The "no outcome recorded" worklist and banner: a few thousand
            # rows among hundreds of thousands (docs/benchmarks.md).
            models.Index(
                fields=["referral", "appointment_date"],
                condition=Q(attendance=""),
                name="appointment_unresolved_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment_date__gte=models.F("offered_date")),
                name="appointment_not_before_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment on {self.appointment_date}"

    @property
    def is_booked(self) -> bool:
        return self.attendance == ""


class AccessKind(models.TextChoices):
    VIEW = "view", "Viewed the record"
    BREAK_GLASS = "break_glass", "Break-glass view"
    EXPORT = "export", "Export"
    DOWNLOAD = "download", "Download"


class AccessEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AccessEventQuerySet":
        """Managers see who opened the records of clients of their services."""
        managed = Service.objects.managed_ids(user)
        return self.filter(
            Exists(Referral.objects.filter(client=OuterRef("client"), service__in=managed))
        )


class AccessEvent(models.Model):
    """One view of a client record, export or download: who, in which role
    and service, what, when, and the request id to find it in the logs.

    Insert-only: a PostgreSQL trigger refuses UPDATE and DELETE, whoever
    asks. Write through clients.access_log.record_access()."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="access_events"
    )
    file_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    reason_category = models.CharField(max_length=20, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["client", "-at"], name="access_event_client_at"),
            models.Index(fields=["user", "-at"], name="access_event_user_at"),
            models.Index(fields=["kind", "-at"], name="access_event_kind_at"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_event_insert_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by user {self.user_id} at {self.at:%Y-%m-%d %H:%M}"


# Client information reviews live in their own module.
from clients.review_models import ClientReview  # noqa: E402, F401


class BreakGlassCategory(models.TextChoices):
    TRANSFER = "transfer", "Transfer of care to my service"
    SHARED_CARE = "shared_care", "Shared care with the client's service"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    EMERGENCY = "emergency", "Clinical emergency"
    OTHER = "other", "Other (say why below)"


class BreakGlassAttempt(models.Model):
    """Every sending of the break-glass form, found or not: who, when, the
    reason category and the outcome. Never the search terms (a reference, or
    initials and a date of birth, are client identifiers). Also what the
    hourly limit counts."""

    class Outcome(models.TextChoices):
        OPENED = "opened", "Opened a record"
        NO_MATCH = "no_match", "No single match"
        INVALID = "invalid", "Form not complete"
        LIMITED = "limited", "Refused: too many attempts"

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="break_glass_attempt_user_at")]
        triggers = [
            pgtrigger.Protect(
                name="break_glass_attempt_insert_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"Break-glass attempt by user {self.user_id}: {self.outcome}"
