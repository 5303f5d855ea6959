"""The upload form. Messages follow the NHS.UK error message guidance: say what to do."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from hiu.ingest.readers import FORMATS
from hiu.web.formatting import format_size
from hiu.web.imports.models import KIND_CHOICES


def too_large_message(size_bytes: int, limit_bytes: int) -> str:
    return (
        f"The file is {format_size(size_bytes)}. Files can be up to {format_size(limit_bytes)}; "
        "ask for the extract to be split by month."
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        choices=KIND_CHOICES,
        error_messages={
            "required": "Select what the file holds",
            "invalid_choice": "Select what the file holds",
        },
    )
    profile = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Select a mapping profile from the list"},
    )
    file = forms.FileField(
        error_messages={
            "required": "Select a file to upload",
            "missing": "Select a file to upload",
            "empty": "The selected file is empty",
            "invalid": "Select a file to upload",
        },
    )

    def __init__(self, *args: Any, profiles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["profile"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "None: the file has the canonical columns"), *profiles]

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        # The readers' file types; anything else is refused before it is queued.
        if PurePath(upload.name or "").suffix.lower() not in FORMATS:
            raise forms.ValidationError(
                "The selected file must be a CSV, Excel (.xlsx) or Parquet file", code="file_type"
            )
        limit: int = settings.MAX_UPLOAD_BYTES
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                too_large_message(upload.size or 0, limit), code="too_large"
            )
        return upload
