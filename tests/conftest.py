"""Shared test set-up: every run gets its own data directory, never the developer's ``var/``."""

from __future__ import annotations

import os
import tempfile

# Set before pytest-django imports the settings, which read HIU_DATA_DIR at import time.
os.environ["HIU_DATA_DIR"] = tempfile.mkdtemp(prefix="hiu-test-data-")
