"""Import pages. Thin: jobs come from scoped querysets, display from presenters, work from
services; uploads and quarantine downloads are audited here, where a reviewer can see it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from hiu.web.accounts.models import Service
from hiu.web.accounts.permissions import AuthenticatedHttpRequest, role_required, service_of
from hiu.web.accounts.roles import Role
from hiu.web.audit.models import Action
from hiu.web.audit.service import record
from hiu.web.imports.files import activity_store, available_profiles
from hiu.web.imports.forms import UploadForm, too_large_message
from hiu.web.imports.models import ImportJob
from hiu.web.imports.presenters import data_page, job_page, job_url, manifest_summary
from hiu.web.imports.services import batch_manifest, quarantine_file, start_import

#: Room for the form's other fields and the multipart boundaries around the file: a request
#: larger than the limit by more than this cannot hold a file within the limit.
FORM_OVERHEAD_BYTES = 64 * 1024


@role_required(Role.DATA_COORDINATOR)
def data(request: AuthenticatedHttpRequest) -> HttpResponse:
    jobs = ImportJob.objects.visible_to(request.user)
    elsewhere = ImportJob.objects.batches_of_other_services(request.user)
    page = data_page(activity_store(), jobs, elsewhere)
    return render(request, "imports/data.jinja", {"page": page})


# CSRF is checked by _upload, after the size: Django's CSRF check reads the request body to find
# the token, and a file over the limit is refused before any of its body is read.
@role_required(Role.DATA_COORDINATOR)
@csrf_exempt
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    service = service_of(request)
    if service is None:
        raise PermissionDenied
    declared = _content_length(request)
    if request.method == "POST" and declared > settings.MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        message = too_large_message(declared, settings.MAX_UPLOAD_BYTES)
        form = UploadForm(profiles=available_profiles())
        # The file is refused before the form is read: the error goes on the unsent form.
        form.cleaned_data = {}
        form.add_error("file", message)
        return _upload_page(request, form, status=413)
    return _upload(request, service)


@csrf_protect
def _upload(request: AuthenticatedHttpRequest, service: Service) -> HttpResponse:
    profiles = available_profiles()
    if request.method != "POST":
        return _upload_page(request, UploadForm(profiles=profiles))
    form = UploadForm(request.POST, request.FILES, profiles=profiles)
    if not form.is_valid():
        return _upload_page(request, form)
    job = start_import(
        service=service,
        user=request.user,
        kind=form.cleaned_data["kind"],
        profile=form.cleaned_data["profile"],
        upload=form.cleaned_data["file"],
    )
    record(
        Action.UPLOAD_EXTRACT,
        request=request,
        object_type="import_job",
        object_id=job.pk,
        detail={"kind": job.kind, "size_bytes": job.size_bytes},
    )
    return redirect(job_url(job))


def _upload_page(
    request: AuthenticatedHttpRequest,
    form: UploadForm,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "limit": settings.MAX_UPLOAD_BYTES}
    return render(request, "imports/upload.jinja", context, status=status)


def _content_length(request: AuthenticatedHttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


@role_required(Role.DATA_COORDINATOR)
def job(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    # Another service's job is a 404, not a 403: its existence is not disclosed.
    found = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=job_id)
    quarantine = quarantine_file(found)
    size = quarantine.stat().st_size if quarantine else None
    page = job_page(found, batch_manifest(found), size)
    return render(request, "imports/job.jinja", {"page": page})


@role_required(Role.DATA_COORDINATOR)
def quarantine(request: AuthenticatedHttpRequest, job_id: int) -> FileResponse:
    found = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=job_id)
    path = quarantine_file(found)
    if path is None:
        raise Http404
    # The file holds rows of patient data as they were sent: every download is recorded.
    record(
        Action.DOWNLOAD_QUARANTINE,
        request=request,
        object_type="import_job",
        object_id=found.pk,
        detail={"batch": found.batch_id},
    )
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"quarantine-batch-{found.batch_id}.csv",
        content_type="text/csv; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.DATA_COORDINATOR)
def batch(request: AuthenticatedHttpRequest, batch_id: int) -> HttpResponse:
    """A batch in the activity store: imported here, elsewhere, or at the command line."""
    own = ImportJob.objects.visible_to(request.user).that_made([batch_id]).first()
    if own is not None:
        return redirect(job_url(own))
    if batch_id in ImportJob.objects.batches_of_other_services(request.user):
        raise Http404
    try:
        manifest = activity_store().batch(batch_id)
    except KeyError:
        raise Http404 from None
    return render(request, "imports/batch.jinja", {"summary": manifest_summary(manifest)})
