"""The benchmark's own arithmetic and HTTP reading (bench/), cheap enough for every run."""

import asyncio

import pytest

from bench.common import percentile
from bench.loadgen import _read_response


def test_percentiles_interpolate_between_closest_ranks_like_numpy():
    latencies = [float(n) for n in range(1, 101)]  # 1 .. 100
    assert percentile(latencies, 50) == pytest.approx(50.5)
    assert percentile(latencies, 95) == pytest.approx(95.05)
    assert percentile(latencies, 99) == pytest.approx(99.01)
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0], 0) == 1.0
    assert percentile([1.0, 2.0], 100) == 2.0


def _read(raw: bytes):
    async def go():
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        first = await _read_response(reader)
        return first, await reader.read()

    return asyncio.run(go())


def test_reads_a_whole_response_whatever_its_framing():
    sized = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT"
    assert _read(sized) == ((200, False), b"NEXT")
    chunked = (
        b"HTTP/1.1 302 FOUND\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"3\r\nabc\r\n0\r\n\r\nNEXT"
    )
    assert _read(chunked) == ((302, True), b"NEXT")
    unsized = b"HTTP/1.0 503 Service Unavailable\r\n\r\nbody until the end"
    assert _read(unsized) == ((503, True), b"")


def test_a_304_is_read_without_a_body_and_its_etag_kept():
    async def go():
        reader = asyncio.StreamReader()
        reader.feed_data(
            b'HTTP/1.1 304 NOT MODIFIED\r\nETag: "abc"\r\nContent-Length: 900\r\n\r\nNEXT'
        )
        reader.feed_eof()
        seen = {}
        first = await _read_response(reader, seen)
        return first, seen, await reader.read()

    assert asyncio.run(go()) == ((304, False), {"etag": b'"abc"'}, b"NEXT")


def test_revalidating_clients_send_back_the_etag_of_the_same_path():
    from bench.loadgen import get, with_etag

    request = get("/projects/7", "127.0.0.1:1")
    assert with_etag(request, {}) == request
    sent = with_etag(request, {b"/projects/7": b'"abc"', b"/projects/8": b'"def"'})
    assert b'If-None-Match: "abc"\r\n\r\n' in sent and b'"def"' not in sent
    assert sent.startswith(b"GET /projects/7 HTTP/1.1\r\n") and sent.endswith(b"\r\n\r\n")
