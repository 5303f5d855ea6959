"""Where imports keep things on disk: the activity store, uploads waiting for the worker, and a
site's mapping profiles, all under HIU_DATA_DIR."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile

from hiu.ingest.errors import ProfileError
from hiu.ingest.profiles import load_profile, shipped_profiles
from hiu.store.store import Store

UPLOADS = "uploads"


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def activity_store() -> Store:
    return Store.in_data_dir(data_dir())


def profile_search_path() -> list[Path]:
    """A site's own mapping profiles live in ``$HIU_DATA_DIR/profiles``, as for ``hiu import``."""
    return [data_dir() / "profiles"]


def available_profiles() -> list[tuple[str, str]]:
    """Mapping profiles an upload may name, as (name, label): the site's own, then shipped ones.

    A site profile with the name of a shipped one replaces it, as in ``load_profile``. A site
    profile with a mistake is still listed: choosing it gives the import a message naming the
    mistake, which is more use than a profile that silently is not there.
    """
    found: dict[str, str] = {}
    for folder in profile_search_path():
        for path in sorted(folder.glob("*.toml")):
            try:
                description = load_profile(path.stem, search=[folder]).description
            except ProfileError:
                description = "has a mistake: the import will say where"
            found.setdefault(path.stem, description)
    for profile in shipped_profiles():
        found.setdefault(profile.name, profile.description)
    return [(name, f"{name}: {text}" if text else name) for name, text in found.items()]


def stored_name(original_name: str) -> str:
    """The name an upload is kept under: ``extract`` and the original's file type.

    The uploader's file name is never part of a path (it could hold ``../`` or a name that
    means something to a shell); the readers need only its suffix to know the format.
    """
    return "extract" + PurePath(original_name.replace("\\", "/")).suffix.lower()


def display_name(original_name: str) -> str:
    """The original file name without any folders a browser may have sent with it."""
    return PurePath(original_name.replace("\\", "/")).name[:255] or "extract"


def save_upload(upload: UploadedFile[bytes]) -> str:
    """Keep an uploaded file until its import has run; returns its path under HIU_DATA_DIR.

    Each upload gets a folder of its own (``uploads/<random>/``) that only the service's
    account can read. A large upload is already a temporary file on the data disk
    (``FILE_UPLOAD_TEMP_DIR``), so keeping it is a rename, not a copy.
    """
    storage = FileSystemStorage(
        location=data_dir(), file_permissions_mode=0o600, directory_permissions_mode=0o700
    )
    return storage.save(f"{UPLOADS}/{uuid.uuid4().hex}/{stored_name(upload.name or '')}", upload)


def delete_upload(relative_path: str) -> None:
    """Delete an upload and its folder. Only paths under ``uploads/`` are ever deleted."""
    folder = (data_dir() / relative_path).parent.resolve()
    if folder.parent == (data_dir() / UPLOADS).resolve():
        shutil.rmtree(folder, ignore_errors=True)
