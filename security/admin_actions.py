from django.contrib import admin, messages

from security.actions import second_factor_reset
from security.staff import set_up_link_send


@admin.action(description="Reset second factor (they enrol again at next sign-in)")
def reset_second_factor(modeladmin, request, queryset) -> None:
    count = 0
    for user in queryset:
        second_factor_reset(user=user, acting_user=request.user)
        count += 1
    modeladmin.message_user(
        request,
        f"Second factor reset for {count} user{'s' if count != 1 else ''}; their sessions ended.",
        messages.SUCCESS,
    )


@admin.action(description="Send a set-up link (they choose their own password)")
def send_set_up_link(modeladmin, request, queryset) -> None:
    sent = [user for user in queryset if set_up_link_send(user=user, acting_user=request.user)]
    missing = queryset.count() - len(sent)
    modeladmin.message_user(
        request,
        f"Set-up link sent to {len(sent)} user{'s' if len(sent) != 1 else ''}"
        + (f"; {missing} have no email address." if missing else "."),
        messages.SUCCESS if not missing else messages.WARNING,
    )
