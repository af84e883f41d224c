"""The production server's worker set-up: start-up objects (views included) out of the garbage collector's sight
(docs/performance.md: ~13 ms of collections per dashboard request otherwise, ~3.5 ms frozen)."""

from __future__ import annotations

import gc
import sys

from sauro.common import gunicorn_conf


def test_a_worker_freezes_its_start_up_objects_with_the_views_loaded() -> None:
    before = gc.get_threshold()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 1000
        # The views are loaded first, so they are frozen too; the thresholds stay Python's (memory stays flat).
        assert "sauro.dashboard.views" in sys.modules
        assert gc.get_threshold() == before
    finally:
        gc.unfreeze()
