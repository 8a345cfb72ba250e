import zipfile

from django import forms
from django.conf import settings

DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "INTERCHANGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


class UploadForm(forms.Form):
    bundle = forms.FileField(
        label="Bundle (.zip)",
        help_text="A .zip of the bundle's CSV files (docs/interchange.md). Nothing is imported "
        "until you have seen the check and confirmed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_bundle(self):
        upload = self.cleaned_data["bundle"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {limit:,}. "
                "Split the bundle by service."
            )
        if not zipfile.is_zipfile(upload):
            raise forms.ValidationError("This is not a .zip file.")
        upload.seek(0)
        return upload
