"""Reads on the client floor. Everything starts from `visible_to(user)`."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from clients.models import Client, Referral, Sex
from services.models import Service

SEARCH_LIMIT = 25
DUPLICATE_LIMIT = 10

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def normalise_initials(value: str) -> str:
    """ "a.b." and "a b" are both AB: initials are stored as capitals only."""
    return re.sub(r"[^A-Za-z]", "", value or "").upper()


def _with_last_referral(clients: QuerySet, user) -> QuerySet:
    """Annotate the latest referral the user may see, never one elsewhere."""
    latest = Referral.objects.visible_to(user).filter(client=OuterRef("pk"))
    latest = latest.order_by("-referral_date", "-pk")
    return clients.annotate(
        last_referral_date=Subquery(latest.values("referral_date")[:1]),
        last_referral_service=Subquery(latest.values("service__name")[:1]),
    )


def possible_duplicates(user, *, initials: str, date_of_birth: dt.date, sex: Sex | str):
    """Clients of the user's services who may be the person being registered:
    same initials, date of birth and sex. Bounded."""
    sex_code = sex.pk if isinstance(sex, Sex) else sex
    clients = Client.objects.visible_to(user).filter(
        initials=normalise_initials(initials), date_of_birth=date_of_birth, sex_id=sex_code
    )
    return list(
        _with_last_referral(clients, user).order_by("-last_referral_date", "pk")[:DUPLICATE_LIMIT]
    )


def _parse_date(token: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(token, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class SearchResult:
    clients: list
    more: bool


def _search_words(term: str) -> list[tuple[str, dt.date | None, str]]:
    """The first four words of a search term, each with the date it is (or
    None) and the initials it could be (or "")."""
    words = []
    for token in [t for t in re.split(r"\s+", (term or "").strip()) if t][:4]:
        day = _parse_date(token)
        letters = normalise_initials(token)
        if day is not None or not (
            letters and len(letters) <= 4 and letters == token.replace(".", "").upper()
        ):
            letters = ""
        words.append((token, day, letters))
    return words


def search_clients(user, term: str) -> SearchResult:
    """Find clients of the user's services by initials, date of birth or
    reference. Several words narrow the search: "AB 01/06/1985"."""
    words = _search_words(term)
    if not words:
        return SearchResult([], False)
    clients = Client.objects.visible_to(user)
    visible_referrals = Referral.objects.visible_to(user)
    for token, day, letters in words:
        if day is not None:
            clients = clients.filter(date_of_birth=day)
            continue
        by_reference = Q(reference__iexact=token) | Q(
            pk__in=visible_referrals.filter(reference__iexact=token).values("client_id")
        )
        if letters:
            clients = clients.filter(
                by_reference | Q(initials=letters) | Q(preferred_name__istartswith=token)
            )
        else:
            clients = clients.filter(by_reference | Q(preferred_name__istartswith=token))
    rows = list(
        _with_last_referral(clients.select_related("sex"), user).order_by(
            "initials", "date_of_birth", "pk"
        )[: SEARCH_LIMIT + 1]
    )
    return SearchResult(rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT)


def search_term_parts(term: str) -> dict:
    """A search term read the way search_clients reads it, as the fields of
    the break-glass form: a date is the date of birth, up to four letters
    the initials, anything else the reference. The first of each counts."""
    parts: dict = {}
    for token, day, letters in _search_words(term):
        if day is not None:
            parts.setdefault("date_of_birth", day)
        elif letters:
            parts.setdefault("initials", letters)
        else:
            parts.setdefault("reference", token[:40])
    return parts


def open_episode_exists(client: Client, service: Service) -> bool:
    """Whether the client is in treatment at the service now. Read through
    the reverse relation so this floor imports nothing from keywork."""
    return Referral.objects.filter(
        client=client, service=service, episode__isnull=False, episode__end_date__isnull=True
    ).exists()
