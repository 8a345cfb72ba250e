from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    KEYWORKER = "keyworker", "Keyworker"
    MANAGER = "manager", "Service manager"
    COMMISSIONER = "commissioner", "Commissioner"


# Roles that work with clients and may see identifiable records.
CLINICAL_ROLES = (Role.KEYWORKER, Role.MANAGER)


class Tier(models.IntegerChoices):
    OPEN_ACCESS = 2, "Tier 2 open access"
    STRUCTURED = 3, "Tier 3 structured"
    RESIDENTIAL = 4, "Tier 4 residential"


class User(AbstractUser):
    """Staff only: there is no sign-up. Administrators are superusers."""

    full_name = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ServiceQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user).distinct()

    def clinical_for(self, user) -> "ServiceQuerySet":
        """Services whose client records the user may open."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role__in=CLINICAL_ROLES).distinct()

    def managed_by(self, user) -> "ServiceQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Role.MANAGER).distinct()

    def commissioned_by(self, user) -> "ServiceQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Role.COMMISSIONER).distinct()


class Service(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    open_access_drop_in = models.BooleanField(default=False)
    day_programme_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty when the programme is open-ended."
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(tier__in=[2, 3, 4]), name="service_tier_valid"),
            models.CheckConstraint(
                condition=Q(day_programme_weeks__isnull=True) | Q(day_programme_weeks__gt=0),
                name="service_programme_weeks_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Membership(models.Model):
    """A user's role in one service. A person may hold different roles in
    different services, but one role per service."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["service__code", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "service"], name="membership_one_role_per_service"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.service.code}"


# --- Bundle imports (services/interchange) ------------------------------------


class ImportState(models.TextChoices):
    CHECKING = "checking", "Checking"
    PREVIEW = "preview", "Checked: ready to import"
    REFUSED = "refused", "Checked: has problems"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"
    EXPIRED = "expired", "Not confirmed in time"


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ImportJobQuerySet":
        """An uploaded bundle is its uploader's alone."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class ImportJob(models.Model):
    """A bundle uploaded in the browser: checked (a dry run) in a Celery
    task, shown as a preview, and imported when its uploader confirms. The
    uploaded file is deleted once the job is finished, or when a preview
    is left unconfirmed for PREVIEW_LIFETIME (the hourly expiry task). Progress while a
    task runs lives in the cache (the import is one transaction, so the
    row itself cannot move until it commits)."""

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    upload = models.FileField(upload_to="imports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=ImportState.choices, default="checking")
    checked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # ImportReport.as_dict(): counts per file and the problems (capped).
    report = models.JSONField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk} by {self.created_by} ({self.get_state_display()})"

    @property
    def is_busy(self) -> bool:
        return self.state in (ImportState.CHECKING, ImportState.IMPORTING)
