from django.utils.functional import SimpleLazyObject

from services.access import standing_of


def roles(request) -> dict:
    # Lazy: pages that never show the top bar (healthz) pay no query.
    return {"standing": SimpleLazyObject(lambda: standing_of(request.user))}
