"""Benchmarks of Sáu Rõ over the real HTTP stack (issue 6).

``python -m bench.run``: the scenarios' latencies against their budgets and the raw-SQL floor, then the load test;
``python -m bench.load``: the load test alone. Both start the production server (gunicorn) themselves, on a free
loopback port, and stop it before they exit. The data comes from ``sauro bench seed`` (``sauro/bench/``).
"""
