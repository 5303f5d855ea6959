"""User administration (issue 19, point 6): the administrator adds people, changes their name,
roles and service, switches accounts off and on, and sets a new password. Every change is
audited on the user (``object_type="user"``) with what changed, never a password.

Rules the pages cannot get round: usernames are unique whatever their case; an administrator
cannot switch their own account off or take away their own administrator role (so the service
always keeps someone who can put things right); a password meets the service's password rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from hiu.web.accounts.models import Service, StaffProfile
from hiu.web.accounts.roles import Role, roles_of
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.refused import Refused


@dataclass(frozen=True)
class Details:
    """What the administrator writes about a person."""

    first_name: str
    last_name: str
    email: str
    job_title: str
    organisation: str
    service: Service | None
    roles: tuple[Role, ...]


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise Refused(" ".join(error.messages), "password") from None


def as_recorded(user: User) -> dict[str, Any]:
    """What is recorded about ``user``, as the form shows it and the audit compares it."""
    profile = getattr(user, "staff_profile", None)
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": profile.job_title if profile else "",
        "organisation": profile.organisation if profile else "",
        "service": profile.service_id if profile else None,
        "roles": _roles_names(roles_of(user)),
    }


def _write(user: User, details: Details) -> None:
    user.first_name = details.first_name
    user.last_name = details.last_name
    user.email = details.email
    user.save()
    user.groups.set(Group.objects.filter(name__in=[role.label for role in details.roles]))
    user.staff_profile, _ = StaffProfile.objects.update_or_create(
        user=user,
        defaults={
            "service": details.service,
            "job_title": details.job_title,
            "organisation": details.organisation,
        },
    )
    # roles_of caches a user's roles for the request.
    if hasattr(user, "_hiu_roles"):
        del user._hiu_roles


def _roles_names(roles: Iterable[Role]) -> list[str]:
    return sorted(role.name for role in roles)


@transaction.atomic
def create_user(
    username: str, details: Details, password: str, *, by: User, request: HttpRequest | None
) -> User:
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Refused("Someone already has that username: choose another", "username")
    # Named before the password is checked, so that it may not be like their name either.
    user = User(
        username=username,
        first_name=details.first_name,
        last_name=details.last_name,
        email=details.email,
    )
    _check_password(password, user)
    user.set_password(password)
    user.save()
    _write(user, details)
    record(
        Action.CREATE_USER,
        request=request,
        actor=by,
        object_type="user",
        object_id=user.pk,
        detail={"roles": _roles_names(details.roles), "service": _service_id(details)},
    )
    return user


@transaction.atomic
def change_user(user: User, details: Details, *, by: User, request: HttpRequest | None) -> None:
    if user.pk == by.pk and Role.ADMINISTRATOR not in details.roles:
        raise Refused("You cannot take away your own administrator role", "roles")
    before = as_recorded(user)
    _write(user, details)
    after = as_recorded(user)
    changed = sorted(name for name in after if after[name] != before[name])
    if not changed:
        return
    detail: dict[str, object] = {"changed": changed}
    if "roles" in changed:
        detail["roles"] = {"from": before["roles"], "to": after["roles"]}
    if "service" in changed:
        detail["service"] = {"from": before["service"], "to": after["service"]}
    record(
        Action.CHANGE_USER,
        request=request,
        actor=by,
        object_type="user",
        object_id=user.pk,
        detail=detail,
    )


@transaction.atomic
def set_active(user: User, active: bool, *, by: User, request: HttpRequest | None) -> None:
    if user.pk == by.pk and not active:
        raise Refused("You cannot switch off your own account")
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        Action.REACTIVATE_USER if active else Action.DEACTIVATE_USER,
        request=request,
        actor=by,
        object_type="user",
        object_id=user.pk,
    )


@transaction.atomic
def reset_password(user: User, password: str, *, by: User, request: HttpRequest | None) -> None:
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(
        Action.RESET_PASSWORD,
        request=request,
        actor=by,
        object_type="user",
        object_id=user.pk,
    )


def _service_id(details: Details) -> int | None:
    return details.service.pk if details.service else None
