"""N concurrent visitors ticking and unticking for T seconds against gunicorn.

Reports requests/s, p50/p95/p99 latency and errors, then checks that every visitor's checklist
holds exactly what that visitor last set. Exit 1 on any error or lost write.

    .venv/bin/python bench/load.py [--visitors 20] [--seconds 20] [--workers 2]
                                   [--database-url postgres://user:pass@127.0.0.1/db]
"""

import argparse
import http.client
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Server

CONTROLS = {"ai-training": ["done", "todo"], "research-use": ["done", "todo"],
            "objection-form": ["done", "waiting", "todo"]}  # fmt: skip


class Visitor(threading.Thread):
    def __init__(self, port: int, until: float, seed: int):
        super().__init__()
        self.port, self.until = port, until
        self.random = random.Random(seed)
        self.cookie = ""
        self.last: dict[str, str] = {}
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def request(self, method: str, path: str, body: str = "") -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Sec-Fetch-Site": "same-origin"}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["Cookie"] = self.cookie
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("checklist="):
                self.cookie = value.split(";", 1)[0]
        connection.close()
        return response.status, data

    def run(self):
        while time.monotonic() < self.until:
            control = self.random.choice(list(CONTROLS))
            state = self.random.choice(CONTROLS[control])
            start = time.perf_counter()
            try:
                status, _ = self.request(
                    "POST", f"/checklist/linkedin/{control}/", f"state={state}"
                )
            except OSError as exc:
                self.errors.append(repr(exc))
                continue
            self.latencies.append(time.perf_counter() - start)
            if status != 302:
                self.errors.append(f"HTTP {status}")
                continue
            self.last[control] = state

    def verify(self) -> int:
        """How many of this visitor's last settings the server lost."""
        if not self.cookie:
            return 0 if all(s == "todo" for s in self.last.values()) else len(self.last)
        status, body = self.request("GET", "/checklist/export.json")
        if status != 200:
            self.errors.append(f"export HTTP {status}")
            return len(self.last)
        stored = {item["control"]: item["state"] for item in json.loads(body)["items"]}
        return sum(
            1 for control, state in self.last.items() if stored.get(control, "todo") != state
        )


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] * 1000 if len(values) > 1 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    # The write limit protects real sites from one client; here every visitor is on 127.0.0.1.
    with Server(args.workers, args.database_url, CHECKLIST_WRITES_PER_MINUTE="1000000") as server:
        until = time.monotonic() + args.seconds
        visitors = [Visitor(server.port, until, seed) for seed in range(args.visitors)]
        started = time.monotonic()
        for visitor in visitors:
            visitor.start()
        for visitor in visitors:
            visitor.join()
        elapsed = time.monotonic() - started
        lost = sum(visitor.verify() for visitor in visitors)
    latencies = [x for v in visitors for x in v.latencies]
    errors = [e for v in visitors for e in v.errors]
    print(
        f"database        {'PostgreSQL' if args.database_url.startswith('postgres') else 'SQLite (WAL)'}"
    )
    print(f"workers         {args.workers} gunicorn sync workers")
    print(f"visitors        {args.visitors} for {args.seconds:g} s (write rate limit lifted)")
    print(f"requests        {len(latencies)}")
    print(f"requests/s      {len(latencies) / elapsed:.1f}")
    print(
        f"latency ms      p50 {percentile(latencies, 50):.1f}  p95 {percentile(latencies, 95):.1f}  p99 {percentile(latencies, 99):.1f}"
    )
    print(f"errors          {len(errors)}{' ' + str(sorted(set(errors))[:5]) if errors else ''}")
    print(f"checklists      {sum(1 for v in visitors if v.cookie)} verified")
    print(f"lost writes     {lost}")
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
