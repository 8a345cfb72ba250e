from django.contrib import admin, messages

from security.actions import second_factor_reset


@admin.action(description="Reset second factor (they enrol again at next sign-in)")
def reset_second_factor(modeladmin, request, queryset) -> None:
    count = 0
    for user in queryset:
        second_factor_reset(user=user, by=request.user)
        count += 1
    modeladmin.message_user(
        request,
        f"Second factor reset for {count} user{'s' if count != 1 else ''}; their sessions ended.",
        messages.SUCCESS,
    )
