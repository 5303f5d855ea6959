"""The demo service and its staff: a user in every role, every one with the same password."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from hiu.web.accounts.models import ListFrequency, Service
from hiu.web.accounts.roles import Role
from hiu.web.demo.factories import make_service, make_staff

DEFAULT_DEMO_PASSWORD = "demo-only-password"  # noqa: S105 - synthetic demo only, printed by the demo
DEMO_SERVICE = "Demo High Intensity Use service (synthetic data)"
DEMO_RULE_SET = "hackney"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    job_title: str
    in_service: bool = True
    organisation: str = ""


DEMO_USERS = (
    DemoUser(
        "lead", "Priya", "Shah", Role.SERVICE_LEAD, "HIU service lead", True, "Homerton Healthcare"
    ),
    DemoUser(
        "casemanager",
        "Sam",
        "Okafor",
        Role.CASE_MANAGER,
        "HIU case manager",
        True,
        "Homerton Healthcare",
    ),
    DemoUser(
        "casemanager2",
        "Jo",
        "Williams",
        Role.CASE_MANAGER,
        "Care planning and navigation nurse",
        True,
        "East London NHS Foundation Trust",
    ),
    DemoUser(
        "casemanager3",
        "Alex",
        "Nowak",
        Role.CASE_MANAGER,
        "Assistant psychologist",
        True,
        "East London NHS Foundation Trust",
    ),
    DemoUser(
        "datacoordinator",
        "Chris",
        "Evans",
        Role.DATA_COORDINATOR,
        "Data coordinator",
        True,
        "Homerton Healthcare",
    ),
    DemoUser("volunteers", "Morgan", "Lee", Role.VOLUNTEER_COORDINATOR, "Befriending coordinator"),
    # In the service: a commissioner sees the reports of the service they commission.
    DemoUser("commissioner", "Dana", "Hughes", Role.COMMISSIONER, "ICB commissioner", True),
    # In the service: the IG lead answers for its records (and reads its clients' names in the
    # audit log).
    DemoUser("ig", "Robin", "Patel", Role.IG_LEAD, "IG lead and Caldicott guardian", True),
    DemoUser("admin", "Kim", "Taylor", Role.ADMINISTRATOR, "System administrator", False),
)
#: The case managers the caseload is shared between, in turn.
CASE_MANAGERS = ("casemanager", "casemanager2", "casemanager3")


@dataclass(frozen=True)
class DemoTeam:
    lead: User
    managers: list[User]


def make_demo_service(password: str) -> tuple[Service, dict[str, User]]:
    """The demo service and its staff by username, made or brought up to date."""
    service = make_service(
        DEMO_SERVICE,
        organisation_code="RQX",
        area="Synthetic borough",
        rule_set=DEMO_RULE_SET,
        list_frequency=ListFrequency.MONTHLY,
    )
    users = {spec.username: _demo_user(spec, password, service) for spec in DEMO_USERS}
    return service, users


def _demo_user(spec: DemoUser, password: str, service: Service) -> User:
    return make_staff(
        spec.username,
        spec.role,
        service if spec.in_service else None,
        password=password,
        first_name=spec.first_name,
        last_name=spec.last_name,
        email=f"{spec.username}@example.nhs.uk",
        job_title=spec.job_title,
        organisation=spec.organisation,
        django_admin=spec.role
        is Role.ADMINISTRATOR,  # Django's admin, when HIU_DJANGO_ADMIN opens it
    )


def demo_team() -> DemoTeam:
    """The demo's lead and case managers, made by ``make_demo_service``."""
    managers = [User.objects.get(username=name) for name in CASE_MANAGERS]
    return DemoTeam(lead=User.objects.get(username="lead"), managers=managers)
