"""Registering a referral for a new or a returning client, in one form."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients import actions
from clients.models import Client, Referral
from tests.pathway.helpers import assess, discharge, register, start

pytestmark = pytest.mark.django_db

URL = "/referrals/new/"


def form(service, **overrides) -> dict:
    data = {
        "initials": "JS",
        "date_of_birth": "1985-06-01",
        "sex": "male",
        "ethnicity": "A",
        "preferred_name": "",
        "service": service.pk,
        "referral_date": timezone.localdate().isoformat(),
        "source": "self",
        "primary_substance": "crack",
        "reason": "",
    }
    data.update(overrides)
    return data


def test_it_registers_a_new_client_and_their_referral_in_one_post(client_as, alice, service_a):
    response = client_as(alice).post(URL, form(service_a, initials="j.s.", preferred_name="Jo"))

    client = Client.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.key}/"
    assert client.initials == "JS"
    assert client.preferred_name == "Jo"
    referral = client.referrals.get()
    assert referral.service == service_a
    assert referral.source_id == "self"


def test_the_form_offers_only_services_where_the_user_works_with_clients(
    client_as, alice, service_a, service_b
):
    page = client_as(alice).get(URL).content.decode()
    assert "Service A" in page
    assert "Service B" not in page

    response = client_as(alice).post(URL, form(service_b))
    assert response.status_code == 422
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"referral_date": "1985-05-31"},
            "referral_date",
            "before the client&#x27;s date of birth",
        ),
        ({"referral_date": "2099-01-01"}, "referral_date", "cannot be after today"),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth", "cannot be after today"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "Check the year of birth"),
        ({"initials": "ABCDE"}, "initials", "one to four initials"),
        ({"initials": "12"}, "initials", "one to four initials"),
        ({"ethnicity": ""}, "ethnicity", "This field is required"),
        ({"source": ""}, "source", "This field is required"),
    ],
)
def test_a_bad_field_is_refused_with_a_message_next_to_it_and_nothing_saved(
    client_as, alice, service_a, overrides, field, message
):
    response = client_as(alice).post(URL, form(service_a, **overrides))

    assert response.status_code == 422
    body = response.content.decode()
    error = body.split(f'id="id_{field}_error"')[1].split("</div>")[0]
    assert message in error
    assert f'aria-describedby="id_{field}_error' in body
    assert not Client.objects.exists()
    assert not Referral.objects.exists()


def test_the_action_refuses_a_referral_before_birth_whatever_the_form_did(alice, service_a):
    with pytest.raises(ValidationError) as error:
        register(alice, service_a, on=dt.date(1980, 1, 1))
    assert "referral_date" in error.value.message_dict
    assert not Client.objects.exists()


def test_the_action_refuses_a_service_the_user_does_not_work_in(charlie, service_a):
    with pytest.raises(ValidationError):
        register(charlie, service_a)
    assert not Client.objects.exists()


# --- The duplicate warning ----------------------------------------------------


def test_it_warns_of_a_known_client_with_the_same_initials_birth_and_sex(
    client_as, alice, service_a
):
    known = register(alice, service_a).client

    response = client_as(alice).post(URL, form(service_a))

    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="possible-matches"' in body
    assert known.reference in body
    assert f'value="{known.key}"' in body
    assert "already known to your service" in body
    assert Client.objects.count() == 1


def test_choosing_the_known_client_adds_a_referral_without_a_second_record(
    client_as, alice, service_a
):
    known = register(alice, service_a).client

    response = client_as(alice).post(
        URL, form(service_a, client_choice=str(known.key), ethnicity="", source="gp")
    )

    assert response.status_code == 302
    assert Client.objects.count() == 1
    assert known.referrals.count() == 2


def test_confirming_a_new_person_creates_a_second_client(client_as, alice, service_a):
    register(alice, service_a)

    response = client_as(alice).post(URL, form(service_a, client_choice="new"))

    assert response.status_code == 302
    assert Client.objects.count() == 2


def test_a_client_key_that_was_not_offered_is_refused(
    client_as, alice, charlie, service_a, service_b
):
    register(alice, service_a)
    elsewhere = register(charlie, service_b).client  # same details, other service

    response = client_as(alice).post(URL, form(service_a, client_choice=str(elsewhere.key)))

    assert response.status_code == 422
    assert elsewhere.referrals.count() == 1


def test_the_live_check_lists_matches_in_place_from_the_post_body(client_as, alice, service_a):
    known = register(alice, service_a).client
    c = client_as(alice)

    assert c.get(f"{URL}matches/?initials=JS").status_code == 405
    response = c.post(
        f"{URL}matches/",
        {"initials": "js", "date_of_birth": "1985-06-01", "sex": "male"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert known.reference in body
    # Not a submission yet: no error about choosing.
    assert "already known to your service" not in body


@pytest.mark.parametrize(
    "details",
    [
        {"initials": "JS", "date_of_birth": "1985-06-01", "sex": "female"},
        {"initials": "JS", "date_of_birth": "1985-06-02", "sex": "male"},
        {"initials": "JT", "date_of_birth": "1985-06-01", "sex": "male"},
    ],
)
def test_the_live_check_needs_initials_birth_and_sex_to_agree(client_as, alice, service_a, details):
    register(alice, service_a)
    response = client_as(alice).post(f"{URL}matches/", details, HTTP_HX_REQUEST="true")
    assert 'data-testid="possible-matches"' not in response.content.decode()


def test_the_live_check_never_shows_clients_of_other_services(
    client_as, alice, charlie, service_a, service_b
):
    elsewhere = register(charlie, service_b).client

    response = client_as(alice).post(
        f"{URL}matches/",
        {"initials": "JS", "date_of_birth": "1985-06-01", "sex": "male"},
        HTTP_HX_REQUEST="true",
    )

    assert elsewhere.reference not in response.content.decode()
    assert 'data-testid="possible-matches"' not in response.content.decode()


# --- Re-engagement ------------------------------------------------------------


def test_a_returning_client_is_referred_again_from_their_record_keeping_history(
    client_as, alice, service_a
):
    first = register(alice, service_a)
    assess(first)
    discharge(start(first, alice))
    c = client_as(alice)
    key = first.client.key

    page = c.get(f"{URL}?client={key}").content.decode()
    assert "returning client" in page
    assert 'name="initials"' not in page
    response = c.post(
        f"{URL}?client={key}",
        {
            "service": service_a.pk,
            "referral_date": timezone.localdate().isoformat(),
            "source": "gp",
            "primary_substance": "crack",
        },
    )

    assert response.status_code == 302
    assert Client.objects.count() == 1
    referrals = list(first.client.referrals.order_by("pk"))
    assert len(referrals) == 2
    assert referrals[0].episode.end_date is not None  # the history is still there
    record = c.get(f"/clients/{key}/").content.decode()
    assert "Returned" in record
    assert "Dropped out" in record


def test_a_client_in_treatment_is_not_referred_again_to_the_same_service(
    client_as, alice, in_treatment, service_a
):
    key = in_treatment.referral.client.key
    response = client_as(alice).post(
        f"{URL}?client={key}",
        {
            "service": service_a.pk,
            "referral_date": timezone.localdate().isoformat(),
            "source": "gp",
            "primary_substance": "crack",
        },
    )

    assert response.status_code == 422
    assert "already in treatment at this service" in response.content.decode()
    assert in_treatment.referral.client.referrals.count() == 1


def test_a_re_referral_before_birth_is_refused(client_as, alice, service_a):
    key = register(alice, service_a).client.key
    response = client_as(alice).post(
        f"{URL}?client={key}",
        {
            "service": service_a.pk,
            "referral_date": "1980-01-01",
            "source": "gp",
            "primary_substance": "crack",
        },
    )
    assert response.status_code == 422
    assert "before the client&#x27;s date of birth" in response.content.decode()


def test_exactly_one_of_client_and_new_client_is_given(alice, service_a):
    with pytest.raises(ValueError):
        actions.referral_register(
            acting_user=alice,
            service=service_a,
            referral_date=timezone.localdate(),
            source=None,
            primary_substance=None,
        )


# --- The database has the last word --------------------------------------------


def test_the_database_refuses_a_referral_before_birth(alice, service_a):
    from django.db import IntegrityError, transaction

    referral = register(alice, service_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(referral_date=dt.date(1980, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=referral.client_id).update(date_of_birth=dt.date(2099, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            client=referral.client,
            service=service_a,
            referral_date=dt.date(1985, 5, 31),
            source_id="self",
            primary_substance_id="crack",
        )
