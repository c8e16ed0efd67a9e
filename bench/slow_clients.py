"""/healthz latency while slow clients hold connections open.

Serves the site as in production (bin/start, the command the Docker image runs), opens
`--slow` clients that each send a request line and then one header line every 2 seconds without
ever finishing (reconnecting when the server drops them), and meanwhile asks /healthz every half
second with a 5-second timeout. Prints how many health checks were answered and how fast.
Everything stays on the loopback, and both the number of clients and the time are bounded.

    .venv/bin/python bench/slow_clients.py [--slow 2] [--seconds 30] [--workers 2]
"""

import argparse
import http.client
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server

HOST = "127.0.0.1"
MAX_SLOW = 200
MAX_SECONDS = 120
HEADER_EVERY = 2.0
PROBE_EVERY = 0.5
PROBE_TIMEOUT = 5.0


def slow_clients(port: int, count: int, until: float) -> None:
    """`count` connections that never finish their request headers."""

    def connect() -> socket.socket | None:
        try:
            sock = socket.create_connection((HOST, port), timeout=2)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            return sock
        except OSError:
            return None

    socks = [connect() for _ in range(count)]
    line = 0
    while time.monotonic() < until:
        time.sleep(min(HEADER_EVERY, max(until - time.monotonic(), 0)))
        line += 1
        for i, sock in enumerate(socks):
            try:
                if sock is None:
                    raise OSError
                sock.sendall(f"X-Slow-{line}: still typing\r\n".encode())
            except OSError:
                if sock is not None:
                    sock.close()
                socks[i] = connect()
    for sock in socks:
        if sock is not None:
            sock.close()


def probe(port: int) -> float | None:
    start = time.perf_counter()
    try:
        connection = http.client.HTTPConnection(HOST, port, timeout=PROBE_TIMEOUT)
        connection.request("GET", "/healthz")
        ok = connection.getresponse().status == 200
        connection.close()
    except OSError:
        return None
    return time.perf_counter() - start if ok else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=2, help=f"slow clients (at most {MAX_SLOW})")
    parser.add_argument("--seconds", type=float, default=30, help=f"at most {MAX_SECONDS}")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    slow = max(0, min(args.slow, MAX_SLOW))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))

    with Server(workers=args.workers) as server:
        until = time.monotonic() + seconds
        attacker = threading.Thread(target=slow_clients, args=(server.port, slow, until))
        attacker.start()
        time.sleep(0.5)  # let the slow clients connect first
        results = []
        while time.monotonic() < until:
            started = time.monotonic()
            results.append(probe(server.port))
            time.sleep(max(PROBE_EVERY - (time.monotonic() - started), 0))
        attacker.join()

    answered = sorted(r for r in results if r is not None)
    print(f"{slow} slow clients, {args.workers} workers, {seconds:.0f} s:")
    print(f"  /healthz answered {len(answered)} of {len(results)} within {PROBE_TIMEOUT:.0f} s")
    if answered:
        p95 = answered[min(len(answered) - 1, int(len(answered) * 0.95))]
        print(
            f"  latency p50 {statistics.median(answered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {answered[-1] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
