"""The one way a form page answers: the page on GET; on POST, validate, call
the action, put the action's refusals next to the fields they name, and
answer 422 with the page again until the action accepts."""

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(
    request: HttpRequest,
    form: Form,
    template: str,
    context: dict,
    *,
    action: Callable[[dict], Any],
    done: Callable[[Any], HttpResponse],
) -> HttpResponse:
    """`action` gets the cleaned data and may raise ValidationError (a dict
    names fields); `done` gets what the action returned and answers, usually
    with a redirect."""
    if request.method == "POST":
        if form.is_valid():
            try:
                result = action(form.cleaned_data)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                return done(result)
        return render(request, template, context, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    return render(request, template, context)


def add_action_errors(form: Form, error: ValidationError) -> None:
    """An action's refusal on the form: beside the field it names when the
    form has that field, else at the top (an action may name a model field
    that this form does not show)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
