"""Who may open which page. Every view names the roles that may see it; the rest get a 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role, has_role


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is signed in: what every ``role_required`` view receives."""

    user: User


# Any response: pages, redirects and file downloads (FileResponse streams).
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def role_required(*roles: Role) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def service_of(request: HttpRequest) -> Service | None:
    """The service the signed-in person works in (for a commissioner, the service they
    commission), or None (administrators, IG leads)."""
    profile = getattr(request.user, "staff_profile", None)
    return profile.service if profile is not None else None
