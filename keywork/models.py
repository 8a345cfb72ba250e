import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from clients.models import Attendance, CodeList, Referral
from services.models import Service, Tier
from services.refs import new_reference


class DischargeReason(CodeList):
    completed = models.BooleanField(
        default=False, help_text="Completed reasons count as retained in treatment."
    )


class Intervention(CodeList):
    pass


class ContactType(models.TextChoices):
    KEYWORK = "keywork", "Keywork"
    GROUP = "group", "Group"
    DAY_PROGRAMME = "day_programme", "Day programme"
    DROP_IN = "drop_in", "Drop-in"
    COMPLEMENTARY_THERAPY = "complementary_therapy", "Complementary therapy"


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    TELEPHONE = "telephone", "Telephone"
    VIDEO = "video", "Video"
    OUTREACH = "outreach", "Outreach"


class EpisodeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EpisodeQuerySet":
        return self.filter(referral__service__in=Service.objects.clinical_for(user))

    def open_on(self, day) -> "EpisodeQuerySet":
        """Started by `day` and not ended before it (as-of rule, domain.md)."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )

    def open(self) -> "EpisodeQuerySet":
        return self.filter(end_date__isnull=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Episode(models.Model):
    """A treatment episode: at most one per referral."""

    reference = models.CharField(max_length=40, unique=True, default=new_reference)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="episode")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    start_date = models.DateField(help_text="Date of the first treatment intervention.")
    keyworker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="episodes"
    )
    end_date = models.DateField(null=True, blank=True)
    discharge_reason = models.ForeignKey(
        DischargeReason, on_delete=models.PROTECT, null=True, blank=True
    )
    planned_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Planned length of a Tier 4 admission."
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["keyworker", "end_date"]),
            models.Index(fields=["start_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(tier__in=[2, 3, 4]), name="episode_tier_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, discharge_reason__isnull=True)
                | Q(end_date__isnull=False, discharge_reason__isnull=False),
                name="episode_end_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="episode_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(tier=4, planned_days__gt=0)
                | (~Q(tier=4) & Q(planned_days__isnull=True)),
                name="episode_planned_days_for_tier4_only",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.reference} from {self.start_date}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ContactQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_for(user))

    def attended(self) -> "ContactQuerySet":
        return self.filter(attendance=Attendance.ATTENDED)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Contact(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="contacts")
    contact_date = models.DateField()
    contact_type = models.CharField(max_length=30, choices=ContactType.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    interventions = models.ManyToManyField(
        Intervention, through="ContactIntervention", blank=True, related_name="contacts"
    )
    note = models.TextField("confidential note", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-contact_date", "-pk"]
        indexes = [models.Index(fields=["episode", "contact_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    attendance="attended", duration_minutes__gte=1, duration_minutes__lte=720
                )
                | (~Q(attendance="attended") & Q(duration_minutes__isnull=True)),
                name="contact_duration_only_when_attended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_contact_type_display()} contact on {self.contact_date}"


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ContactIntervention(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "intervention"], name="contact_intervention_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention_id} on contact {self.contact_id}"
