"""The administrator's forms for people's accounts (hiu.web.accounts.user_admin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.accounts.user_admin import Details, as_recorded

ROLE_CHOICES = [(role.name, role.label) for role in Role]
#: What Django lets a username hold; said in words.
USERNAME_RULE = "Use letters, numbers and @ . + - _ only, up to 150 characters"


class UserDetailsForm(forms.Form):
    first_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(
        required=False,
        error_messages={"invalid": "Enter an email address like name@nhs.net"},
    )
    job_title = forms.CharField(required=False, max_length=200)
    organisation = forms.CharField(required=False, max_length=200)
    service = forms.ModelChoiceField(
        queryset=Service.objects.order_by("name"),
        required=False,
        empty_label="No service",
        error_messages={"invalid_choice": "Select a service from the list"},
    )
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Select roles from the list"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        roles = {Role[name] for name in cleaned.get("roles", [])}
        casework = {Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}
        if roles & casework and not cleaned.get("service") and "service" not in self.errors:
            self.add_error(
                "service", "Select the service they work in: their role works with its clients"
            )
        return cleaned

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=data["email"].strip(),
            job_title=data["job_title"].strip(),
            organisation=data["organisation"].strip(),
            service=data["service"],
            roles=tuple(role for role in Role if role.name in data["roles"]),
        )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return as_recorded(user)


class PasswordForm(forms.Form):
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter a password"},
    )
    password_again = forms.CharField(
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter the password again"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, again = cleaned.get("password"), cleaned.get("password_again")
        if first and again and first != again:
            self.add_error("password_again", "Enter the same password both times")
        return cleaned


class NewUserForm(UserDetailsForm, PasswordForm):
    """Both forms' fields and checks (each ``clean`` calls the next in the MRO)."""

    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={
            "required": "Enter a username",
            "invalid": USERNAME_RULE,
            "max_length": USERNAME_RULE,
        },
    )

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "organisation",
        "service",
        "roles",
        "password",
        "password_again",
    ]
