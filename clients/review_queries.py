"""Reads for client information reviews."""

from clients.review_models import ClientReview


def latest_review(episodes) -> ClientReview | None:
    """The newest review over `episodes` (already scoped to the user's
    services); built from prefetched `client_reviews`, so no query when the
    caller prefetched them (the client record does)."""
    reviews = [r for e in episodes for r in e.client_reviews.all()]
    if not reviews:
        return None
    return max(reviews, key=lambda r: (r.review_date, r.pk))


def earlier_reviews(episodes) -> list[ClientReview]:
    """Every review but the latest, newest first: the timeline's."""
    latest = latest_review(episodes)
    if latest is None:
        return []
    reviews = [r for e in episodes for r in e.client_reviews.all() if r.pk != latest.pk]
    return sorted(reviews, key=lambda r: (r.review_date, r.pk), reverse=True)
