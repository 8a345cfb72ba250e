"""Scoping by service reads the user's memberships once a request and
scopes with a list of service ids; outside a request it stays a subquery
read when the query runs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from services import scope
from services.access import standing_of
from services.models import Role, Service
from tests.factories import EpisodeFactory, MembershipFactory, ReferralFactory
from tests.keywork.helpers import days_ago

pytestmark = pytest.mark.django_db


def test_within_a_request_a_users_memberships_are_read_once(
    alice, service_a, service_b, django_assert_num_queries
):
    MembershipFactory(user=alice, service=service_b, role=Role.MANAGER)
    with scope.remembering(), django_assert_num_queries(1):
        assert Service.objects.clinical_ids(alice) == sorted([service_a.pk, service_b.pk])
        assert Service.objects.managed_ids(alice) == [service_b.pk]
        assert standing_of(alice).service_names == ("Service B",)
        assert Service.objects.has_clinical(alice) and Service.objects.has_managed(alice)
        assert Service.objects.clinical_ids(alice) == sorted([service_a.pk, service_b.pk])


def test_a_membership_added_during_the_request_is_seen_at_once(alice, service_a, service_b):
    with scope.remembering():
        assert Service.objects.clinical_ids(alice) == [service_a.pk]
        MembershipFactory(user=alice, service=service_b, role=Role.KEYWORKER)
        assert Service.objects.clinical_ids(alice) == sorted([service_a.pk, service_b.pk])


def test_outside_a_request_scoping_reads_memberships_when_the_query_runs(alice, service_b, charlie):
    theirs = ReferralFactory(service=service_b).client
    visible = Client.objects.visible_to(alice)  # built before the membership exists
    MembershipFactory(user=alice, service=service_b, role=Role.KEYWORKER)
    assert theirs in list(visible)
    assert Service.objects.has_clinical(charlie) and not Service.objects.has_managed(charlie)


def test_the_caseload_reads_memberships_once_and_scopes_by_their_ids(
    client_as, alice, service_a, service_b
):
    mine = EpisodeFactory(
        referral=ReferralFactory(service=service_a, referral_date=days_ago(20)),
        keyworker=alice,
        start_date=days_ago(10),
    )
    browser = client_as(alice)
    with CaptureQueriesContext(connection) as queries:
        body = browser.get(reverse("keywork:caseload")).content.decode()
    assert mine.referral.client.initials in body
    reads = [q["sql"] for q in queries.captured_queries if '"services_membership"' in q["sql"]]
    assert len(reads) == 1, reads
