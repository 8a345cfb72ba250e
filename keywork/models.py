import datetime as dt

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
        return self.filter(referral__service__in=Service.objects.clinical_ids(user))

    def open_on(self, day) -> "EpisodeQuerySet":
        """Started by `day` and not ended before it (as-of rule, domain.md)."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )

    def open(self) -> "EpisodeQuerySet":
        return self.filter(end_date__isnull=True)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="episodeevent_created_idx")]},
)
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
                # isnull=False too: NULL > 0 is NULL, and a CHECK passes on NULL.
                condition=Q(tier=4, planned_days__isnull=False, planned_days__gt=0)
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
        return self.filter(episode__referral__service__in=Service.objects.clinical_ids(user))

    def attended(self) -> "ContactQuerySet":
        return self.filter(attendance=Attendance.ATTENDED)


@pghistory.track(
    # Contacts arrive by the hundred thousand in an import: their insert
    # events are written once per statement (from its transition table),
    # not by a trigger call per row (docs/benchmarks.md).
    pghistory.InsertEvent(level=pghistory.Statement),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The dashboards ask what changed since a snapshot.
    meta={"indexes": [models.Index(fields=["pgh_created_at"], name="contactevent_created_idx")]},
)
class Contact(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="contacts")
    contact_date = models.DateField()
    contact_type = models.CharField(max_length=30, choices=ContactType.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    interventions: "models.ManyToManyField[Intervention, ContactIntervention]" = (
        models.ManyToManyField(
            Intervention, through="ContactIntervention", blank=True, related_name="contacts"
        )
    )
    note = models.TextField("confidential note", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-contact_date", "-pk"]
        indexes = [
            models.Index(fields=["episode", "contact_date"]),
            # Keywork intensity reads only attended keywork contacts (about two
            # in five): an index-only scan of these instead of the whole table
            # (docs/benchmarks.md: the country's year, 4.0 s to 2.6 s).
            models.Index(
                fields=["episode", "contact_date"],
                include=["duration_minutes"],
                condition=Q(contact_type="keywork", attendance="attended"),
                name="contact_keywork_attended_idx",
            ),
        ]
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


@pghistory.track(pghistory.InsertEvent(level=pghistory.Statement), pghistory.DeleteEvent())
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


# --- Keywork appointments (booked follow-ups) ---------------------------------


class KeyworkAppointmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "KeyworkAppointmentQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_ids(user))

    def booked(self) -> "KeyworkAppointmentQuerySet":
        """Not yet resolved by a contact (attended, DNA or cancelled)."""
        return self.filter(contact__isnull=True)

    def upcoming(self, today, days: int = 7) -> "KeyworkAppointmentQuerySet":
        return self.booked().filter(
            appointment_date__gte=today,
            appointment_date__lte=today + dt.timedelta(days=days),
        )

    def unresolved(self, today) -> "KeyworkAppointmentQuerySet":
        """Past appointments nobody has recorded an outcome for yet."""
        return self.booked().filter(appointment_date__lt=today)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class KeyworkAppointment(models.Model):
    """A booked follow-up. It is not a Contact: a contact records what
    happened; this records what is planned. It is resolved by linking the
    Contact logged for it (attended, DNA or cancelled)."""

    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="keywork_appointments"
    )
    appointment_date = models.DateField()
    appointment_time = models.TimeField(null=True, blank=True)
    contact_type = models.CharField(
        max_length=30, choices=ContactType.choices, default=ContactType.KEYWORK
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="keywork_appointments",
        help_text="Who the client will see.",
    )
    contact = models.OneToOneField(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
        help_text="The contact that resolved this appointment.",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)

    objects = KeyworkAppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["appointment_date", "appointment_time", "pk"]
        indexes = [
            models.Index(fields=["staff", "appointment_date"]),
            models.Index(fields=["episode", "appointment_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_contact_type_display()} appointment on {self.appointment_date}"

    @property
    def is_booked(self) -> bool:
        return self.contact_id is None


# --- Care plans -----------------------------------------------------------------


class GoalDomain(models.TextChoices):
    DRUG_USE = "drug_use", "Drug use"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    HOUSING = "housing", "Housing"
    MONEY = "money", "Money"
    RELATIONSHIPS = "relationships", "Relationships"
    OFFENDING = "offending", "Offending"
    WORK_AND_LEARNING = "work_and_learning", "Work and learning"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class CarePlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CarePlanQuerySet":
        return self.filter(episode__referral__service__in=Service.objects.clinical_ids(user))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CarePlan(models.Model):
    """One per episode, created with its first goal."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="care_plan")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CarePlanQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Care plan for episode {self.episode_id}"


class GoalQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GoalQuerySet":
        return self.filter(
            care_plan__episode__referral__service__in=Service.objects.clinical_ids(user)
        )

    def open(self) -> "GoalQuerySet":
        return self.filter(status=GoalStatus.OPEN)

    def due_for_review(self, today) -> "GoalQuerySet":
        """Open goals of open episodes whose next review date has come."""
        return self.open().filter(
            next_review_date__lte=today, care_plan__episode__end_date__isnull=True
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Goal(models.Model):
    care_plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField("goal, in the client's words", max_length=500)
    domain = models.CharField(max_length=20, choices=GoalDomain.choices)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    target_date = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(
        null=True, blank=True, help_text="When an open goal is next due for review."
    )
    set_on = models.DateField(help_text="When the goal was agreed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["status", "next_review_date", "pk"]
        indexes = [models.Index(fields=["status", "next_review_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", next_review_date__isnull=False)
                | (~Q(status="open") & Q(next_review_date__isnull=True)),
                name="goal_review_date_only_when_open",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "achieved", "dropped"]),
                name="goal_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} goal ({self.get_status_display().lower()})"


class GoalReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GoalReviewQuerySet":
        return self.filter(
            goal__care_plan__episode__referral__service__in=Service.objects.clinical_ids(user)
        )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class GoalReview(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    review_date = models.DateField()
    note = models.CharField(max_length=500)
    status = models.CharField("status after the review", max_length=10, choices=GoalStatus.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GoalReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-review_date", "-pk"]

    def __str__(self) -> str:
        return f"Review on {self.review_date}"


# --- Open access drop-in (Tier 2) ----------------------------------------------


class DropInSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DropInSessionQuerySet":
        return self.filter(service__in=Service.objects.clinical_ids(user))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class DropInSession(models.Model):
    """An open-access session. Named attendees are DropInAttendance rows;
    people who give no name are only counted."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="drop_in_sessions")
    session_date = models.DateField()
    label = models.CharField(max_length=60, blank=True, help_text="For example: Evening.")
    anonymous_count = models.PositiveIntegerField(
        "anonymous attendances", default=0, help_text="People who came but gave no name."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DropInSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-pk"]
        indexes = [models.Index(fields=["service", "session_date"])]

    def __str__(self) -> str:
        label = f" ({self.label})" if self.label else ""
        return f"Drop-in on {self.session_date}{label}"


class DropInAttendanceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DropInAttendanceQuerySet":
        return self.filter(session__service__in=Service.objects.clinical_ids(user))


@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class DropInAttendance(models.Model):
    session = models.ForeignKey(DropInSession, on_delete=models.CASCADE, related_name="attendances")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="drop_in_attendances"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DropInAttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="drop_in_client_once"),
        ]
        indexes = [models.Index(fields=["client", "session"])]

    def __str__(self) -> str:
        return f"Attendance at drop-in {self.session_id}"


# --- Groups and the structured day programme ------------------------------------

GROUP_KINDS = [
    (ContactType.GROUP.value, ContactType.GROUP.label),
    (ContactType.DAY_PROGRAMME.value, ContactType.DAY_PROGRAMME.label),
]


class GroupSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GroupSessionQuerySet":
        return self.filter(service__in=Service.objects.clinical_ids(user))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class GroupSession(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="group_sessions")
    session_date = models.DateField()
    title = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, choices=GROUP_KINDS, default=ContactType.GROUP)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitated_sessions"
    )
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    register_taken_at = models.DateTimeField(null=True, blank=True)
    register_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-session_date", "-pk"]
        indexes = [models.Index(fields=["service", "session_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["group", "day_programme"]), name="group_session_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=720),
                name="group_session_duration_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.session_date}"


class GroupEnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "GroupEnrolmentQuerySet":
        return self.filter(session__service__in=Service.objects.clinical_ids(user))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class GroupEnrolment(models.Model):
    """An episode enrolled in one session. The register links the contact
    it creates; an enrolment without a contact is still to be registered."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="enrolments")
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="group_enrolments")
    contact = models.OneToOneField(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_enrolment",
    )

    objects = GroupEnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "episode"], name="group_enrolment_once"),
        ]

    def __str__(self) -> str:
        return f"Episode {self.episode_id} in session {self.session_id}"
