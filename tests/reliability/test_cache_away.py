"""The cache may fail: with the production cache backend pointed at a Redis
that is down or hangs, every read is a miss and every write is dropped,
and the import job pages answer as usual."""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from interchange.actions import job_progress, progress_key
from interchange.models import ImportJob, ImportState

pytestmark = pytest.mark.django_db


def production_cache(location: str) -> dict:
    from django.conf import settings

    return {"default": {**settings.REDIS_CACHE, "LOCATION": location}}


@pytest.fixture(params=["closed", "mute"])
def cache_away(request, settings, closed_broker):
    location = (
        closed_broker if request.param == "closed" else request.getfixturevalue("mute_broker")
    )
    settings.CACHES = production_cache(location)
    yield request.param


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_reads_miss_and_writes_are_dropped_quickly(cache_away, caplog):
    caplog.set_level(logging.WARNING, logger="nectos.cache")
    started = time.monotonic()
    cache.set(progress_key(1), (40, "Writing"))
    assert cache.get(progress_key(1)) is None
    assert cache.get(progress_key(1), "fallback") == "fallback"
    assert cache.get_many([progress_key(1)]) == {}
    assert cache.add(progress_key(1), 1) is False
    assert cache.get_or_set(progress_key(2), 7) == 7
    cache.delete(progress_key(1))
    assert job_progress(1) == (0, "Waiting to start")
    # One socket timeout of half a second at most: after the first failure
    # the cache is left alone for a while.
    assert time.monotonic() - started < 1.0
    lines = [r.getMessage() for r in caplog.records if r.name == "nectos.cache"]
    assert len(lines) == 1 and "carrying on without it" in lines[0]
    assert not any("interchange" in line for line in lines)  # no key, so no id


def test_the_import_job_pages_answer_with_the_cache_away(
    cache_away, client_as, bob, alice, django_capture_on_commit_callbacks
):
    from tests.reliability.helpers import bundle

    web = client_as(bob)
    busy = ImportJob.objects.create(created_by=bob, state=ImportState.IMPORTING)
    url = reverse("interchange:detail", args=[busy.pk])
    page = web.get(url, headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert b"Waiting to start" in page.content
    assert web.get(url).status_code == 200
    if cache_away == "closed":
        # An upload checks the bundle (eagerly here), reporting progress to
        # the cache as it goes: nothing of that may stop it.
        with django_capture_on_commit_callbacks(execute=True):
            response = web.post(reverse("interchange:index"), {"bundle": bundle()})
        assert response.status_code == 302
        assert ImportJob.objects.exclude(pk=busy.pk).get().state == ImportState.PREVIEW
