"""Client forms. Messages follow the NHS.UK error message guidance: say what to do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from hiu.web.clients.caseload import Load, person_name
from hiu.web.clients.search import Search, SearchNotUnderstood, parse_search


class SearchForm(forms.Form):
    q = forms.CharField(
        max_length=100,
        error_messages={
            "required": "Enter a name, NHS number or date of birth",
            "max_length": "Enter no more than 100 characters",
        },
    )

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"]
        try:
            self.search: Search = parse_search(text)
        except SearchNotUnderstood as problem:
            raise forms.ValidationError(str(problem), code="not_understood") from None
        return text


class AllocateForm(forms.Form):
    case_manager = forms.ChoiceField(
        error_messages={
            "required": "Select who will be the case manager",
            "invalid_choice": "Select who will be the case manager",
        }
    )

    def __init__(
        self, *args: Any, workers: list[User], loads: dict[int, Load], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(worker.pk): worker for worker in workers}
        self.loads = loads
        field = self.fields["case_manager"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, person_name(worker)) for key, worker in self.workers.items()]

    def chosen(self) -> User:
        return self.workers[self.cleaned_data["case_manager"]]


class TaskFilterForm(forms.Form):
    """Filters on the service's task list: blank means every kind, every worker."""

    kind = forms.ChoiceField(required=False)
    worker = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: Any,
        kinds: list[tuple[str, str]],
        workers: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        worker = self.fields["worker"]
        assert isinstance(kind, forms.ChoiceField)
        assert isinstance(worker, forms.ChoiceField)
        kind.choices = [("", "Every kind"), *kinds]
        worker.choices = [("", "Everyone"), ("none", "Not allocated"), *workers]
