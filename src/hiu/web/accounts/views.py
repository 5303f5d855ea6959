"""Sign-in, the home page that sends each role to its own page, and the role pages of the shell."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hiu.web.accounts.forms import SignInForm
from hiu.web.accounts.permissions import role_required, service_of
from hiu.web.accounts.roles import Role, home_url_name, roles_of


class SignInView(LoginView):
    template_name = "accounts/sign_in.jinja"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = login_not_required(SignInView.as_view())


def home(request: HttpRequest) -> HttpResponse:
    target = home_url_name(request.user)
    if target is None:
        return render(request, "accounts/no_role.jinja", status=403)
    return redirect(target)


@role_required(Role.VOLUNTEER_COORDINATOR)
def volunteers(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/volunteers.jinja", {"service": service_of(request)})


@role_required(Role.ADMINISTRATOR)
def users(request: HttpRequest) -> HttpResponse:
    people = get_user_model().objects.order_by("username").prefetch_related("groups")
    rows = [
        {
            "user": person,
            "roles": ", ".join(role.label for role in roles_of(person)) or "No role",
            "service": getattr(getattr(person, "staff_profile", None), "service", None),
        }
        for person in people.select_related("staff_profile__service")
    ]
    return render(request, "accounts/users.jinja", {"rows": rows})
