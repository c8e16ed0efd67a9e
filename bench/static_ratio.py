"""Requests/s for the guide page through Django against the same HTML as a static file.

Serves the site with gunicorn as in production (bin/start), saves the guide page's HTML into the
collected static files so that the same server (whitenoise) serves it as a file, then measures
both with the same concurrent clients, one after the other, and prints the ratio (goal >= 0.8).

    .venv/bin/python bench/static_ratio.py [--clients 8] [--seconds 10] [--workers 2]
"""

import argparse
import gzip
import http.client
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, Server

STATIC_COPY = ROOT / "staticfiles" / "bench-guide.html"
STATIC_GZ = STATIC_COPY.with_name("bench-guide.html.gz")


def get(port: int, path: str, encoding: str = "gzip") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Accept-Encoding": encoding})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def measure(port: int, path: str, clients: int, seconds: float) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = [0]
    until = time.monotonic() + seconds
    lock = threading.Lock()

    def client():
        mine = []
        while time.monotonic() < until:
            start = time.perf_counter()
            status, _ = get(port, path)
            mine.append(time.perf_counter() - start)
            if status != 200:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - started), latencies, errors[0]


def ms(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with Server(args.workers) as server:
        status, html = get(server.port, "/guides/linkedin/", encoding="identity")
        assert status == 200, status
        # whitenoise indexes files when it starts, so restart with the copy in place.
    STATIC_COPY.write_bytes(html)
    # Django compresses the page; give whitenoise the same advantage, as collectstatic would.
    STATIC_GZ.write_bytes(gzip.compress(html, 9))
    try:
        with Server(args.workers, port=server.port) as server:
            status, _ = get(server.port, "/static/bench-guide.html")
            assert status == 200, f"static copy: HTTP {status}"
            for path in ("/guides/linkedin/", "/static/bench-guide.html"):
                measure(server.port, path, args.clients, 2)  # warm up
            django_rate, django_lat, django_err = measure(
                server.port, "/guides/linkedin/", args.clients, args.seconds
            )
            static_rate, static_lat, static_err = measure(
                server.port, "/static/bench-guide.html", args.clients, args.seconds
            )
    finally:
        STATIC_COPY.unlink(missing_ok=True)
        STATIC_GZ.unlink(missing_ok=True)
    print(f"{args.clients} clients, {args.seconds:g} s each, {args.workers} gunicorn workers, "
          f"page {len(html)} bytes, gzip accepted")  # fmt: skip
    print(
        f"guide page through Django  {django_rate:8.1f} req/s  p50 {ms(django_lat, 50):6.1f} ms  p95 {ms(django_lat, 95):6.1f} ms  errors {django_err}"
    )
    print(
        f"same HTML as a static file {static_rate:8.1f} req/s  p50 {ms(static_lat, 50):6.1f} ms  p95 {ms(static_lat, 95):6.1f} ms  errors {static_err}"
    )
    ratio = django_rate / static_rate
    print(
        f"ratio Django/static        {ratio:8.2f}  (goal >= 0.80: {'met' if ratio >= 0.8 else 'not met'})"
    )
    return 1 if django_err or static_err else 0


if __name__ == "__main__":
    sys.exit(main())
