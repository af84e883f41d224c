"""A job for tests/common/test_workers.py: appends one line (its number, the worker's process id) to a file.

``python -m tests.common.worker_jobs FILE N`` queues N of them (numbers 0..N-1) on the configured database.
"""

from __future__ import annotations

import os
import sys
import time

from django_tasks import task


@task()
def append_marker(path: str, number: int) -> int:
    time.sleep(0.02)  # long enough for the two workers to interleave
    with open(path, "a", encoding="utf-8") as out:  # O_APPEND: one short write per line, never torn
        out.write(f"{number} {os.getpid()}\n")
    return number


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauro.settings")
    django.setup()
    # Under its module name (not __main__), so that the workers can import it.
    from tests.common.worker_jobs import append_marker as job

    marker_file, count = sys.argv[1], int(sys.argv[2])
    for number in range(count):
        job.enqueue(marker_file, number)
