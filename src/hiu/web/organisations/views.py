"""The organisation table's pages: what is loaded, and loading an ODS file. Thin: the load is
``importing.import_organisations``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required
from hiu.web.accounts.roles import Role
from hiu.web.organisations.forms import ImportForm
from hiu.web.organisations.importing import NotAnOdsFile, import_organisations
from hiu.web.organisations.models import Kind, Organisation, OrganisationImport

LOADERS = (Role.DATA_COORDINATOR,)


@role_required(*LOADERS)
def organisations(request: AuthenticatedHttpRequest) -> HttpResponse:
    counts = {kind.label: Organisation.objects.filter(kind=kind).count() for kind in Kind}
    context = {"counts": counts, "loads": OrganisationImport.objects.all()[:10]}
    return render(request, "organisations/list.jinja", context)


@role_required(*LOADERS)
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            load = import_organisations(
                upload.read(),
                form.cleaned_data["kind"],
                file_name=upload.name or "",
                by=request.user,
                request=request,
            )
        except NotAnOdsFile as problem:
            form.add_error("file", str(problem))
        else:
            messages.success(
                request,
                f"{load.created} added, {load.updated} updated, {load.rejected} rejected",
            )
            return redirect("organisations:load", load_id=load.pk)
    return render(request, "organisations/upload.jinja", {"form": form})


@role_required(*LOADERS)
def load(request: AuthenticatedHttpRequest, load_id: int) -> HttpResponse:
    found = get_object_or_404(OrganisationImport.objects.select_related("imported_by"), pk=load_id)
    context = {"load": found, "rejections": found.rejections.all()[:500]}
    return render(request, "organisations/load.jinja", context)
