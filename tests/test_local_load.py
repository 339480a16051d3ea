"""`sharewall serve` under load: a burst of concurrent shares all answered and each counted once, and
refused requests leave nothing behind in the server process."""

from __future__ import annotations

import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.local_serve import ServeProcess, request, stats

SHARES = 200
CLIENTS = 40  # more than the 32 that reset connections with socketserver's listen backlog of 5
USERS = [f"load-{n}" for n in range(5)]
POSTS = ["arm-migration", "q3-results"]
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `sharewall serve` of its own, showing every period (StatsMinimumPeople=1)."""
    process = ServeProcess(tmp_path_factory.mktemp("load-site"), parameters=("StatsMinimumPeople=1",))
    yield process
    process.stop()


def _share(base: str, n: int, key: str) -> int | str:
    """One share as the dev user of its number; the status, or the connection's failure."""
    body = {"post": POSTS[n % len(POSTS)], "network": "linkedin", "personalised": False}
    headers = {"X-Sharewall-Dev-User": USERS[n % len(USERS)], "Idempotency-Key": key}
    try:
        # one function instance takes one request at a time, like one Lambda container: the last of a burst
        # waits for all before it, which on a busy shared machine can take more than a minute
        return request(base + "api/shares", "POST", body, headers, timeout=300)[0]
    except OSError as error:  # a reset or refused connection: the failure this test is about
        return f"{type(error).__name__}: {error}"


def _burst(base: str, keys: list[str]) -> list:
    """POST every share from CLIENTS threads that all start at the same moment; the statuses, in order."""
    start = threading.Barrier(CLIENTS)

    def client(offset: int) -> list[tuple[int, object]]:
        start.wait()
        return [(n, _share(base, n, keys[n])) for n in range(offset, len(keys), CLIENTS)]

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = [item for batch in pool.map(client, range(CLIENTS)) for item in batch]
    return [status for _, status in sorted(results)]


def test_a_burst_of_concurrent_shares_is_answered_and_counted_exactly_once(server):
    before = stats(server.url)["totals"]["shares"]
    keys = [str(uuid.uuid4()) for _ in range(SHARES)]
    statuses = _burst(server.url, keys)
    assert statuses == [201] * SHARES, [status for status in statuses if status != 201][:5]
    assert stats(server.url)["totals"]["shares"] == before + SHARES
    # a burst of retries of some of them: each is a replay, nothing is counted twice
    again = _burst(server.url, keys[::5])
    assert set(again) <= {200, 201}, [status for status in again if status not in (200, 201)][:5]
    assert stats(server.url)["totals"]["shares"] == before + SHARES


def _rss(pid: int) -> int:
    """The process's resident memory in bytes (Linux's /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _raw(base: str, head: str, body: bytes = b"") -> bytes:
    """Send a request head (and body) on a fresh connection; the status line of the answer."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as conn:
        conn.sendall(head.encode() + b"\r\n" + body)
        answer = conn.recv(64)
    return answer.split(b"\r\n", 1)[0]


def _refused(base: str, round_: int) -> None:
    """One of each kind of request the server refuses; each must get its 4xx."""
    parts = urlsplit(base)
    host = f"Host: {parts.hostname}:{parts.port}\r\n"
    dev = "X-Sharewall-Dev-User: mem\r\nContent-Type: application/json\r\n"
    assert _raw(base, f"GET /?r={round_} HTTP/1.1\r\nHost: rebound.example:{parts.port}\r\n").endswith(b"421 Misdirected Request")
    assert b" 404 " in _raw(base, f"GET /no-such-page-{round_}/ HTTP/1.1\r\n{host}")
    assert b" 404 " in _raw(base, f"POST /api/no-such-route-{round_} HTTP/1.1\r\n{host}{dev}Content-Length: 2\r\n", b"{}")
    # 12 MB announced and the first megabyte sent: refused without the rest being read
    assert b" 413 " in _raw(base, f"POST /api/shares HTTP/1.1\r\n{host}{dev}Content-Length: {12 * MIB}\r\n",
                            b"x" * MIB)
    body = b'{"post": "arm-migration", "network": '
    assert b" 400 " in _raw(base, f"POST /api/shares HTTP/1.1\r\n{host}{dev}Idempotency-Key: {uuid.uuid4()}\r\n"
                                  f"Content-Length: {len(body)}\r\n", body)


def test_refused_requests_leave_nothing_behind(server):
    before = stats(server.url)["totals"]["shares"]
    for round_ in range(20):  # warm: imports, caches and the allocator's arenas settle
        _refused(server.url, round_)
    settled = _rss(server.process.pid)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda round_: _refused(server.url, round_), range(20, 100)))  # 400 refused requests
    grown = _rss(server.process.pid) - settled
    assert grown < 100 * MIB, f"RSS grew by {grown / MIB:.1f} MiB"
    assert stats(server.url)["totals"]["shares"] == before  # and nothing refused was counted
    assert request(server.url)[0] == 200  # still serving
