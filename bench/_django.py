"""Set Django up for a bench script run as `python bench/<script>.py`."""

import os
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nectos.settings")
    # Production-like (DEBUG off: no query log), with a throwaway key.
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnop")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1")
    import django

    django.setup()


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class CpuClock:
    """CPU seconds used by this process and by its PostgreSQL backend (the
    server runs on this machine). On a machine shared with other work the
    wall clock mostly measures waiting for a core; the CPU seconds are what
    the work costs, and what it would take on an idle machine."""

    def __init__(self) -> None:
        import time

        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]
        self._time = time.process_time
        self.start = self._now()

    def _backend_seconds(self) -> float:
        import os

        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a database on another host
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _now(self) -> tuple[float, float]:
        return self._time(), self._backend_seconds()

    def seconds(self) -> tuple[float, float]:
        """(python, database) CPU seconds since the clock started."""
        py, db = self._now()
        return py - self.start[0], db - self.start[1]
