"""Static files are served by WhiteNoise, found once per process (``hiu.web.static_files``)."""

from __future__ import annotations

import pytest
from django.test import Client

from hiu.web.static_files import OnceFoundWhiteNoiseMiddleware


def test_it_serves_the_service_s_own_and_the_nhsuk_static_files_to_every_new_client() -> None:
    for _ in range(2):
        client = Client()
        css = client.get("/static/hiu/hiu.css")
        assert css.status_code == 200
        assert b"".join(css.streaming_content).strip()  # type: ignore[attr-defined]
        assert client.get("/static/hiu/no-such-file.css").status_code == 404


def test_a_second_middleware_reuses_the_first_one_s_index_without_walking_the_finders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = OnceFoundWhiteNoiseMiddleware(lambda request: None)
    assert "/static/hiu/hiu.css" in first.files
    walked: list[bool] = []
    monkeypatch.setattr(
        "whitenoise.middleware.WhiteNoiseMiddleware.add_files_from_finders",
        lambda self: walked.append(True),
    )
    second = OnceFoundWhiteNoiseMiddleware(lambda request: None)
    assert walked == []
    assert second.files.keys() >= first.files.keys()
    assert second.files["/static/hiu/hiu.css"] is first.files["/static/hiu/hiu.css"]
