"""The demo's services and staff: five services shaped like the study's
(one Tier 4 residential), with staff in every role."""

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from clients.models import Client
from interchange.synthetic import ServiceProfile
from services.models import LocalAuthority, Membership, Role, Service, User

DEMO_PASSWORD = "nectos-demo-2026"  # noqa: S105 (demo only, printed by make demo)

# code, name, tier, open-access drop-in, day programme weeks
SERVICES = [
    ("NTH", "Northgate Stimulant Service", 3, True, None),
    ("EST", "Eastside Crack Team", 3, False, None),
    ("STH", "Southbank Open Access", 2, True, None),
    ("WST", "Westway Day Programme", 3, False, 12),
    ("RES", "Riverside Residential", 4, False, None),
]

# username, full name, [(service code, role)], superuser
STAFF = [
    ("alice", "Alice Adeyemi", [("NTH", Role.KEYWORKER)], False),
    # The demo manager runs a provider's hub (Northgate) and its two spokes
    # (Southbank's open access, Westway's day programme), as English
    # providers are organised: one person managing several services, so the
    # demo's dashboards offer a choice and its comparison names the others.
    # The spokes keep a manager of their own, who lands on that one
    # service's dashboard.
    ("bob", "Bob Brennan", [(code, Role.MANAGER) for code in ("NTH", "STH", "WST")], False),
    ("charlie", "Charlie Chen", [("EST", Role.KEYWORKER)], False),
    ("dora", "Dora Dalton", [(code, Role.COMMISSIONER) for code, *_ in SERVICES], False),
    ("admin", "Ada Administrator", [], True),
    ("erin", "Erin Evans", [("NTH", Role.KEYWORKER)], False),
    ("femi", "Femi Fashola", [("EST", Role.MANAGER)], False),
    ("gita", "Gita Gupta", [("STH", Role.KEYWORKER)], False),
    ("harry", "Harry Hughes", [("STH", Role.MANAGER)], False),
    ("isla", "Isla Irving", [("WST", Role.KEYWORKER)], False),
    ("jonah", "Jonah James", [("WST", Role.MANAGER)], False),
    ("kemi", "Kemi Kolade", [("RES", Role.KEYWORKER)], False),
    ("liam", "Liam Lowe", [("RES", Role.MANAGER)], False),
    ("maya", "Maya Moss", [("EST", Role.KEYWORKER)], False),
]


@transaction.atomic
def demo_services_and_staff() -> None:
    services = {}
    for code, name, tier, drop_in, weeks in SERVICES:
        services[code], _ = Service.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "tier": tier,
                "open_access_drop_in": drop_in,
                "day_programme_weeks": weeks,
            },
        )
    # One hash for everyone: the password is shared anyway, and hashing it
    # fourteen times would be most of the demo's loading time.
    password = make_password(DEMO_PASSWORD)
    for username, full_name, roles, superuser in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "email": f"{username}@demo.invalid",
                "is_superuser": superuser,
                "is_staff": superuser,
            },
        )
        if created or not user.has_usable_password():
            user.password = password
            user.save(update_fields=["password"])
        for code, role in roles:
            Membership.objects.update_or_create(
                user=user, service=services[code], defaults={"role": role}
            )


# NDTMS agency code and the local authority each demo service reports to
# (codes from the shipped pack's list). Agency codes are made up: real ones
# are issued by the NDTMS team.
NDTMS = {
    "NTH": ("DEMO1", "E09000019"),  # Islington
    "EST": ("DEMO2", "E09000030"),  # Tower Hamlets
    "STH": ("DEMO3", "E09000028"),  # Southwark
    "WST": ("DEMO4", "E09000033"),  # Westminster
    "RES": ("DEMO5", "E09000022"),  # Lambeth
}


@transaction.atomic
def demo_local_authorities(*, seed: int) -> int:
    """Give the demo services their agency codes and reporting authorities,
    and most demo clients an authority of residence: their service's, a
    neighbour's now and then, none for some (so the extract's data-quality
    report has something true to say). Returns the clients given one."""
    authorities = {
        a.code: a for a in LocalAuthority.objects.filter(code__in=[la for _, la in NDTMS.values()])
    }
    if not authorities:
        return 0  # no list loaded: nothing to point at
    rng = random.Random(f"local-authorities-{seed}")
    for code, (agency, la) in NDTMS.items():
        Service.objects.filter(code=code).update(
            ndtms_agency_code=agency, reporting_local_authority=authorities.get(la)
        )
    given = 0
    clients = (
        Client.objects.filter(
            referrals__service__code__in=list(NDTMS), local_authority__isnull=True
        )
        .values_list("pk", "referrals__service__code")
        .order_by("pk")
        .distinct("pk")
    )
    choices = list(authorities.values())
    by_la: dict[int, list[int]] = {}
    for pk, service_code in clients:
        draw = rng.random()
        if draw < 0.08:
            continue
        home = authorities.get(NDTMS[service_code][1])
        # Mostly the service's own authority; now and then another one (and
        # always another where the loaded list lacks the service's own).
        authority = home if home is not None and draw < 0.85 else rng.choice(choices)
        by_la.setdefault(authority.pk, []).append(pk)
        given += 1
    for la_pk, pks in by_la.items():
        Client.objects.filter(pk__in=pks).update(local_authority_id=la_pk)
    return given


def demo_logins() -> list[tuple[str, str]]:
    rows = []
    for username, _full_name, roles, superuser in STAFF[:5]:
        if superuser:
            what = "administrator"
        else:
            codes = ", ".join(code for code, _ in roles)
            what = f"{Role(roles[0][1]).label.lower()} ({codes})"
        rows.append((username, what))
    return rows


def demo_profiles():
    """The shape of each demo service's three years (interchange.synthetic)."""
    return [
        # The study's most intensive service: keywork every ~4 days.
        ServiceProfile(
            "NTH", 3, 800, [("alice", 0.68), ("erin", 0.32)], 3.3, open_access=True,
            group_weekdays=(3,),
        ),
        # No open access: a waiting list, and keywork every ~10 days.
        ServiceProfile("EST", 3, 460, [("charlie", 0.5), ("maya", 0.5)], 9.6),
        ServiceProfile("STH", 2, 440, [("gita", 1.0)], 9.5, open_access=True, group_weekdays=(1,)),
        ServiceProfile("WST", 3, 300, [("isla", 1.0)], 10.6, programme_weeks=12),
        ServiceProfile(
            "RES", 4, 170, [("kemi", 1.0)], 11.5, group_weekdays=(0,), planned_days=(84, 84, 56, 42)
        ),
    ]  # fmt: skip
