"""An uploaded bundle's import job. The table keeps the name it had when
the model lived in services (Meta.db_table)."""

from django.db import models

from services.models import User


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
        db_table = "services_importjob"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "created_at"], name="services_im_created_e20a0b_idx")
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} by {self.created_by} ({self.get_state_display()})"

    @property
    def is_busy(self) -> bool:
        return self.state in (ImportState.CHECKING, ImportState.IMPORTING)
