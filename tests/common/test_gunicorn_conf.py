"""The production server's worker set-up: start-up objects out of the garbage collector's sight, and a larger
youngest generation (docs/performance.md: ~15 ms of collections per dashboard request otherwise)."""

from __future__ import annotations

import gc

from sauro.common import gunicorn_conf


def test_a_worker_freezes_its_start_up_objects_and_collects_less_often() -> None:
    before = gc.get_threshold()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 1000
        assert gc.get_threshold() == gunicorn_conf.GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
