"""Requests/s of each kind of page and of ticks, next to the ceilings measured in the same run.

Serves the site with gunicorn as in production (bin/start, SQLite, 2 asyncio workers by
default), puts the guide page's HTML into the collected static files so that the same server (whitenoise)
serves it as a file, and drives everything with wrk, a load generator in C that is not the
bottleneck (a Python client was: it drew half the static rate wrk draws). Each run measures,
one after the other, a few seconds each:

- the ceilings: the guide's HTML as a static file, and /healthz (one tiny SQL query);
- cached anonymous pages: the guide, the home page, /checklist/ without a cookie, the changes;
- the guide with a checklist cookie (a visitor who has ticked);
- ticks: N visitors (default 64), each one wrk thread with one connection and one request at a
  time, ticking and unticking at random; then every visitor's checklist is compared with what
  that visitor last set (lost writes). /healthz is measured again with the same N connections.

Three runs (--runs); the table gives min/median/max of each rate and of each ratio (to the static
file for pages, to /healthz for ticks). Every client accepts gzip, as browsers do. Exit 1 on any
error or lost write.

    .venv/bin/python bench/static_ratio.py [--seconds 5] [--runs 3] [--connections 64]
                                           [--visitors 64] [--workers 2]

Needs wrk: Debian's package (`apt-get install wrk`); the script installs it when it runs as root
and apt-get is there.
"""

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, Server

STATIC_COPY = ROOT / "staticfiles" / "bench-guide.html"
STATIC_GZ = STATIC_COPY.with_name("bench-guide.html.gz")
LUA = Path(__file__).resolve().parent / "wrk.lua"
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's package", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return shutil.which("wrk") or sys.exit("apt-get did not install wrk")
    sys.exit(
        "This benchmark needs wrk: install it with `sudo apt-get install wrk` (Debian, Ubuntu)."
    )


def fetch(url: str, method: str = "GET", data: bytes | None = None, timeout=120, **headers):
    request = urllib.request.Request(url, data=data, method=method, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    return response.status, response.headers, response.read()


def new_visitor(base: str, ticks: dict[str, str]) -> str:
    """A checklist with these ticks; returns its cookie ("name=value")."""
    cookie = ""
    for control, state in ticks.items():
        headers = dict(SAME_SITE, **({"Cookie": cookie} if cookie else {}))
        status, response_headers, _ = fetch(
            f"{base}/checklist/linkedin/{control}/", "POST", f"state={state}".encode(), **headers
        )
        assert status == 302, f"tick: HTTP {status}"
        for value in response_headers.get_all("Set-Cookie") or []:
            cookie = value.split(";", 1)[0]
    assert cookie, "the first tick sets a cookie"
    return cookie


def wrk(
    binary: str,
    url: str,
    seconds: int,
    connections: int,
    threads: int = 2,
    headers: dict | None = None,
    args: list[str] = (),
) -> dict:
    command = [binary, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in {"Accept-Encoding": "gzip", **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(LUA), url]
    if args:
        command += ["--", *args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    # wrk leaves requests queued in the server's backlog when it stops: let them drain first.
    fetch(url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + "/healthz", timeout=300)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rate"] = result["requests"] / result["seconds"]
    result["error_count"] = sum(result["errors"].values())
    return result


def lost_writes(base: str, visitors: list[dict]) -> int:
    """Settings a visitor made (and was told were saved) that its checklist does not hold."""
    lost = 0
    for visitor in visitors:
        status, _, body = fetch(f"{base}/checklist/export.json", Cookie=visitor["cookie"])
        assert status == 200, f"export: HTTP {status}"
        stored = {item["control"]: item["state"] for item in json.loads(body)["items"]}
        for control, state in visitor["last"].items():
            now = stored.get(control, "todo")
            # A request still in flight when wrk stopped may or may not have been applied.
            if now != state and now != visitor["pending"].get(control):
                lost += 1
    return lost


def spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"


def rates(values: list[float]) -> str:
    return f"{min(values):.0f} / {statistics.median(values):.0f} / {max(values):.0f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--visitors", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    binary = ensure_wrk()
    # The write limit protects real sites from one client; here every visitor is on 127.0.0.1.
    env = {"CHECKLIST_WRITES_PER_MINUTE": "100000000"}
    with Server(args.workers, **env) as server:
        status, _, html = fetch(f"{server.url}/guides/linkedin/")
        assert status == 200, status
        # whitenoise indexes files when it starts, so restart with the copy in place.
    STATIC_COPY.write_bytes(html)
    # Django compresses the page; give whitenoise the same advantage, as collectstatic would.
    STATIC_GZ.write_bytes(gzip.compress(html, 9))
    cookies = Path(tempfile.mkstemp(prefix="optout-bench-cookies-")[1])
    try:
        with Server(
            args.workers, port=server.port, data=server.data, collect=False, **env
        ) as server:
            base = server.url
            reader = new_visitor(base, {"ai-training": "done"})
            cookies.write_text(
                "\n".join(new_visitor(base, {"ai-training": "done"}) for _ in range(args.visitors))
            )
            pages = {
                "guide, cached": ("/guides/linkedin/", {}),
                "home page": ("/", {}),
                "checklist, no cookie": ("/checklist/", {}),
                "changes": ("/guides/linkedin/changes/", {}),
                "guide with a checklist": ("/guides/linkedin/", {"Cookie": reader}),
            }
            for path, headers in [("/static/bench-guide.html", {}), *pages.values()]:
                for _ in range(10):  # fill each worker's cache
                    status, _, _ = fetch(base + path, **{"Accept-Encoding": "gzip", **headers})
                    assert status == 200, f"{path}: HTTP {status}"
            runs = []
            for _ in range(args.runs):
                run = {}

                def measure(url, threads=2, connections=args.connections, **kwargs):
                    return wrk(binary, base + url, args.seconds, connections, threads, **kwargs)

                run["static"] = measure("/static/bench-guide.html")
                run["healthz"] = measure("/healthz")
                for name, (path, headers) in pages.items():
                    run[name] = measure(path, headers=headers)
                run["healthz, one thread per visitor"] = measure(
                    "/healthz", threads=args.visitors, connections=args.visitors
                )
                ticks = measure(
                    "/checklist/linkedin/ai-training/",
                    threads=args.visitors,
                    connections=args.visitors,
                    args=["tick", str(cookies)],
                )
                ticks["lost"] = lost_writes(base, ticks["visitors"])
                run["tick"] = ticks
                runs.append(run)
    finally:
        STATIC_COPY.unlink(missing_ok=True)
        STATIC_GZ.unlink(missing_ok=True)
        cookies.unlink(missing_ok=True)

    load = os.getloadavg()
    print(
        f"{args.runs} runs x {args.seconds:g} s per figure, {args.workers} gunicorn workers (bin/start), "
        f"SQLite, wrk -c{args.connections} (ticks: {args.visitors} visitors), gzip accepted, "
        f"guide page {len(html)} bytes; load average after: {load[0]:.2f} {load[1]:.2f}"
    )
    print("min / median / max of the runs; each ratio is taken within its own run\n")
    header = "| figure | req/s | static req/s | /healthz req/s | ratio | p99 ms | errors |"
    print(header)
    print("| --- | --- | --- | --- | --- | --- | --- |")
    failed = False
    for name in ["static", "healthz", *pages, "tick"]:
        values = [run[name]["rate"] for run in runs]
        static = [run["static"]["rate"] for run in runs]
        if name == "tick":
            healthz = [run["healthz, one thread per visitor"]["rate"] for run in runs]
            ratio = [v / h if h else 0 for v, h in zip(values, healthz, strict=True)]
            label = f"tick, {args.visitors} visitors (of /healthz)"
        else:
            healthz = [run["healthz"]["rate"] for run in runs]
            ratio = [v / s if s else 0 for v, s in zip(values, static, strict=True)]
            label = f"{name} (of static)"
        errors = sum(run[name]["error_count"] for run in runs)
        failed |= errors > 0
        p99 = [run[name]["p99_ms"] for run in runs]
        print(
            f"| {label} | {rates(values)} | {rates(static)} | {rates(healthz)} | "
            f"{spread(ratio)} | {statistics.median(p99):.0f} | {errors} |"
        )
    lost = sum(run["tick"]["lost"] for run in runs)
    ticks_total = sum(run["tick"]["requests"] for run in runs)
    print(f"\nticks: {ticks_total} in all, lost writes: {lost} (of {args.visitors} checklists)")
    return 1 if failed or lost else 0


if __name__ == "__main__":
    sys.exit(main())
