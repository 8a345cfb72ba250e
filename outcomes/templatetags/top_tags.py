from django import template

from outcomes.top_models import decorate_episode_tops

register = template.Library()


@register.simple_tag
def prepare_tops(episode) -> str:
    """Attach what the TOP panel shows to `episode` (prefetched tops: no
    query); renders nothing."""
    decorate_episode_tops(episode)
    return ""


@register.simple_tag
def client_reviews_of(episodes) -> dict:
    """The latest client information review and the earlier ones, from the
    record's episodes (prefetched client_reviews: no query)."""
    from clients.review_queries import earlier_reviews, latest_review

    return {"latest": latest_review(episodes), "earlier": earlier_reviews(episodes)}


@register.filter
def review_values(review) -> list[tuple[str, str]]:
    """(label, shown value) for each item of a review. Codes show the seeded
    list's label without a query; a code an administrator added shows as
    its code."""
    from clients.review_models import CODED, REVIEW_ITEMS, ClientReview

    out = []
    for item in REVIEW_ITEMS:
        label = ClientReview._meta.get_field(item).verbose_name  # type: ignore[union-attr]
        value = review.value(item)
        if value == "declined":
            shown = "Declined"
        elif value is None:
            shown = "Not asked"
        elif value is True or value is False:
            shown = "Yes" if value else "No"
        elif item in CODED:
            shown = _code_label(item, value)
        else:
            shown = str(value)
        out.append((label[:1].upper() + label[1:], shown))
    return out


def _code_label(item: str, code: str) -> str:
    from clients.review_codes import REVIEW_CODE_LISTS
    from clients.review_models import CODED

    seeded = dict(REVIEW_CODE_LISTS[CODED[item].__name__])
    return seeded.get(code, code.replace("_", " "))
