from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="Six digits. A new one appears every 30 seconds.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class ConfirmItIsYouForm(forms.Form):
    """Replacing the second factor or its recovery codes: the password and
    a current code (from the app in use, or a recovery code). A signed-in
    session alone is not enough."""

    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    current_code = forms.CharField(
        label="A code from your current app, or a recovery code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        from security.actions import second_factor_verify

        data = super().clean()
        if "password" in data and not self.user.check_password(data["password"]):
            raise forms.ValidationError("That password is not right.")
        code = data.get("current_code")
        if "password" in data and code and second_factor_verify(user=self.user, code=code) is None:
            self.add_error("current_code", "That code did not match.")
        return data
