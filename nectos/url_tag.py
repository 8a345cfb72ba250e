"""Django's `{% url %}`, with its answers remembered for the process.

A list page reverses the same few URL names for every row (a client's
record, an episode's contact form), and Django's `reverse()` walks the
resolver, converts and checks every argument each time: about a fifth of a
caseload page's template time. What `reverse()` answers depends only on its
arguments, the URL conf and the script prefix, so the answer is kept,
keyed on all of them (and on each argument's type: `True` and `1` are equal
keys but different URLs). Arguments that are not hashable go to Django.
This project has no `i18n_patterns`, so the language is not part of a URL.

Installed as a template builtin (settings.TEMPLATES), after Django's own,
so every template's `{% url %}` is this one without a `{% load %}`."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def _reverse(view_name, args, kwargs, current_app, urlconf, prefix) -> str:
    # `prefix` is only part of the key: reverse() reads the same one itself.
    return reverse(
        view_name,
        urlconf=urlconf,
        args=[value for _type, value in args],
        kwargs={key: value for key, _type, value in kwargs},
        current_app=current_app,
    )


def cached_reverse(
    view_name: str, args=(), kwargs: dict | None = None, current_app: str | None = None
) -> str:
    """reverse(), remembered."""
    kwargs = kwargs or {}
    key_args = tuple((type(v), v) for v in args)
    key_kwargs = tuple(sorted((k, type(v), v) for k, v in kwargs.items()))
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    try:
        return _reverse(view_name, key_args, key_kwargs, current_app, urlconf, get_script_prefix())
    except TypeError:  # an argument that cannot be a key
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


class CachedURLNode(defaulttags.URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    node.__class__ = CachedURLNode
    return node
