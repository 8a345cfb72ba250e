"""Shared by the metrics benchmarks: time a function, compare two results."""

import math
import statistics
import time
from collections.abc import Callable

from django.db import connection, reset_queries


def timed(fn: Callable[[], object], runs: int) -> tuple[object, list[float]]:
    fn()  # warm the caches and the plans once
    times = []
    result = None
    for _ in range(runs):
        reset_queries()
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return result, times


def summary(label: str, times: list[float]) -> str:
    ms = [1000 * t for t in times]
    return (
        f"{label:<28} median {statistics.median(ms):8.1f} ms   "
        f"min {min(ms):8.1f}   max {max(ms):8.1f}   ({len(ms)} runs)"
    )


def differences(a, b, path: str = "") -> list[str]:
    """Where two nested results differ (floats to 1e-9 relative)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}.{key}: only on one side")
            else:
                out += differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            return [f"{path}: {a!r} != {b!r}"]
        return []
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def database_size() -> dict:
    with connection.cursor() as cursor:
        out = {}
        for table in (
            "clients_referral",
            "keywork_episode",
            "keywork_contact",
            "outcomes_outcomeform",
            "services_service",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            out[table.split("_", 1)[1]] = cursor.fetchone()[0]
        return out
