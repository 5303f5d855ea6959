"""The roles people hold in an HIU service, and what each one sees first.

A role is a Django group whose name is the role's label. Groups are created by a data migration
(roles are configuration); users are never created by migrations. A person may hold several
roles: their home page is that of the first role in the order below, and their navigation joins
every role's links.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.contrib.auth.models import AnonymousUser, User

AnyUser = User | AnonymousUser


class Role(Enum):
    SERVICE_LEAD = "Service lead"
    CASE_MANAGER = "Case manager"
    DATA_COORDINATOR = "Data coordinator"
    VOLUNTEER_COORDINATOR = "Volunteer coordinator"
    COMMISSIONER = "Commissioner"
    IG_LEAD = "IG lead"
    ADMINISTRATOR = "Administrator"

    @property
    def label(self) -> str:
        return self.value


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str


# Each role's home page (a URL name) and its navigation, home first. Kept short enough to fit
# the header at desktop widths (the header folds the rest under "More"): what feeds the report
# (team meetings, case studies, targets) is linked from Reports.
NAVIGATION: dict[Role, tuple[NavItem, ...]] = {
    Role.SERVICE_LEAD: (
        NavItem("Team caseload", "clients:team"),
        NavItem("Tasks", "clients:tasks"),
        NavItem("Referrals", "screening:referrals"),
        NavItem("Identification", "identification:runs"),
        NavItem("Find a client", "clients:search"),
        NavItem("Clients", "clients:list"),
        NavItem("Outcomes", "outcomes:summary"),
        NavItem("Evaluation", "evaluation:overview"),
        NavItem("Reports", "reports:list"),
        NavItem("Service settings", "episodes:pathway"),
    ),
    Role.CASE_MANAGER: (
        NavItem("My caseload", "clients:caseload"),
        NavItem("Tasks", "clients:tasks"),
        NavItem("Diary", "diary:week"),
        NavItem("Visits", "contacts:visits"),
        NavItem("Referrals", "screening:referrals"),
        NavItem("Identification", "identification:runs"),
        NavItem("Find a client", "clients:search"),
        NavItem("Team meetings", "meetings:list"),
    ),
    Role.DATA_COORDINATOR: (
        NavItem("Activity data", "imports:data"),
        NavItem("Tasks", "clients:tasks"),
        NavItem("Referrals", "screening:referrals"),
        NavItem("Identification", "identification:runs"),
        NavItem("Find a client", "clients:search"),
        NavItem("Clients", "clients:list"),
        NavItem("Outcomes", "outcomes:summary"),
        NavItem("Evaluation", "evaluation:overview"),
        NavItem("Reports", "reports:list"),
        NavItem("Letter templates", "contacts:templates"),
    ),
    Role.VOLUNTEER_COORDINATOR: (
        NavItem("Volunteers", "accounts:volunteers"),
        NavItem("Befriending referrals", "interventions:befriending"),
    ),
    # Commissioners see the reports their service has issued, and nothing else.
    Role.COMMISSIONER: (NavItem("Reports", "reports:list"),),
    Role.IG_LEAD: (NavItem("Audit log", "audit:log"),),
    Role.ADMINISTRATOR: (
        NavItem("Users and roles", "accounts:users"),
        NavItem("Audit log", "audit:log"),
    ),
}

ROLE_BY_LABEL = {role.label: role for role in Role}


def roles_of(user: AnyUser) -> list[Role]:
    """The user's roles in the fixed order of ``Role``; superusers are administrators."""
    if not user.is_authenticated:
        return []
    # Group names are cached on the user for the request: navigation asks on every page.
    cached: list[Role] | None = getattr(user, "_hiu_roles", None)
    if cached is not None:
        return cached
    # groups.all() rather than values_list: it uses a prefetch when a list page made one.
    names = {group.name for group in user.groups.all()}
    held = [role for role in Role if role.label in names]
    if getattr(user, "is_superuser", False) and Role.ADMINISTRATOR not in held:
        held.append(Role.ADMINISTRATOR)
    user._hiu_roles = held  # type: ignore[attr-defined]
    return held


def role_of(user: AnyUser) -> Role | None:
    """The user's first role, which picks their home page; None for someone with no role."""
    held = roles_of(user)
    return held[0] if held else None


def has_role(user: AnyUser, *roles: Role) -> bool:
    return any(role in roles for role in roles_of(user))


def navigation_for(user: AnyUser) -> list[NavItem]:
    seen: set[str] = set()
    items: list[NavItem] = []
    for role in roles_of(user):
        for item in NAVIGATION[role]:
            if item.url_name not in seen:
                seen.add(item.url_name)
                items.append(item)
    return items


def home_url_name(user: AnyUser) -> str | None:
    role = role_of(user)
    return NAVIGATION[role][0].url_name if role else None
