"""Who a user is in the product: their role and the services they hold it in."""

from dataclasses import dataclass

from services.models import Membership, Role

ADMIN = "admin"
# Highest first: the top bar and home page show the most senior role held.
_ROLE_ORDER = [Role.MANAGER, Role.KEYWORKER, Role.COMMISSIONER]


@dataclass(frozen=True)
class Standing:
    role: str | None
    role_label: str
    service_names: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_clinical(self) -> bool:
        return self.role in (Role.MANAGER, Role.KEYWORKER)


def standing_of(user) -> Standing:
    if not user.is_authenticated:
        return Standing(None, "", ())
    if user.is_superuser:
        return Standing(ADMIN, "Administrator", ())
    memberships = list(Membership.objects.filter(user=user).select_related("service"))
    roles = {m.role for m in memberships}
    for role in _ROLE_ORDER:
        if role in roles:
            names = tuple(m.service.name for m in memberships if m.role == role)
            return Standing(str(role), Role(role).label, names)
    return Standing(None, "No role", ())
