"""A small closed-loop HTTP/1.1 load generator on asyncio streams (standard library only).

N connections each send a request, read the whole response, and send the next one, for
a fixed time after a warm-up; every request started in that window is counted (a slow
page's last ones may finish after it: the rate is over the time until the last answer),
and every latency is kept, so p50/p95/p99 are exact (not
estimated from buckets). Keep-alive is used when the server allows it; a response with
`Connection: close` (gunicorn's sync workers) makes the connection reopen, and the
reconnect is part of the next request's latency, as it would be for a client.

Requests are raw bytes made by a function of the request number, so each one may differ
(a new CSRF-protected form key, a new Twilio MessageSid and signature).

With `revalidate`, each connection remembers the ETag of the last 200 it got for each
path and sends it back as `If-None-Match`, as a browser revalidating its copy does (a
304 is then the usual answer).

With `rate`, the connections pace themselves instead (a steady load, bench/soak.py):
each starts a request every `connections / rate` seconds, or at once when the previous
answer came later (missed turns are not made up in a burst).
"""

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

try:
    from bench.common import percentile
except ImportError:  # run as `python bench/...py`
    from common import percentile

MakeRequest = Callable[[int, int], bytes]  # (connection number, request number) -> bytes


@dataclass
class Result:
    name: str
    seconds: float
    connections: int = 1
    latencies: list[float] = field(default_factory=list)  #: seconds, sorted at the end
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    unexpected: int = 0
    last_end: float = 0.0
    #: (wall-clock time it was sent, status or error) of each unexpected answer or error
    failures: list[tuple[float, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000

    def summary(self) -> dict:
        return {
            "name": self.name,
            "requests": self.count,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.ms(50), 2),
            "p95_ms": round(self.ms(95), 2),
            "p99_ms": round(self.ms(99), 2),
            "max_ms": round(self.latencies[-1] * 1000, 2) if self.latencies else None,
            "statuses": dict(self.statuses),
            "unexpected": self.unexpected,
            "errors": dict(self.errors),
        }


def get(path: str, host: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def post(path: str, host: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Connection: keep-alive",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
    ]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def with_etag(raw: bytes, etags: dict[bytes, bytes]) -> bytes:
    """`raw` with `If-None-Match` set to the ETag last seen for its path, if any."""
    head, _, body = raw.partition(b"\r\n\r\n")
    etag = etags.get(_path(head))
    if etag is None:
        return raw
    return head + b"\r\nIf-None-Match: " + etag + b"\r\n\r\n" + body


def _path(head: bytes) -> bytes:
    return head.split(b"\r\n", 1)[0].split(b" ")[1]


async def _read_response(
    reader: asyncio.StreamReader, seen: dict | None = None
) -> tuple[int, bool]:
    """Read one whole response; returns (status, server closes the connection).

    `seen` gets the response's ETag under "etag", when it has one."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, _, raw_headers = head.partition(b"\r\n")
    status = int(status_line.split(b" ", 2)[1])
    length, chunked, close = None, False, False
    for line in raw_headers.split(b"\r\n"):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"etag" and seen is not None:
            seen["etag"] = value.strip()
        if status == 304 and name == b"content-length":
            continue  # a 304 has no body, whatever length it states
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif name == b"connection" and b"close" in value.lower():
            close = True
    if status == 304:
        pass
    elif chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()
        close = True
    return status, close


async def _connection(
    number: int,
    host: str,
    port: int,
    make: MakeRequest,
    expect: frozenset[int],
    start_at: float,
    stop_at: float,
    result: Result,
    interval: float = 0.0,
    revalidate: bool = False,
) -> None:
    reader = writer = None
    sent = 0
    etags: dict[bytes, bytes] = {}
    next_at = time.perf_counter() + interval * number / max(1, result.connections)
    while True:
        if interval:
            await asyncio.sleep(max(0.0, min(next_at, stop_at) - time.perf_counter()))
        began = time.perf_counter()
        if began >= stop_at:
            break
        next_at = max(next_at + interval, began)
        wall = time.time()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            raw = make(number, sent)
            if revalidate:
                raw = with_etag(raw, etags)
            writer.write(raw)
            sent += 1
            seen: dict = {}
            status, close = await _read_response(reader, seen)
            if revalidate and status == 200 and "etag" in seen:
                etags[_path(raw)] = seen["etag"]
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            if began >= start_at:
                result.errors[type(exc).__name__] += 1
                result.failures.append((wall, type(exc).__name__))
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
            continue
        ended = time.perf_counter()
        if began >= start_at:  # started in the window; a slow page may finish after it
            result.last_end = max(result.last_end, ended)
            result.latencies.append(ended - began)
            result.statuses[status] += 1
            if status not in expect:
                result.unexpected += 1
                result.failures.append((wall, str(status)))
        if close:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _drive(
    name, host, port, make, connections, duration, warmup, expect, rate, revalidate
) -> Result:
    now = time.perf_counter()
    start_at, stop_at = now + warmup, now + warmup + duration
    result = Result(name=name, seconds=duration, connections=connections)
    interval = connections / rate if rate else 0.0
    await asyncio.gather(
        *(
            _connection(
                n, host, port, make, expect, start_at, stop_at, result, interval, revalidate
            )
            for n in range(connections)
        )
    )
    result.latencies.sort()
    # Requests started in the window are all counted, the last ones finishing late.
    result.seconds = max(duration, result.last_end - start_at)
    return result


def drive(
    name: str,
    make: MakeRequest,
    *,
    port: int,
    host: str = "127.0.0.1",
    connections: int = 8,
    duration: float = 10,
    warmup: float = 2,
    expect: frozenset[int] = frozenset({200}),
    rate: float | None = None,
    revalidate: bool = False,
) -> Result:
    """Drive `make`'s requests for `warmup` + `duration` seconds; measure the last part.

    Closed loop (as fast as the answers come), or `rate` requests per second in all;
    `revalidate`: send back the last ETag of each path (If-None-Match)."""
    return asyncio.run(
        _drive(name, host, port, make, connections, duration, warmup, expect, rate, revalidate)
    )
