import pghistory
import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from services import scope


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


# Who a person is and what they may do is kept in history (never the
# password hash or the sign-in stamp).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
)
class User(AbstractUser):
    """Staff only: there is no sign-up. Administrators are superusers."""

    full_name = models.CharField(max_length=150, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        triggers = [
            # Administrators hold no clinical membership: a user who has one
            # cannot be made a superuser (the membership's own rule is below).
            pgtrigger.Trigger(
                name="administrator_not_clinical",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                condition=pgtrigger.Q(new__is_superuser=True),
                func="""
                IF EXISTS (SELECT 1 FROM services_membership m WHERE m.user_id = NEW.id
                           AND m.role IN ('keyworker', 'manager')) THEN
                    RAISE EXCEPTION 'an administrator holds no clinical membership'
                        USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
                """,
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username


class Instruments(models.TextChoices):
    """Which outcome instruments a service records."""

    BOTH = "both", "TOP and NECTOS forms"
    TOP = "top", "TOP only"
    NECTOS = "nectos", "NECTOS forms only"


def _held_ids(user, roles) -> list[int] | None:
    held = scope.held_by(user)
    if held is None:
        return None
    return sorted({h.service_id for h in held if h.role in roles})


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
        ids = _held_ids(user, CLINICAL_ROLES)
        if ids is not None:
            return self.filter(pk__in=ids)
        return self.filter(memberships__user=user, memberships__role__in=CLINICAL_ROLES).distinct()

    def managed_by(self, user) -> "ServiceQuerySet":
        if not user.is_authenticated:
            return self.none()
        ids = _held_ids(user, (Role.MANAGER,))
        if ids is not None:
            return self.filter(pk__in=ids)
        return self.filter(memberships__user=user, memberships__role=Role.MANAGER).distinct()

    def clinical_ids(self, user) -> "list[int] | models.QuerySet":
        """For scoping other records (`service__in=`): the ids of the services
        whose records the user may open, a list within a request
        (services.scope), else a subquery."""
        ids = _held_ids(user, CLINICAL_ROLES)
        return ids if ids is not None else self.clinical_for(user).values_list("pk", flat=True)

    def managed_ids(self, user) -> "list[int] | models.QuerySet":
        ids = _held_ids(user, (Role.MANAGER,))
        return ids if ids is not None else self.managed_by(user).values_list("pk", flat=True)

    def has_clinical(self, user) -> bool:
        """Whether the user works with clients anywhere: no query within a
        request, where the memberships are already read."""
        ids = _held_ids(user, CLINICAL_ROLES)
        return bool(ids) if ids is not None else self.clinical_for(user).exists()

    def has_managed(self, user) -> bool:
        ids = _held_ids(user, (Role.MANAGER,))
        return bool(ids) if ids is not None else self.managed_by(user).exists()

    def commissioned_by(self, user) -> "ServiceQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Role.COMMISSIONER).distinct()


class LocalAuthority(models.Model):
    """An English local authority, by its ONS code. Services report to one and
    clients live in one; the list is reference data the administrator loads
    (`manage.py ndtms_reference load`), so it sits on the ground floor where
    both services and clients can point at it."""

    code = models.CharField(max_length=9, unique=True, help_text="ONS code, such as E09000012.")
    name = models.CharField(max_length=100)
    to_confirm = models.BooleanField(
        default=True, help_text="Not yet checked against the current list."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Service(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    open_access_drop_in = models.BooleanField(default=False)
    day_programme_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty when the programme is open-ended."
    )
    outcome_instruments = models.CharField(
        max_length=10, choices=Instruments.choices, default=Instruments.BOTH
    )
    top_review_weeks = models.PositiveSmallIntegerField(
        "weeks between TOP reviews", default=26, validators=[MinValueValidator(1)]
    )
    ndtms_agency_code = models.CharField(
        "NDTMS agency code",
        max_length=10,
        blank=True,
        help_text="The code NDTMS gave this service; every row of its extract carries it.",
    )
    reporting_local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="local authority reported to",
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
            models.CheckConstraint(
                condition=Q(top_review_weeks__gt=0), name="service_top_review_weeks_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
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
        triggers = [
            pgtrigger.Trigger(
                name="clinical_membership_not_administrator",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                condition=pgtrigger.Q(new__role__in=["keyworker", "manager"]),
                func="""
                IF EXISTS (SELECT 1 FROM services_user u WHERE u.id = NEW.user_id
                           AND u.is_superuser) THEN
                    RAISE EXCEPTION 'an administrator holds no clinical membership'
                        USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.service.code}"
