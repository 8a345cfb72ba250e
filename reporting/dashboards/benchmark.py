"""The compare page's pooled benchmark, "All other services": the measures
of every service but the viewer's. It reads nearly the whole country, so it
is most of the page's cost, and it changes slowly; it is kept in the cache
for BENCHMARK_TTL, keyed by the period, the as-of day and the services it
pools, so a manager going back and forth pays for it once. The cache fails
open (nectos/cache.py): without it the benchmark is worked out each time.
Aggregates only, as the page shows them: no client row is cached."""

import hashlib

from django.core.cache import cache

from reporting.metrics import Cohort
from reporting.metrics.national import national
from reporting.metrics.report import measures

BENCHMARK_TTL = 15 * 60


def _key(cohort: Cohort, service_ids: list[int], kind: str = "benchmark") -> str:
    spelled = f"{cohort.start}:{cohort.end}:{cohort.as_of}:{','.join(map(str, service_ids))}"
    return f"dashboards:{kind}:" + hashlib.sha256(spelled.encode()).hexdigest()


def _cached(key: str, work) -> dict:
    figures = cache.get(key)
    if figures is None:
        figures = work()
        cache.set(key, figures, BENCHMARK_TTL)
    return figures


def pooled_measures(cohort: Cohort, service_ids: list[int]) -> dict:
    """measures() of `cohort` over `service_ids`, from the cache when it
    has them (at most BENCHMARK_TTL old)."""
    pooled = cohort.with_services(service_ids)
    return _cached(_key(cohort, sorted(service_ids)), lambda: measures(pooled))


def pooled_national(cohort: Cohort, service_ids: list[int]) -> dict:
    """The national figures of the same pool, kept alike: the column they
    stand in is as old as its measures, and they read the same services."""
    pooled = cohort.with_services(service_ids)
    return _cached(
        _key(cohort, sorted(service_ids), "benchmark-national"), lambda: national(pooled)
    )
