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
    """Due and overdue follow-ups of an episode, overdue first."""
    rows = [fu for fu in episode.followups.all() if fu.is_outstanding]
    return sorted(rows, key=lambda fu: (fu.state != "overdue", fu.timepoint))
