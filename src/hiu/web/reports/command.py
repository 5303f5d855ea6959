"""``hiu report``: a service's report for a period, written to a file from the command line.

It reads the casework database (``DATABASE_URL``) and the activity store (``HIU_DATA_DIR``) as
the web app does, makes the same report the Reports page previews as a draft, and writes it
atomically: to a temporary file beside the target, renamed over it once complete, so a failed
run leaves no file and never half a file. ``hiu.console`` imports this module only when the
command runs: the analytics core never imports Django.
"""

from __future__ import annotations

import getpass
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hiu.report.period import Period


class ReportCommandError(Exception):
    """The report was not written; the message says why, naming no one and no record."""


@dataclass(frozen=True)
class Written:
    path: Path
    service: str
    period: Period
    file_format: str


def _set_up_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hiu.web.settings")
    import django

    django.setup()


def _who() -> str:
    """Who ran the command, for the audit log: the operating system's user name."""
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "command line"


def write_atomically(path: Path, content: bytes) -> None:
    if not path.parent.is_dir():
        raise ReportCommandError(f"The folder {path.parent} does not exist.")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file readable by its owner only; a report is made to be passed on,
        # so it gets the mode any new file would (the command is single-threaded: the umask
        # can be read by setting it and back).
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_report(period: Period, file_format: str, out: Path, service_name: str | None) -> Written:
    """Make the service's report for the period and write it to ``out`` in the format."""
    _set_up_django()
    # Imported once Django is set up: they define and query models.
    from hiu.web.accounts.models import Service
    from hiu.web.audit.models import Action
    from hiu.web.audit.service import record
    from hiu.web.reports import services

    if file_format not in services.FORMATS:
        raise ReportCommandError(f"{file_format!r} is not a format: give pdf, xlsx or html.")
    if service_name is not None:
        service = Service.objects.filter(name=service_name).first()
        if service is None:
            raise ReportCommandError(f"No service is called {service_name!r}.")
    else:
        services_held = Service.objects.count()
        if services_held != 1:
            raise ReportCommandError(
                "The database holds no service yet."
                if services_held == 0
                else f"The database holds {services_held} services: name one with --service."
            )
        service = Service.objects.get()
    report = services.draft_report(service, period, on=services.today())
    write_atomically(out, services.FORMATS[file_format].draw(report))
    record(
        Action.DOWNLOAD_REPORT,
        username=_who(),
        object_type="report",
        object_id=period.key,
        detail={"period": period.key, "format": file_format, "version": "draft"},
    )
    return Written(out, service.name, period, file_format)
