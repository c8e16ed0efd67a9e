"""purgechecklists on a large backlog while visitors tick: how long ticks wait, and the memory.

Serves the site with gunicorn as in production (bin/start, SQLite), fills the database with N
idle checklists (default 1,000,000), each with one ticked item, then runs
`manage.py purgechecklists` while V visitors (default 2: one per gunicorn worker, so that a
tick's latency is its own work plus any wait for the database, not a queue of other ticks) keep
ticking through the server. Prints how long the purge took, its longest batch, its peak memory
(maximum resident set size), and the ticks' latency during the purge next to the latency before
it (after a second of warm-up: a worker's first requests build its caches), and how long the
disk took to sync 4 KB meanwhile: SQLite syncs when it checkpoints its WAL or starts it again,
and a tick that does so waits at least that long. Exit 1 if a tick failed, a tick took longer
than --max-wait-ms (default 200) or the purge used more than --max-mb (default 150).

    .venv/bin/python bench/purge.py [--checklists 1000000] [--visitors 2] [--batch-size 200]
"""

import argparse
import datetime
import http.client
import os
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, Server


class Ticker(threading.Thread):
    """One visitor ticking and unticking the AI-training setting, one request at a time."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.cookie = ""
        self.samples: list[tuple[float, float]] = []  # (when it started, how long it took)
        self.errors: list[str] = []
        self.stop = threading.Event()

    def tick(self, state: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Sec-Fetch-Site": "same-origin",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.monotonic()
        connection.request("POST", "/checklist/linkedin/ai-training/", f"state={state}", headers)
        response = connection.getresponse()
        response.read()
        self.samples.append((started, time.monotonic() - started))
        if response.status != 302:
            self.errors.append(f"HTTP {response.status}")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("checklist="):
                self.cookie = value.split(";", 1)[0]
        connection.close()

    def run(self):
        states = ["done", "todo"]
        i = 0
        while not self.stop.is_set():
            try:
                self.tick(states[i % 2])
            except OSError as error:
                self.errors.append(repr(error))
            i += 1


class DiskProbe(threading.Thread):
    """Writes and fsyncs 4 KB next to the database every 0.1 s: how long the disk alone makes a
    sync wait. A tick whose commit checkpoints the WAL or starts it again syncs too."""

    def __init__(self, folder: str):
        super().__init__(daemon=True)
        self.path = Path(folder) / "disk-probe"
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def run(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while not self.stop.wait(0.1):
                started = time.monotonic()
                os.pwrite(fd, os.urandom(4096), 0)
                os.fsync(fd)
                self.samples.append((started, time.monotonic() - started))
        finally:
            os.close(fd)


def fill(database: Path, count: int, days_ago: int) -> None:
    """`count` checklists last used `days_ago` days ago, each with the AI-training item."""
    day = (datetime.date.today() - datetime.timedelta(days=days_ago)).isoformat()
    db = sqlite3.connect(database, timeout=60)
    control = db.execute(
        "SELECT c.id FROM guides_control c JOIN guides_guide g ON c.guide_id = g.id "
        "WHERE g.slug = 'linkedin' AND c.key = 'ai-training'"
    ).fetchone()[0]
    start = db.execute("SELECT coalesce(max(id), 0) FROM checklists_checklist").fetchone()[0]
    with db:
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO checklists_checklist (id, public_id, created_at, last_seen_on) "
            "SELECT ? + i, lower(hex(randomblob(16))), ?, ? FROM n",
            (count, start, f"{day} 12:00:00", day),
        )
        db.execute(
            "INSERT INTO checklists_item (checklist_id, control_id, state, ticked_at, "
            "version_number) SELECT id, ?, 'done', created_at, 1 FROM checklists_checklist "
            "WHERE id > ?",
            (control, start),
        )
    db.close()


def summary(latencies: list[float], what: str = "ticks") -> str:
    if not latencies:
        return f"no {what}"
    ms = sorted(x * 1000 for x in latencies)
    p99 = statistics.quantiles(ms, n=100)[98] if len(ms) > 1 else ms[0]
    return (
        f"{len(ms)} {what}, p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, "
        f"max {ms[-1]:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checklists", type=int, default=1_000_000)
    parser.add_argument("--visitors", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--max-wait-ms", type=float, default=200)
    parser.add_argument("--max-mb", type=float, default=150)
    parser.add_argument(
        "--before", type=float, default=3, help="seconds of ticks without a purge, for comparison"
    )
    args = parser.parse_args()
    collected = (ROOT / "staticfiles" / "staticfiles.json").exists()
    env = {"CHECKLIST_WRITES_PER_MINUTE": "100000000"}
    with Server(2, collect=not collected, **env) as server:
        started = time.monotonic()
        fill(Path(server.data) / "optout.sqlite3", args.checklists, days_ago=800)
        print(f"filled {args.checklists} idle checklists in {time.monotonic() - started:.0f} s")
        tickers = [Ticker(server.port) for _ in range(args.visitors)]
        probe = DiskProbe(server.data)
        probe.start()
        for ticker in tickers:
            ticker.start()
        time.sleep(1)  # the workers' first requests build their caches: not counted
        counted_from = time.monotonic()
        time.sleep(args.before)  # ticks without a purge, for comparison
        purge_started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "manage.py", "purgechecklists", "-v2", "--batch-size",
             str(args.batch_size)],
            cwd=ROOT, env=server.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _pid, status, usage = os.wait4(process.pid, 0)
        purge_ended = time.monotonic()
        output = process.stdout.read().decode().strip()
        for ticker in [*tickers, probe]:
            ticker.stop.set()
        for ticker in tickers:
            ticker.join(timeout=60)
    samples = [s for t in tickers for s in t.samples]
    before = [took for when, took in samples if counted_from <= when < purge_started]
    during = [took for when, took in samples if purge_started <= when < purge_ended]
    errors = [e for t in tickers for e in t.errors]
    peak_mb = usage.ru_maxrss / 1024  # Linux reports kilobytes
    load = os.getloadavg()
    print(f"purgechecklists: {output} (exit status {os.waitstatus_to_exitcode(status)})")
    print(f"checklists      {args.checklists} idle, each with one item; {args.visitors} visitors")
    print(f"purge took      {purge_ended - purge_started:.1f} s, batches of {args.batch_size}")
    print(f"purge peak RSS  {peak_mb:.0f} MB (limit {args.max_mb:g} MB)")
    slow_before = sum(took * 1000 > args.max_wait_ms for took in before)
    print(f"ticks before    {summary(before)} ({slow_before} over {args.max_wait_ms:g} ms)")
    slow = sum(took * 1000 > args.max_wait_ms for took in during)
    print(f"ticks during    {summary(during)} (limit {args.max_wait_ms:g} ms; {slow} over it)")
    syncs = [took for when, took in probe.samples if purge_started <= when < purge_ended]
    print(f"disk during     {summary(syncs, 'fsyncs of 4 KB')} (the disk alone)")
    print(f"tick errors     {len(errors)}{' ' + str(sorted(set(errors))[:5]) if errors else ''}")
    print(f"load average    {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
    too_slow = max(during, default=0) * 1000 > args.max_wait_ms
    return 1 if errors or too_slow or peak_mb > args.max_mb or status else 0


if __name__ == "__main__":
    sys.exit(main())
