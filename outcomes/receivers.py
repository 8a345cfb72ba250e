"""Keywork tells; outcomes listens, so keywork never imports outcomes.

keywork.signals are sent inside the transaction of the action that starts
or ends an episode, so the follow-up rows change in that same transaction.
keywork.queries sends *_loaded after a page's episodes are loaded: one
prefetch per relation for the whole page keeps its query count constant."""

from django.db.models import Prefetch, prefetch_related_objects

from outcomes.actions import followups_for_episode_refresh


def on_episode_started(sender, *, episode, **kwargs) -> None:
    followups_for_episode_refresh(episode=episode)


def on_episode_ended(sender, *, episode, **kwargs) -> None:
    followups_for_episode_refresh(episode=episode)


def on_caseload_loaded(sender, *, episodes, **kwargs) -> None:
    """Follow-up badges on the caseload: one query for the page. Into a
    plain list: a prefetch into the related manager builds a filtered
    queryset for every row, which cost more than the query itself."""
    prefetch_related_objects(episodes, Prefetch("followups", to_attr="followup_list"))


def on_record_loaded(sender, *, episodes, **kwargs) -> None:
    """The outcome panel on the client record: one query per relation for
    all episodes (forms, follow-ups, TOPs, client information reviews)."""
    prefetch_related_objects(episodes, "outcome_forms", "followups", "tops", "client_reviews")
