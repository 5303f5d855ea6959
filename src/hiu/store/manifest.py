"""The manifest of one import batch: what file, what kind, how many rows went where, who, when."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Manifest:
    batch_id: int
    kind: str
    file_name: str
    sha256: str
    size_bytes: int
    format: str
    encoding: str | None
    profile: str | None
    imported_by: str
    started_at: str
    finished_at: str
    rows_read: int
    accepted: int
    rejected: int
    #: Accepted rows whose identifier was already in the store: they replaced the old row.
    replaced: int
    #: Rejected rows by reason ("column: rule"), most frequent first.
    reasons: dict[str, int] = field(default_factory=dict)
    #: The quarantine file, relative to the store's root; None when nothing was rejected.
    quarantine: str | None = None

    @property
    def added(self) -> int:
        return self.accepted - self.replaced

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        return cls(**data)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
