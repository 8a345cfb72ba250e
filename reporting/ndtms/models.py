"""NDTMS reference data as versioned data, and the extracts built with it.

A core-data-set version (such as "Q") owns the extract's fields in file
order with their formats, and for each local code list the national code of
each local code. It is loaded from a CSV pack (`manage.py ndtms_reference
load PATH`) and put in force from a date in the admin. A stored extract
keeps its version and its file as built: changing or adding a version later
leaves it alone."""

from __future__ import annotations

import datetime as dt
import re

from django.db import models
from django.db.models import Q

from services.models import Service, User

# The local code lists a version maps, and the row types of an extract.
CODE_LISTS = (
    ("referral_source", "Referral source"),
    ("substance", "Substance"),
    ("discharge_reason", "Discharge reason"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnicity"),
    ("accommodation_need", "Accommodation need"),
    ("employment_status", "Employment status"),
    ("parental_status", "Parental status"),
    ("injecting_status", "Injecting status"),
    ("hepb_vaccination", "Hepatitis B vaccination"),
    ("hepc_test", "Hepatitis C test"),
    ("hepc_result", "Hepatitis C result"),
    ("top_stage", "TOP stage"),
    ("yes_no", "Yes or no"),
)
ROW_TYPES = (
    ("journey", "Treatment journey"),
    ("top", "TOP"),
    ("no_consent", "Client who declined consent"),
)


class CoreDataSetVersionQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date) -> CoreDataSetVersion | None:
        return self.filter(in_force_from__lte=day).order_by("-in_force_from").first()


class CoreDataSetVersion(models.Model):
    name = models.CharField(max_length=20, unique=True, help_text='Such as "Q".')
    description = models.CharField(max_length=200, blank=True)
    in_force_from = models.DateField(
        null=True,
        blank=True,
        unique=True,
        help_text="Extracts of months ending on or after this day use this version. "
        "Empty: loaded, not in force.",
    )
    date_format = models.CharField(max_length=20, default="%d/%m/%Y")
    loaded_at = models.DateTimeField(auto_now_add=True)

    objects = CoreDataSetVersionQuerySet.as_manager()

    class Meta:
        db_table = "reporting_ndtms_version"
        ordering = ["-in_force_from", "name"]
        verbose_name = "NDTMS core data set version"

    def __str__(self) -> str:
        return f"NDTMS core data set {self.name}"


class CdsField(models.Model):
    """One column of the extract: its NDTMS name, where its value comes
    from (a source the builder knows), its format (text, date, integer,
    decimal, or code:<list>) and the row types that must have it."""

    version = models.ForeignKey(CoreDataSetVersion, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=30)
    source = models.CharField(max_length=40)
    format = models.CharField(max_length=40)
    required_in = models.CharField(max_length=60, blank=True, help_text="Row types, separated by ;")
    description = models.CharField(max_length=200, blank=True)
    to_confirm = models.BooleanField(default=True)

    class Meta:
        db_table = "reporting_ndtms_field"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="ndtms_field_position"),
            models.UniqueConstraint(fields=["version", "name"], name="ndtms_field_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def code_list(self) -> str:
        return self.format.removeprefix("code:") if self.format.startswith("code:") else ""

    def required_for(self, row_type: str) -> bool:
        return row_type in self.required_in.split(";")


class CdsCode(models.Model):
    version = models.ForeignKey(CoreDataSetVersion, on_delete=models.CASCADE, related_name="codes")
    code_list = models.CharField(max_length=30, choices=CODE_LISTS)
    local_code = models.CharField(max_length=40)
    national_code = models.CharField(max_length=10)
    label = models.CharField(max_length=200, blank=True)
    to_confirm = models.BooleanField(
        default=True, help_text="To confirm with the NDTMS team before a real submission."
    )

    class Meta:
        db_table = "reporting_ndtms_code"
        ordering = ["version", "code_list", "local_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code_list", "local_code"], name="ndtms_code_once_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code_list}: {self.local_code} → {self.national_code}"


class NdtmsExtractQuerySet(models.QuerySet):
    def visible_to(self, user) -> NdtmsExtractQuerySet:
        """A stored extract is for the managers of its service only."""
        return self.filter(service__in=Service.objects.managed_by(user))


class NdtmsExtract(models.Model):
    """One service's monthly extract as built: the file, the version it was
    built with and its data-quality problems (JSON: rule, client reference,
    field, message, link)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    version = models.ForeignKey(CoreDataSetVersion, on_delete=models.PROTECT, related_name="+")
    built_at = models.DateTimeField()
    built_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField()
    errors = models.PositiveIntegerField()
    problems = models.JSONField(default=list)
    content = models.TextField()

    objects = NdtmsExtractQuerySet.as_manager()

    class Meta:
        db_table = "reporting_ndtms_extract"
        ordering = ["-built_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="ndtms_extract_month_first_day")
        ]

    def __str__(self) -> str:
        return f"NDTMS extract {self.service.code} {self.month:%Y-%m}"

    @property
    def filename(self) -> str:
        code = re.sub(r"[^A-Za-z0-9_-]", "", self.service.code) or "service"
        marked = "-WITH-ERRORS" if self.errors else ""
        return f"ndtms-{code}-{self.month:%Y-%m}-{self.version.name}{marked}.csv"
