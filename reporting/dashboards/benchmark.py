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
from reporting.metrics.report import measures

BENCHMARK_TTL = 15 * 60


def _key(cohort: Cohort, service_ids: list[int]) -> str:
    spelled = f"{cohort.start}:{cohort.end}:{cohort.as_of}:{','.join(map(str, service_ids))}"
    return "dashboards:benchmark:" + hashlib.sha256(spelled.encode()).hexdigest()


def pooled_measures(cohort: Cohort, service_ids: list[int]) -> dict:
    """measures() of `cohort` over `service_ids`, from the cache when it
    has them (at most BENCHMARK_TTL old)."""
    key = _key(cohort, sorted(service_ids))
    figures = cache.get(key)
    if figures is None:
        figures = measures(cohort.with_services(service_ids))
        cache.set(key, figures, BENCHMARK_TTL)
    return figures
