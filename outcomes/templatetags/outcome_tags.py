"""For the client record and the caseload: they
pass an episode whose outcome_forms and followups were prefetched by name,
so these tags run no query."""

from django import template

from outcomes.queries import EpisodeOutcomes, episode_outcomes

register = template.Library()


@register.simple_tag
def outcomes_of(episode) -> EpisodeOutcomes:
    return episode_outcomes(episode)


@register.filter
def outstanding_followups(episode) -> list:
    """Due and overdue follow-ups of an episode, overdue first: from the
    caseload's plain list when it has one, else the prefetched relation."""
    loaded = getattr(episode, "followup_list", None)
    loaded = episode.followups.all() if loaded is None else loaded
    rows = [fu for fu in loaded if fu.is_outstanding]
    return sorted(rows, key=lambda fu: (fu.state != "overdue", fu.timepoint))
