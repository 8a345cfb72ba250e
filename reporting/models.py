"""The reporting floor's stored results: quarterly returns, who downloaded
what, and the dashboards' snapshots. The tables keep the names they had
when these models lived in services (Meta.db_table)."""

from django.db import models
from django.db.models import F, Q

from services.models import Service, User


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
        db_table = "services_quarterlyreturn"
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["commissioner", "quarter"], name="services_qu_commiss_be5178_idx")
        ]
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
        db_table = "services_reportdownload"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.user} at {self.at:%Y-%m-%d %H:%M}"


class SnapshotState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Computing"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class DashboardSnapshot(models.Model):
    """A service's dashboard figures for one period as things stood on
    `as_of`, computed by reporting.metrics and stored. Aggregates only: no
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
        db_table = "services_dashboardsnapshot"
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


# The NDTMS reference data and stored extracts live in their own module.
from reporting.ndtms.models import (  # noqa: E402, F401
    CdsCode,
    CdsField,
    CoreDataSetVersion,
    NdtmsExtract,
)
