"""Run a module as ``python -m MODULE ARGS`` does, or a command's entry point given as
``MODULE:FUNCTION`` (``hiu.console:main`` is the installed ``hiu``), on the test run's clock.

The browser tests' server, tasks worker and synthetic extracts run in subprocesses; started
through this, they read the same shifted clock as the tests (tests/conftest.py, `hold_the_date`),
so a date or time a test works out is the one the server works out too.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
import time

import time_machine

if __name__ == "__main__":
    time_machine.travel(time.time() + float(os.environ["HIU_TEST_CLOCK_SHIFT"]), tick=True).start()
    target, *arguments = sys.argv[1:]
    sys.argv = [target, *arguments]
    module, _, function = target.partition(":")
    if function:
        getattr(importlib.import_module(module), function)()
    else:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
