"""Gunicorn settings for Sáu Rõ: ``gunicorn -c python:sauro.common.gunicorn_conf``.

``sauro serve`` starts gunicorn with this file and passes ``--bind`` and ``--workers`` on the command line
(which take precedence). Behind a reverse proxy set ``FORWARDED_ALLOW_IPS`` to the proxy's address.
"""

from __future__ import annotations

import gc
import os
from typing import Any

wsgi_app = "sauro.wsgi:application"
bind = [os.environ.get("BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# The sync worker, whose own refusals (414, 431, 400 … before Django sees the request) are JSON like the API's.
worker_class = "sauro.common.gunicorn_worker.JsonErrorWorker"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM, requests in flight get this long to finish.
graceful_timeout = 10
# Access log to stdout, errors to stderr.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "sauro-web"
# Gunicorn 27's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl): two instances on
# one machine (a test run beside `make run`) would fight over it, and nothing here uses it.
control_socket_disable = True

# Python's cyclic garbage collector, for a web worker: everything loaded at start-up (Django, the models, every
# view and API module, the URL map: ~150,000 objects) is moved out of its sight. Full collections walked them again
# and again (30-100 ms each in a new worker's first few hundred requests; ~13 ms of collections per dashboard
# request, ~3.5 ms frozen). The thresholds stay Python's: with a youngest generation of 50,000, the cyclic garbage
# of a quarterly report (~9 MB a request) piled up past the 300 MB budget (docs/performance.md).


def post_worker_init(worker: Any) -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports every app's views and API before the freeze
    gc.collect()
    gc.freeze()
