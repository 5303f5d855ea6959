"""Sign-in, the home page that sends each role to its own page, and the role pages of the shell."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hiu.web.accounts import user_admin
from hiu.web.accounts.forms import SignInForm
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role, home_url_name, roles_of
from hiu.web.accounts.user_forms import NewUserForm, PasswordForm, UserDetailsForm
from hiu.web.refused import Refused


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
def users(request: AuthenticatedHttpRequest) -> HttpResponse:
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


@role_required(Role.ADMINISTRATOR)
def add_user(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = user_admin.create_user(
                form.cleaned_data["username"],
                form.details(),
                form.cleaned_data["password"],
                by=request.user,
                request=request,
            )
        except Refused as refused:
            refused.put_on(form)
        else:
            messages.success(request, f"{made.get_full_name()} can now sign in as {made.username}")
            return redirect("accounts:users")
    return render(request, "accounts/user_form.jinja", {"form": form, "person": None})


@role_required(Role.ADMINISTRATOR)
def change_user(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("staff_profile"), pk=user_id)
    form = UserDetailsForm(request.POST or None, initial=UserDetailsForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            user_admin.change_user(person, form.details(), by=request.user, request=request)
        except Refused as refused:
            refused.put_on(form)
        else:
            messages.success(request, f"{person.get_full_name() or person.username}: saved")
            return redirect("accounts:users")
    return render(request, "accounts/user_form.jinja", {"form": form, "person": person})


@role_required(Role.ADMINISTRATOR)
def user_password(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_admin.reset_password(
                person, form.cleaned_data["password"], by=request.user, request=request
            )
        except Refused as refused:
            refused.put_on(form)
        else:
            messages.success(
                request,
                f"{person.get_full_name() or person.username} has a new password: "
                "tell them it, not by email, and they are signed out everywhere else",
            )
            return redirect("accounts:users")
    return render(request, "accounts/user_password.jinja", {"form": form, "person": person})


@require_POST
@role_required(Role.ADMINISTRATOR)
def user_active(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    active = request.POST.get("active") == "yes"
    try:
        user_admin.set_active(person, active, by=request.user, request=request)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        name = person.get_full_name() or person.username
        messages.success(
            request, f"{name} can sign in again" if active else f"{name} can no longer sign in"
        )
    return redirect("accounts:users")
