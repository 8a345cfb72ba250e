"""Pathway state built through the actions, as a keyworker would build it:
helpers that tests import (a conftest holds fixtures only)."""

import datetime as dt

from django.utils import timezone

from clients import actions as client_actions
from clients.models import Attendance, EthnicCategory, ReferralSource, Sex, Substance
from keywork.actions import episodes as episode_actions
from keywork.models import DischargeReason

PASSWORD = "correct horse battery staple"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def new_client(initials: str = "JS", born: dt.date = dt.date(1985, 6, 1), sex: str = "male"):
    return client_actions.NewClient(
        initials=initials,
        date_of_birth=born,
        sex=Sex.objects.get(pk=sex),
        ethnicity=EthnicCategory.objects.get(pk="A"),
    )


def register(user, service, *, client=None, on=None, **client_details):
    return client_actions.referral_register(
        acting_user=user,
        service=service,
        referral_date=on or days_ago(60),
        source=ReferralSource.objects.get(pk="self"),
        primary_substance=Substance.objects.get(pk="crack"),
        client=client,
        new_client=None if client else new_client(**client_details),
    )


def assess(referral, *, on=None, attendance=Attendance.ATTENDED):
    day = on or referral.referral_date + dt.timedelta(days=3)
    appointment = client_actions.appointment_book(
        referral=referral, offered_date=referral.referral_date, appointment_date=day
    )
    if not attendance:
        return appointment  # booked, nothing recorded yet
    return client_actions.appointment_record_attendance(
        appointment=appointment, attendance=attendance
    )


def start(referral, keyworker, *, on=None, tier=3, planned_days=None):
    return episode_actions.episode_start(
        referral=referral,
        tier=tier,
        keyworker=keyworker,
        start_date=on or referral.referral_date + dt.timedelta(days=7),
        acting_user=keyworker,
        planned_days=planned_days,
    )


def discharge(episode, *, on=None, reason="dropped_out", by=None):
    return episode_actions.episode_discharge(
        episode=episode,
        end_date=on or timezone.localdate(),
        discharge_reason=DischargeReason.objects.get(pk=reason),
        acting_user=by or episode.keyworker,
    )
