"""Reading the next chunk while this one is validated: order, errors and early stops."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import polars as pl
import pytest

from hiu.ingest.pipeline import _read_ahead


def _chunks(n: int, fail_at: int | None = None) -> Iterator[pl.DataFrame]:
    for i in range(n):
        if i == fail_at:
            raise ValueError("reader failed")
        yield pl.DataFrame({"i": [i]})


def test_it_yields_every_chunk_in_order() -> None:
    assert [c["i"][0] for c in _read_ahead(_chunks(20))] == list(range(20))


def test_it_raises_a_readers_error_in_the_importing_thread() -> None:
    seen: list[int] = []

    def consume() -> None:
        for chunk in _read_ahead(_chunks(10, fail_at=5)):
            seen.append(chunk["i"][0])

    with pytest.raises(ValueError, match="reader failed"):
        consume()
    assert seen == [0, 1, 2, 3, 4]


def test_it_stops_its_thread_when_the_importer_stops_early() -> None:
    before = threading.active_count()
    reading = _read_ahead(_chunks(1000))
    next(reading)
    reading.close()  # as when validation or staging raises
    assert threading.active_count() == before
