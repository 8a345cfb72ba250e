"""`python -m tests.clocked_celery ARGS` is `celery ARGS` with the clock
where the test's was when it launched the worker (NECTOS_CLOCK_AT, a POSIX
time, ticking), so that a worker and a test moved to another day agree on
what today is."""

import os
import sys

import time_machine

if __name__ == "__main__":
    at = os.environ.get("NECTOS_CLOCK_AT")
    if at:
        time_machine.travel(float(at), tick=True).start()
    from celery.__main__ import main

    sys.argv = ["celery", *sys.argv[1:]]
    sys.exit(main())
