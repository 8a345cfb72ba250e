"""Events higher floors (outcomes) react to without keywork importing them.

Both are sent inside the transaction of the action that causes them, so a
receiver's writes commit or roll back with it."""

from django.dispatch import Signal

# sender=Episode, episode=<Episode>
episode_started = Signal()
# sender=Episode, episode=<Episode> (end_date and discharge_reason set)
episode_ended = Signal()
