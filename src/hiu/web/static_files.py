"""WhiteNoise, with the static files found once per process rather than once per handler.

WhiteNoise's middleware walks every static-files finder and stats every file (and its
compressed variants) when it is built: about 1,500 files here, half a second. A server builds
its middleware once, so that is paid once at start-up; but Django's test client builds a new
handler, and so a new middleware, for every test, and the suite paid it thousands of times
(measured: 0.53 s of the 0.65 s a page test took). The files and their headers cannot change
while a process runs with autorefresh off (WhiteNoise's own assumption), so the first instance's
index is kept and reused. With autorefresh on (``HIU_DEBUG``), WhiteNoise finds files per
request and this class changes nothing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from whitenoise.middleware import WhiteNoiseMiddleware


class OnceFoundWhiteNoiseMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]
    _found: ClassVar[dict[str, dict[str, Any]]] = {}

    def add_files_from_finders(self) -> None:
        key = str(self.static_prefix)
        found = self._found.get(key)
        if found is None:
            before = dict(self.files)
            super().add_files_from_finders()
            found = {url: file for url, file in self.files.items() if before.get(url) is not file}
            self._found[key] = found
        for url, static_file in found.items():
            self.files[url] = static_file
