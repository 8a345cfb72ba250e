"""For the client record: it passes an episode whose outcome_forms and
followups were prefetched by name, so this tag runs no query."""

from django import template

from outcomes.queries import EpisodeOutcomes, episode_outcomes

register = template.Library()


@register.simple_tag
def outcomes_of(episode) -> EpisodeOutcomes:
    return episode_outcomes(episode)
