from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q


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


# --- Commissioner returns (services/returns) --------------------------------


class ReturnState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Building"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class QuarterlyReturnQuerySet(models.QuerySet):
    def visible_to(self, user) -> "QuarterlyReturnQuerySet":
        """A stored return is its commissioner's alone."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(commissioner=user)


class QuarterlyReturn(models.Model):
    """A commissioner's return for one quarter, built by a Celery task and
    kept so it can be downloaded again. It holds only published figures
    (after disclosure control), never a client row."""

    commissioner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="quarterly_returns"
    )
    quarter = models.CharField(max_length=6, help_text="Such as 2026Q1.")
    services = models.ManyToManyField(Service, related_name="+")
    state = models.CharField(max_length=10, choices=ReturnState.choices, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    policy = models.JSONField(default=dict, blank=True)
    figures = models.JSONField(null=True, blank=True)
    # When its task was last queued (null: at requested_at); the sweeper
    # queues a return again when this is too old (nectos.sweep).
    queued_at = models.DateTimeField(null=True, blank=True)
    xlsx = models.FileField(upload_to="returns/", blank=True)
    csv = models.FileField(upload_to="returns/", blank=True)

    objects = QuarterlyReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["commissioner", "quarter"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="quarterly_return_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=r"^[0-9]{4}Q[1-4]$"), name="quarterly_return_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"Return {self.quarter} for {self.commissioner}"

    @property
    def is_finished(self) -> bool:
        return self.state in (ReturnState.DONE, ReturnState.FAILED)


class DownloadKind(models.TextChoices):
    RETURN_XLSX = "return_xlsx", "Quarterly return (XLSX)"
    RETURN_CSV = "return_csv", "Quarterly return (CSV)"
    NDTMS_EXTRACT = "ndtms_extract", "NDTMS client-level extract"


class ReportDownload(models.Model):
    """Who downloaded which return or extract, and when."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=DownloadKind.choices)
    quarterly_return = models.ForeignKey(
        QuarterlyReturn,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="downloads",
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.user} at {self.at:%Y-%m-%d %H:%M}"


# --- Service dashboards (services/dashboards) ---------------------------------


class SnapshotState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Computing"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class DashboardSnapshot(models.Model):
    """A service's dashboard figures for one period as things stood on
    `as_of`, computed by services.metrics and stored. Aggregates only: no
    client row. `computed_at` is when the figures were worked out; while a
    refresh runs the previous figures stay readable."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="snapshots")
    period_start = models.DateField()
    period_end = models.DateField()
    as_of = models.DateField()
    state = models.CharField(max_length=10, choices=SnapshotState.choices, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    requested_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["service__code", "-period_start", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "period_start", "period_end", "as_of"],
                name="dashboard_snapshot_once_per_cohort",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="dashboard_snapshot_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="dashboard_snapshot_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} {self.period_start}–{self.period_end} as of {self.as_of}"

    @property
    def is_busy(self) -> bool:
        return self.state in (SnapshotState.QUEUED, SnapshotState.RUNNING)


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
    # When its check or import task was last queued; the sweeper queues a
    # job again when this is too old (nectos.sweep).
    queued_at = models.DateTimeField(null=True, blank=True)
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
