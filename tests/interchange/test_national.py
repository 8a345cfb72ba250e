"""The national data set, at a small scale: it loads by COPY, and what it
loaded passes every check of the import (export, then a dry run)."""

import pytest
from django.db import connection

from clients.models import Client, Referral
from interchange.exporting import export_bundle
from interchange.importing import import_bundle
from interchange.national import generate_national
from keywork.models import Contact, Episode
from services.models import Service
from tests.dates import LITERAL_DAY

pytestmark = [pytest.mark.django_db, pytest.mark.today(LITERAL_DAY)]


def test_a_small_national_set_loads_and_passes_the_import_checks(tmp_path):
    lines = list(generate_national(seed=2, services=10, referrals=1500, log=lambda s: None))
    assert lines[0].startswith("National data set (seed 2)")
    assert Service.objects.count() == 10
    assert Referral.objects.count() == 1500
    assert Client.objects.count() > 1000
    assert Contact.objects.count() > 10_000
    # Ids handed out by COPY are behind the sequences: a new row still saves.
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM keywork_episode")
        (top,) = cursor.fetchone()
    episode = Episode.objects.order_by("pk").first()
    episode.pk = None
    episode.reference = "NEW1"
    episode.referral = Referral.objects.filter(episode__isnull=True).first()
    episode.save()
    assert episode.pk > top

    Episode.objects.filter(reference="NEW1").delete()
    export_bundle(tmp_path / "national")
    report = import_bundle(tmp_path / "national", dry_run=True)
    assert report.ok, report.lines()[:20]
    assert all(c.new == 0 and c.changed == 0 for c in report.counts.values())


def test_it_refuses_a_database_that_has_data(service_a):
    with pytest.raises(RuntimeError, match="empty database"):
        list(generate_national(seed=1, services=2, referrals=10))
