"""Sign-in, sign-out and failed sign-in go to the audit log as they happen."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from hiu.web.audit.models import Action
from hiu.web.audit.service import record


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Action.SIGN_IN, request=request, actor=user)


@receiver(user_logged_out)
def _signed_out(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.SIGN_OUT, request=request, actor=user)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in ``credentials``; only the username is kept.
    username = str(credentials.get("username", ""))
    record(Action.SIGN_IN_FAILED, request=request, username=username)
