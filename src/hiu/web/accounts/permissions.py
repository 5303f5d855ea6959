"""Who may open which page. Every view names the roles that may see it; the rest get a 403.

The roles a view names can be read without a request (``allowed_roles``): the access tests
check each page's declared roles against the table they hold, and send a few requests per page
for what only a request shows.
"""

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


# The attribute ``role_required`` leaves on the view it wraps: the roles it lets through.
_ALLOWED_ROLES = "allowed_roles"


def role_required(*roles: Role) -> Callable[[View], View]:
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_role(request.user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        setattr(wrapped, _ALLOWED_ROLES, allowed)
        return wrapped  # type: ignore[return-value]

    return decorate


def allowed_roles(view: Callable[..., Any]) -> frozenset[Role] | None:
    """The roles that get past every ``role_required`` on ``view``, or None when it has none.

    Follows the chain of ``__wrapped__`` views (other decorators such as ``require_POST`` keep
    it), so a view wrapped twice lets in only the roles both name.
    """
    found: frozenset[Role] | None = None
    current: Any = view
    while current is not None:
        roles = vars(current).get(_ALLOWED_ROLES) if hasattr(current, "__dict__") else None
        if roles is not None:
            found = roles if found is None else found & roles
        current = getattr(current, "__wrapped__", None)
    return found


def service_of(request: HttpRequest) -> Service | None:
    """The service the signed-in person works in (for a commissioner, the service they
    commission), or None (administrators, IG leads)."""
    profile = getattr(request.user, "staff_profile", None)
    return profile.service if profile is not None else None
