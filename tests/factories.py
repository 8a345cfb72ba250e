"""Factories with the required fields only. Nothing random that an
assertion could depend on: dates and codes are fixed unless a test says."""

import datetime as dt

import factory

from clients.models import Appointment, Client, Referral
from keywork.models import Contact, Episode
from nectos import clock
from outcomes.models import OutcomeForm
from services.models import Membership, Role, Service, User


def default_referral_date() -> dt.date:
    """A Monday 48 weeks before this week's: old enough for every follow-up
    window to have passed, whatever day the suite runs on."""
    today = clock.today()
    return today - dt.timedelta(days=today.weekday() + 48 * 7)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.django.Password("correct horse battery staple")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n}")
    name = factory.LazyAttribute(lambda o: f"Service {o.code}")
    tier = 3


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    service = factory.SubFactory(ServiceFactory)
    role = Role.KEYWORKER


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    initials = "AB"
    date_of_birth = dt.date(1985, 6, 1)
    sex_id = "male"
    ethnicity_id = "A"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    client = factory.SubFactory(ClientFactory)
    service = factory.SubFactory(ServiceFactory)
    referral_date = factory.LazyFunction(default_referral_date)
    source_id = "self"
    primary_substance_id = "crack"


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    referral = factory.SubFactory(ReferralFactory)
    offered_date = factory.LazyAttribute(lambda o: o.referral.referral_date)
    appointment_date = factory.LazyAttribute(lambda o: o.offered_date + dt.timedelta(days=3))


def keyworker_of(service: Service) -> User:
    user = UserFactory()
    MembershipFactory(user=user, service=service, role=Role.KEYWORKER)
    return user


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    referral = factory.SubFactory(ReferralFactory)
    tier = 3
    start_date = factory.LazyAttribute(lambda o: o.referral.referral_date + dt.timedelta(days=7))
    # The database insists the keyworker works in the referral's service.
    keyworker = factory.LazyAttribute(lambda o: keyworker_of(o.referral.service))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    episode = factory.SubFactory(EpisodeFactory)
    contact_date = factory.LazyAttribute(lambda o: o.episode.start_date)
    contact_type = "keywork"
    mode = "in_person"
    duration_minutes = 60
    attendance = "attended"


class OutcomeFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeForm

    episode = factory.SubFactory(EpisodeFactory)
    timepoint = "baseline"
    form_date = factory.LazyAttribute(lambda o: o.episode.start_date)
    reported_by = "keyworker"
    crack_days = 10
    crack_spend_per_day = 60
    heroin_days = 0
    cocaine_days = 0
    alcohol_days = 0
    other_drug_days = 0
    crime_involved = False
    physical_health = 10
    psychological_health = 10
    quality_of_life = 10
