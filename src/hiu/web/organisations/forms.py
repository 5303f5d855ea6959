"""The ODS import form. Messages follow the NHS.UK error message guidance: say what to do."""

from __future__ import annotations

from django import forms

from hiu.web.organisations.models import Kind

MAX_FILE_BYTES = 50 * 1024 * 1024  # epraccur.csv is about 2 MB, ets.csv well under


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Kind.choices,
        error_messages={
            "required": "Select what the file holds",
            "invalid_choice": "Select what the file holds",
        },
    )
    file = forms.FileField(
        error_messages={
            "required": "Select an ODS file to upload",
            "missing": "Select an ODS file to upload",
            "empty": "The selected file is empty",
            "invalid": "Select an ODS file to upload",
        },
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 50MB")
        return upload
