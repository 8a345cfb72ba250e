"""Keywork tells; outcomes listens, so keywork never imports outcomes.

keywork.signals are sent inside the transaction of the action that starts
or ends an episode, so the follow-up rows change in that same transaction.
keywork.queries sends *_loaded after a page's episodes are loaded: one
prefetch per relation for the whole page keeps its query count constant."""

from urllib.parse import quote

from django.db.models import prefetch_related_objects

from keywork.queries import RowBadge
from outcomes.actions import followups_for_episode_refresh
from outcomes.models import FollowUp, FollowUpState


def on_episode_started(sender, *, episode, **kwargs) -> None:
    followups_for_episode_refresh(episode=episode)


def on_episode_ended(sender, *, episode, **kwargs) -> None:
    followups_for_episode_refresh(episode=episode)


def on_caseload_loaded(sender, *, episodes, back: str, **kwargs) -> None:
    """A badge on the row for each follow-up form due or overdue, overdue
    first, each opening its form and coming back: one query for the page."""
    by_id = {episode.pk: episode for episode in episodes}
    outstanding = FollowUp.objects.outstanding().filter(episode__in=list(by_id))
    after = f"&next={quote(back, safe='/')}"
    overdue_first = sorted(
        outstanding, key=lambda fu: (fu.state != FollowUpState.OVERDUE, fu.timepoint)
    )
    for followup in overdue_first:
        overdue = followup.state == FollowUpState.OVERDUE
        state = followup.get_state_display().lower()
        by_id[followup.episode_id].badges.append(
            RowBadge(
                rank=1,
                text=f"{followup.get_timepoint_display()} form {state}",
                href=followup.form_path + after,
                colour="followup-badge " + ("text-bg-danger" if overdue else "text-bg-warning"),
                testid="followup-badge",
            )
        )


def on_record_loaded(sender, *, episodes, **kwargs) -> None:
    """The outcome panel on the client record: one query per relation for
    all episodes (forms, follow-ups, TOPs, client information reviews)."""
    prefetch_related_objects(episodes, "outcome_forms", "followups", "tops", "client_reviews")
