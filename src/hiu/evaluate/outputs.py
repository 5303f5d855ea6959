"""Writing an evaluation: ``evaluation.json`` and ``evaluation.html`` side by side in a folder.

Each file is written to a temporary file in the same folder and renamed over the old one, so a
reader never sees half a file and a failed run leaves the last good one. The JSON is written
with fixed formatting (keys in the order the engine builds them, two-space
indent, a final newline), so the same inputs and seed give byte-identical files.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

JSON_NAME = "evaluation.json"
HTML_NAME = "evaluation.html"


def evaluation_json(evaluation: Mapping[str, Any]) -> str:
    return json.dumps(evaluation, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_evaluation(evaluation: Mapping[str, Any], folder: Path) -> tuple[Path, Path]:
    """Write both files into ``folder`` (made if missing); returns their paths."""
    from hiu.evaluate.report import render_html

    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / JSON_NAME
    html_path = folder / HTML_NAME
    text = evaluation_json(evaluation)
    html = render_html(evaluation)
    _replace(json_path, text)
    _replace(html_path, html)
    return json_path, html_path


def _replace(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
