"""|date remembers what it answered for calendar dates (nectos/date_filter.py)
and answers as Django's own filter would."""

import datetime as dt

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import translation

from nectos import date_filter


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.fixture(autouse=True)
def _forget():
    date_filter._formatted.cache_clear()
    yield
    date_filter._formatted.cache_clear()


@pytest.mark.parametrize("fmt", ["j M Y", "D j M", "Y-m-d", "j F Y", "l jS F", "N j, Y"])
def test_a_date_reads_as_djangos_filter_reads_it(fmt):
    day = dt.date(2026, 3, 4)
    assert render(f'{{{{ day|date:"{fmt}" }}}}', day=day) == django_date(day, fmt)
    assert render(f'{{{{ day|date:"{fmt}" }}}}', day=day) == django_date(day, fmt)


def test_the_second_time_a_date_is_formatted_it_is_remembered():
    render('{{ day|date:"j M Y" }}', day=dt.date(2026, 3, 4))
    render('{{ day|date:"j M Y" }}', day=dt.date(2026, 3, 4))
    info = date_filter._formatted.cache_info()
    assert (info.hits, info.misses) == (1, 1)


def test_the_default_format_and_an_empty_value_behave_as_djangos():
    assert render("{{ day|date }}", day=dt.date(2026, 3, 4)) == django_date(dt.date(2026, 3, 4))
    assert render('{{ day|date:"j M" }}|', day=None) == "|"


def test_a_datetime_is_shown_in_the_local_time_zone_every_time():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    same_instant = late.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert render('{{ at|date:"j M H:i" }}', at=late) == "1 Jul 00:30"
    assert render('{{ at|date:"j M H:i" }}', at=same_instant) == "1 Jul 00:30"
    assert date_filter._formatted.cache_info().currsize == 0


def test_the_language_is_part_of_what_is_remembered():
    day = dt.date(2026, 3, 4)
    english = render('{{ day|date:"F" }}', day=day)
    with translation.override("fr"):
        french = render('{{ day|date:"F" }}', day=day)
    assert (english, french) == ("March", "mars")
