"""The reporting app's Celery tasks, where autodiscovery looks for them
(nectos/celery.py imports each installed app's tasks module). The names are
pinned on each task, so they do not depend on these module paths."""

from reporting.dashboards.tasks import compute_snapshot, nightly_snapshots
from reporting.returns.tasks import generate_quarterly_return

__all__ = ["compute_snapshot", "generate_quarterly_return", "nightly_snapshots"]
