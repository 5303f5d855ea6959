"""Fixtures for the web tests: a service, a second service, a person in every role, and a data
directory of the test's own for tests that write to the activity store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from hiu.web.accounts.models import Service
from hiu.web.accounts.roles import Role
from hiu.web.clients.models import Client
from hiu.web.demo import factories

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Argon2 is slow on purpose; tests create hundreds of users. test_sign_in checks that the
    # real settings use Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """HIU_DATA_DIR for this test alone: its activity store, uploads and profiles."""
    folder = tmp_path / "data"
    folder.mkdir()
    settings.DATA_DIR = folder
    return folder


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Background tasks run inside the request that queues them (django-tasks' immediate
    backend), so a test sees their outcome at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def service(db: Any) -> Service:
    return factories.make_service("Riverside HIU", organisation_code="RQX")


@pytest.fixture
def other_service(db: Any) -> Service:
    return factories.make_service("Hillside HIU", organisation_code="RKE")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """Staff in a role (or none), in a service (or none), who sign in with ``PASSWORD``."""

    def make(username: str, role: Role | None, service: Service | None = None) -> User:
        return factories.make_staff(username, role, service, password=PASSWORD)

    return make


@pytest.fixture
def staff(make_user: Callable[..., User], service: Service) -> dict[Role, User]:
    """One person per role; the casework roles work in ``service``."""
    in_service = {Role.SERVICE_LEAD, Role.CASE_MANAGER, Role.DATA_COORDINATOR}
    in_service.add(Role.VOLUNTEER_COORDINATOR)
    return {
        role: make_user(role.name.lower(), role, service if role in in_service else None)
        for role in Role
    }


@pytest.fixture
def make_client(db: Any) -> Callable[..., Client]:
    """A client of a service, with made-up details for what is not given
    (hiu.web.demo.factories.make_client)."""
    return factories.make_client


@pytest.fixture
def signed_in(client: HttpClient) -> Callable[[User], HttpClient]:
    def sign_in(user: User) -> HttpClient:
        client.force_login(user)
        return client

    return sign_in
