"""Task pages: a client's tasks, one task (complete, snooze, reassign), adding and editing an
own task. Thin: the tasks come from ``hiu.web.clients.tasks``, which also makes every change
(and audits it); each page is a page of the client's record, read through ``record_views``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required
from hiu.web.clients import tasks
from hiu.web.clients.caseload import allocatable_workers, person_name
from hiu.web.clients.forms import (
    CompleteTaskForm,
    OwnTaskForm,
    SnoozeTaskForm,
    WorkerChoiceForm,
)
from hiu.web.clients.models import Client
from hiu.web.clients.views import CASEWORK
from hiu.web.formatting import format_date
from hiu.web.record_views import bind, open_record, record_form, record_page

ACTIONS = ("complete", "snooze", "reassign")


def _back(request: AuthenticatedHttpRequest, client: Client) -> HttpResponse:
    """Back where the worker came from (a list of tasks), else the client's tasks."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(wanted)
    return redirect("clients:client_tasks", client_id=client.pk)


@role_required(*CASEWORK)
def client_tasks(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "tasks")
    today = timezone.localdate()
    items = tasks.work_for(Client.objects.filter(pk=client.pk), today)
    return record_page(
        request,
        client,
        "tasks",
        "clients/client_tasks.jinja",
        client=client,
        items=items,
        today=today,
    )


def _forms(request: AuthenticatedHttpRequest, client: Client, sent: str | None) -> dict[str, Any]:
    today = timezone.localdate()
    data = request.POST if sent else None
    workers = allocatable_workers(client.service)
    return {
        "complete": CompleteTaskForm(data if sent == "complete" else None, prefix="complete"),
        "snooze": SnoozeTaskForm(
            data if sent == "snooze" else None,
            prefix="snooze",
            choices=tasks.snooze_choices(today),
        ),
        "reassign": WorkerChoiceForm(
            data if sent == "reassign" else None, prefix="reassign", workers=workers
        ),
    }


def _task_page(
    request: AuthenticatedHttpRequest, client: Client, item: tasks.WorkItem, forms: dict[str, Any]
) -> HttpResponse:
    return record_page(
        request,
        client,
        "tasks",
        "clients/task.jinja",
        client=client,
        item=item,
        forms=forms,
        today=timezone.localdate(),
        next=request.POST.get("next") or request.GET.get("next", ""),
    )


@role_required(*CASEWORK)
def task(request: AuthenticatedHttpRequest, client_id: int, ref: str) -> HttpResponse:
    client = open_record(request, client_id, "tasks")
    item = tasks.find_item(client, ref, timezone.localdate())
    return _task_page(request, client, item, _forms(request, client, None))


@role_required(*CASEWORK)
@require_POST
def task_action(
    request: AuthenticatedHttpRequest, client_id: int, ref: str, action: str
) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("No such action")
    client = open_record(request, client_id, "tasks")
    item = tasks.find_item(client, ref, timezone.localdate())
    forms = _forms(request, client, action)
    form = forms[action]

    def save(form: Any) -> str:
        if action == "complete":
            tasks.complete(
                client, item, by=request.user, note=form.cleaned_data["note"], request=request
            )
            return f"Completed: {item.what}"
        if action == "snooze":
            until = form.chosen()
            tasks.snooze(client, item, until, by=request.user, request=request)
            return f"Snoozed until {format_date(until)}: {item.what}"
        chosen = form.chosen()
        tasks.reassign(client, item, chosen, by=request.user, request=request)
        return f"{item.what}: now with {person_name(chosen)}"

    return record_form(
        request,
        form,
        save=save,
        saved=lambda message: message,
        then=lambda _: _back(request, client),
        show=lambda _: _task_page(request, client, item, forms),
        fallback={"complete": "note", "snooze": "until", "reassign": "worker"}[action],
    )


@role_required(*CASEWORK)
def new_task(request: AuthenticatedHttpRequest, client_id: int) -> HttpResponse:
    client = open_record(request, client_id, "tasks")
    workers = allocatable_workers(client.service)
    me = str(request.user.pk) if request.user in workers else ""
    form = bind(request, OwnTaskForm, lambda: {"assignee": me}, workers=workers)
    return record_form(
        request,
        form,
        save=lambda form: tasks.add_task(
            client,
            form.cleaned_data["what"],
            form.cleaned_data["due_on"],
            form.chosen(),
            by=request.user,
            request=request,
        ),
        saved="Task added",
        then=redirect("clients:client_tasks", client_id=client.pk),
        show=lambda form: record_page(
            request,
            client,
            "tasks",
            "clients/own_task.jinja",
            client=client,
            form=form,
            editing=False,
        ),
        fallback="what",
    )


@role_required(*CASEWORK)
def edit_task(request: AuthenticatedHttpRequest, client_id: int, ref: str) -> HttpResponse:
    client = open_record(request, client_id, "tasks")
    item = tasks.find_item(client, ref, timezone.localdate())
    if not item.own:
        raise Http404("Only a task a worker added can be changed")
    workers = allocatable_workers(client.service)
    form = bind(
        request,
        OwnTaskForm,
        lambda: {
            "what": item.what,
            "due_on": item.due_on,
            "assignee": str(item.assignee_id or ""),
        },
        workers=workers,
    )
    return record_form(
        request,
        form,
        save=lambda form: tasks.edit_task(
            client,
            item,
            form.cleaned_data["what"],
            form.cleaned_data["due_on"],
            form.chosen(),
            by=request.user,
            request=request,
        ),
        saved="Task changed",
        then=redirect(reverse("clients:client_tasks", kwargs={"client_id": client.pk})),
        show=lambda form: record_page(
            request,
            client,
            "tasks",
            "clients/own_task.jinja",
            client=client,
            form=form,
            editing=True,
            item=item,
        ),
        fallback="what",
    )
