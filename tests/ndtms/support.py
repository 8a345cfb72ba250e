"""A small pathway in 2026 for the NDTMS extract tests (LITERAL_DAY)."""

import datetime as dt

from clients.review_models import ClientReview
from services.models import LocalAuthority
from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    EpisodeFactory,
    ReferralFactory,
    UserFactory,
)
from tests.outcomes.top_support import make_top

OCTOBER = dt.date(2026, 10, 1)
NOVEMBER = dt.date(2026, 11, 1)


def pathway(service):
    """A consenting client in treatment from May to 1 October 2026 with a
    review and a start TOP; a client who declined consent; a Tier 2-only
    client. Returns (consenting, declined, tier2) clients."""
    service.ndtms_agency_code = "AG123"
    service.save(update_fields=["ndtms_agency_code"])
    kw = UserFactory(username=f"kw-{service.code}")
    hackney, _ = LocalAuthority.objects.get_or_create(
        code="E09000012", defaults={"name": "Hackney"}
    )
    consenting = ClientFactory(
        initials="JS",
        date_of_birth=dt.date(1980, 2, 3),
        sex_id="female",
        ethnicity_id="M",
        consent_national_reporting=True,
        local_authority=hackney,
    )
    referral = ReferralFactory(
        client=consenting,
        service=service,
        referral_date=dt.date(2026, 5, 10),
        source_id="self",
        primary_substance_id="crack",
    )
    AppointmentFactory(
        referral=referral, appointment_date=dt.date(2026, 5, 14), attendance="attended"
    )
    episode = EpisodeFactory(
        referral=referral,
        keyworker=kw,
        start_date=dt.date(2026, 5, 20),
        end_date=dt.date(2026, 10, 1),
        discharge_reason_id="completed_occasional_user",
    )
    ClientReview.objects.create(
        episode=episode,
        review_date=dt.date(2026, 5, 20),
        accommodation_need_id="housing_problem",
        declined=["employment_status"],
    )
    make_top(episode, "start", dt.date(2026, 5, 20))

    declined = ClientFactory(initials="TK", consent_national_reporting=False)
    for day in (dt.date(2026, 6, 1), dt.date(2026, 7, 1)):  # two journeys, one row
        r = ReferralFactory(client=declined, service=service, referral_date=day)
        EpisodeFactory(referral=r, keyworker=kw, start_date=day + dt.timedelta(days=3))

    tier2 = ClientFactory(initials="QQ", consent_national_reporting=True)
    r = ReferralFactory(client=tier2, service=service, referral_date=dt.date(2026, 6, 1))
    EpisodeFactory(referral=r, keyworker=kw, tier=2, start_date=dt.date(2026, 6, 1))
    # Discharged before the financial year: not in it either.
    old = ClientFactory(initials="OL", consent_national_reporting=True)
    r = ReferralFactory(client=old, service=service, referral_date=dt.date(2025, 10, 1))
    EpisodeFactory(
        referral=r,
        keyworker=kw,
        start_date=dt.date(2025, 10, 5),
        end_date=dt.date(2026, 3, 31),
        discharge_reason_id="dropped_out",
    )
    return consenting, declined, tier2
