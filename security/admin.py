from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.admin_actions import reset_second_factor, send_set_up_link
from services.models import User

# The device admins would show TOTP secrets to administrators, who could then
# act as anyone's second factor. Resetting (security.admin_actions)
# is all an administrator needs.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

# The staff admin is the tenant's; the set-up link and second-factor reset
# actions are this app's, added here
# so that services never imports security (security is listed after services
# in INSTALLED_APPS, so the staff admin is registered by now).
staff_admin = admin.site.get_model_admin(User)
staff_admin.actions = [*staff_admin.actions, send_set_up_link, reset_second_factor]  # type: ignore[misc]
