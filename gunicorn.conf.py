"""gunicorn settings of the atlas (``gunicorn app:server`` reads this file from the working folder).

Threads, not processes, serve requests (``gthread``), so a slow client holds
one thread, not a worker. gunicorn itself gives a connection back to its
poller when its headers do not arrive within a few seconds; the hook below
bounds the body too: every read of a request body waits at most
``ATLAS_BODY_TIMEOUT`` seconds (10) for data, after which the connection is
closed. Uploads are parsed in child processes (``loaders/sandbox.py``), so a
hostile file never holds a worker. ``benchmarks/slow_clients.py`` and
``tests/cli/test_gunicorn.py`` check that ``/healthz`` answers while slow
clients hold connections.

Environment: ``ATLAS_BIND`` (127.0.0.1:8050), ``WEB_CONCURRENCY`` (workers, 2),
``ATLAS_THREADS`` (threads per worker, 16), ``ATLAS_BODY_TIMEOUT`` (10).
"""

import os

bind = os.environ.get("ATLAS_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("ATLAS_THREADS", "16"))
# the worker heartbeat: a callback may wait for an upload's parse (ATLAS_MAX_PARSE_SECONDS, 60 s)
timeout = 120
graceful_timeout = 30
keepalive = 5
worker_connections = 200
# requests: a line of at most 8 KB, at most 100 headers of at most 8 KB each
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# a fresh worker now and then bounds what a long-lived one may accumulate; the jitter spreads the restarts so
# that the workers are never renewed together (with 2,000 +- 200 both were, under an even load, and for about
# 50 s no worker answered: 49 requests of a 50-user load test timed out)
max_requests = 20000
max_requests_jitter = 10000
accesslog = os.environ.get("ATLAS_ACCESS_LOG") or None
_BODY_TIMEOUT = float(os.environ.get("ATLAS_BODY_TIMEOUT", "10"))


def pre_request(worker, req):
    """Bound every wait for body data of ``req`` (a slow upload cannot hold a thread for ever)."""
    sock = getattr(getattr(req, "unreader", None), "sock", None)
    if sock is not None and _BODY_TIMEOUT > 0:
        sock.settimeout(_BODY_TIMEOUT)
