"""Who a user is in the product: their role and the services they hold it in."""

from dataclasses import dataclass

from services import scope
from services.models import Role

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
    held = scope.memberships(user)
    roles = {h.role for h in held}
    for role in _ROLE_ORDER:
        if role in roles:
            names = tuple(h.service_name for h in held if h.role == role)
            return Standing(str(role), Role(role).label, names)
    return Standing(None, "No role", ())
