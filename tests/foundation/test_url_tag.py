"""{% url %} remembers its answers (nectos/url_tag.py) and answers as
Django's own tag would."""

import uuid

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse

from nectos import url_tag


def _view(request):
    return HttpResponse()


# A URL conf of its own for one test: "home" somewhere else.
urlpatterns = [path("elsewhere/", _view, name="home")]


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.fixture(autouse=True)
def _forget():
    url_tag._reverse.cache_clear()
    yield
    url_tag._reverse.cache_clear()


def test_it_is_every_templates_url_tag_without_a_load():
    template = engines["django"].from_string("{% url 'home' %}")
    assert any(isinstance(node, url_tag.CachedURLNode) for node in template.template.nodelist)


def test_it_answers_as_reverse_does():
    key = uuid.UUID(int=7)
    assert render("{% url 'keywork:record' key %}", key=key) == reverse(
        "keywork:record", args=[key]
    )
    assert render("{% url 'keywork:contact_new' episode_id=5 %}") == reverse(
        "keywork:contact_new", kwargs={"episode_id": 5}
    )
    assert render("{% url 'home' as here %}[{{ here }}]") == f"[{reverse('home')}]"


def test_a_name_that_does_not_reverse_raises_unless_kept_in_a_variable():
    with pytest.raises(NoReverseMatch):
        render("{% url 'keywork:record' 'not-a-key' %}")
    assert render("{% url 'keywork:record' 'not-a-key' as nothing %}[{{ nothing }}]") == "[]"


def test_it_reverses_a_name_and_its_arguments_once(monkeypatch):
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        return reverse(*args, **kwargs)

    monkeypatch.setattr(url_tag, "reverse", counting)
    source = "{% for e in ids %}{% url 'keywork:contact_new' e %} {% endfor %}"
    first = render(source, ids=[1, 2, 1])
    second = render(source, ids=[2, 1])
    assert len(calls) == 2  # 1 and 2, once each
    assert first.split() == [reverse("keywork:contact_new", args=[i]) for i in (1, 2, 1)]
    assert second.split() == [reverse("keywork:contact_new", args=[i]) for i in (2, 1)]


def test_the_url_conf_is_part_of_what_it_remembers():
    assert render("{% url 'home' %}") == "/"
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% url 'home' %}") == "/elsewhere/"
    assert render("{% url 'home' %}") == "/"
