"""The web worker's start: every view module loaded, then the heap frozen out of the garbage collector's reach."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
import django
django.setup()
from sauro.common import gunicorn_conf
before = gc.get_freeze_count()
gunicorn_conf.post_worker_init(None)
print(json.dumps({"before": before, "after": gc.get_freeze_count(), "views": "sauro.tasks.views" in sys.modules}))
"""


def test_the_worker_loads_every_view_and_freezes_its_heap() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sauro.settings"}
    out = subprocess.run(  # noqa: S603 - fixed command, no shell
        [sys.executable, "-c", PROBE], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["before"] == 0
    assert found["views"] is True
    assert found["after"] > 50_000  # Django and the apps: what the worker keeps for its whole life
