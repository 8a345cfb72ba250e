"""Recording a client information review from an episode (at the start and
at each TOP review). The model and its rules live in clients/; this is the
page, reached through the scoped episode helper like the TOP form."""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from clients.access_log import record_client_page
from clients.review_actions import client_review_record
from clients.review_models import REVIEW_COLUMNS, REVIEW_ITEMS, ClientReview
from nectos import clock
from outcomes.access import get_episode_for_user
from outcomes.views import _next_url
from services.http import AuthenticatedHttpRequest
from services.models import LocalAuthority


class ClientReviewForm(forms.ModelForm):
    declined = forms.MultipleChoiceField(
        label="Declined to answer",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick an item the client declined; leave its answer empty.",
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority of residence",
        queryset=LocalAuthority.objects.all(),
        required=False,
        help_text="Where the client lives now, for national reporting. No address is kept.",
    )
    field_order = ["review_date", "local_authority"]

    class Meta:
        model = ClientReview
        fields = ["review_date", *REVIEW_ITEMS]
        widgets = {"review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declined"].choices = [(item, self.fields[item].label) for item in REVIEW_ITEMS]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def fields_for_action(self) -> dict:
        data = self.cleaned_data
        fields = {"review_date": data["review_date"], "declined": data.get("declined") or []}
        for item in REVIEW_ITEMS:
            value = data.get(item)
            column = REVIEW_COLUMNS[item]
            fields[column] = getattr(value, "pk", value)
        return fields


@require_http_methods(["GET", "POST"])
def client_review_create(request: AuthenticatedHttpRequest, episode_pk: int) -> HttpResponse:
    episode = get_episode_for_user(request.user, episode_pk)
    record_client_page(request, episode.referral.client)
    client = episode.referral.client
    form = ClientReviewForm(
        request.POST or None,
        instance=ClientReview(episode=episode),
        initial={"review_date": clock.today(), "local_authority": client.local_authority_id},
    )
    if form.is_bound and form.is_valid():
        try:
            client_review_record(
                acting_user=request.user,
                episode=episode,
                fields=form.fields_for_action(),
                local_authority=form.cleaned_data["local_authority"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                target = name.removesuffix("_id") if name not in form.fields else name
                for message in errors:
                    form.add_error(target if target in form.fields else None, message)
        else:
            messages.success(request, "Client information saved.")
            fallback = reverse("keywork:record", args=[episode.referral.client.key])
            return HttpResponseRedirect(_next_url(request, fallback))
    status = 400 if form.is_bound else 200
    context = {"form": form, "episode": episode, "next": _next_url(request, "")}
    return render(request, "outcomes/client_review_form.html", context, status=status)
