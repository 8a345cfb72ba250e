from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# The device admins would show TOTP secrets to administrators, who could then
# act as anyone's second factor. Resetting (security.admin_actions)
# is all an administrator needs.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
