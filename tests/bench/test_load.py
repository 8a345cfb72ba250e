"""The page benchmarks' load generators (bench/_web.py) against a tiny local
HTTP server: no Django, no database."""

import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.bench.helpers import bench_module

SLOW_SECONDS = 0.3


@pytest.fixture(scope="module")
def web():
    return bench_module("_web.py", "bench_web")


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_users_who_think_start_somewhere_in_their_first_think(web, server):
    samples = []
    start = time.time()
    result = web.load(
        server,
        [web.Call("/", cookie="a=b")],
        users=8,
        seconds=2.5,
        max_requests=100,
        think=(1.0, 2.0),
        samples=samples,
    )
    assert result.requests >= 8 and result.bad_status == 0
    for user in range(8):
        # The same seeded first draw the generator makes for this user.
        offset = random.Random(user).uniform(0, 2.0)
        first = min(s.sent for s in samples if s.tag.startswith(f"u{user}."))
        assert first - start >= offset - 0.01, user
    # Not all at one instant: the seeded offsets are spread over a second or more.
    firsts = [min(s.sent for s in samples if s.tag.startswith(f"u{u}.")) for u in range(8)]
    assert max(firsts) - min(firsts) >= 1.0


def test_the_open_loop_sends_on_its_timetable_whatever_the_server_takes(web, server):
    samples = []
    result = web.open_loop(
        server,
        [web.Call("/slow", cookie="a=b")],
        rate=20,
        seconds=1.0,
        arrivals="even",
        samples=samples,
    )
    # Every arrival of the timetable (0.05 s apart) went out, though each
    # answer took 0.3 s: one user waiting for its answers would send four.
    assert len(samples) == result.requests == 19
    scheduled = sorted(s.scheduled for s in samples)
    gaps = {round(b - a, 3) for a, b in zip(scheduled, scheduled[1:], strict=False)}
    assert gaps == {0.05}
    # Latency counts from when the request was due, the server's time included.
    assert all(s.sent >= s.scheduled and s.done - s.scheduled >= SLOW_SECONDS for s in samples)
