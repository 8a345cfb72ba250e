"""Keywork tells; outcomes listens. keywork.signals are sent inside the
transaction of the action that starts or ends an episode, so the follow-up
rows change in that same transaction."""

from outcomes.actions import followups_for_episode_refresh


def on_episode_started(sender, *, episode, **kwargs) -> None:
    followups_for_episode_refresh(episode=episode)


def on_episode_ended(sender, *, episode, **kwargs) -> None:
    followups_for_episode_refresh(episode=episode)
