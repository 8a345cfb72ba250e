"""The project's WSGI application as bench/tail.py serves it: the same app,
with what the worker saw of each request put in the WSGI environ, where
gunicorn's access log can name it (`%({bench.t0}e)s` and so on):

- bench.t0, bench.t1: the wall clock (µs) when the app was called and when
  it had handed gunicorn the last byte. The load generator reads the same
  clock on the same machine, so the time before t0 (connecting, waiting in
  the listen queue for a free worker) and after t1 (the generator reading
  the answer) can be told from the server's own time.
- bench.run, bench.runq: µs the worker thread ran on a core and waited for
  one (runnable, not running) during the request, from
  /proc/thread-self/schedstat. The rest of the request's time it was
  blocked: on PostgreSQL, mostly, or on another thread's GIL.
- bench.db: the PostgreSQL backend's pid (a new pid is a new connection).

    gunicorn bench._served:application   # from the project's root"""

import time

from nectos.wsgi import application as project


def _schedstat() -> tuple[int, int]:
    """(ns on a core, ns waiting for one) of the calling thread so far."""
    with open("/proc/thread-self/schedstat", "rb") as f:
        run, wait, _ = f.read().split()
    return int(run), int(wait)


def application(environ, start_response):
    from django.db import connection

    environ["bench.t0"] = time.time_ns() // 1000
    run, wait = _schedstat()
    body = project(environ, start_response)
    try:
        yield from body
    finally:
        # Before the response's close(), which may close an old database
        # connection; this generator ends before gunicorn writes its log
        # line, which sees what is set here.
        ran, waited = _schedstat()
        environ["bench.t1"] = time.time_ns() // 1000
        environ["bench.run"] = (ran - run) // 1000
        environ["bench.runq"] = (waited - wait) // 1000
        raw = connection.connection
        environ["bench.db"] = raw.get_backend_pid() if raw is not None else 0
        if hasattr(body, "close"):
            body.close()
