"""Where one kind of request spends its time: N requests in-process through the WSGI app, under
cProfile, on a throw-away SQLite database with the shipped guide. No server, no network.
It prints the SQL queries of one request and the CPU time per request without the profiler,
then the profile.

    .venv/bin/python bench/profile_request.py /guides/linkedin/ [--requests 2000]
        [--cookie] [--post state=done] [--htmx] [--sort tottime] [--top 25]

--cookie first ticks the AI-training setting and sends that checklist's cookie; --post sends a
form POST (a tick) instead of a GET.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--cookie", action="store_true")
    parser.add_argument("--post", default="")
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="optout.settings",
        DATA_DIR=tempfile.mkdtemp(prefix="optout-profile-"),
        SECRET_KEY="profile-" + "k" * 50,
        OPTOUT_LOCAL_HTTP="1",
        CHECKLIST_WRITES_PER_MINUTE="100000000",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("installguides", verbosity=0)
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()

    def request(path: str, method: str = "GET", body: bytes = b"", **headers) -> tuple:
        result = {}

        def start_response(status, response_headers, exc_info=None):
            result["status"], result["headers"] = status, response_headers

        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME":
            "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input":
            io.BytesIO(body), "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)),
            "HTTP_ACCEPT_ENCODING": "gzip", "HTTP_SEC_FETCH_SITE": "same-origin",
        }  # fmt: skip
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        response = app(environ, start_response)
        content = b"".join(response)
        if hasattr(response, "close"):
            response.close()
        return result["status"], result["headers"], content

    headers = {}
    if args.cookie:
        status, response_headers, _ = request(
            "/checklist/linkedin/ai-training/", "POST", b"state=done"
        )
        cookie = next(v for k, v in response_headers if k == "Set-Cookie")
        headers["Cookie"] = cookie.split(";", 1)[0]
    if args.htmx:
        headers["HX-Request"] = "true"
    method, body = ("POST", args.post.encode()) if args.post else ("GET", b"")
    status, _, content = request(args.path, method, body, **headers)
    print(f"{method} {args.path}: {status}, {len(content)} bytes")
    for _ in range(50):  # warm caches
        request(args.path, method, body, **headers)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        request(args.path, method, body, **headers)
    print(f"{len(queries)} queries a request:")
    for query in queries:
        print(f"  {query['sql'][:150]}")
    cpu = time.process_time()
    for _ in range(args.requests):
        request(args.path, method, body, **headers)
    cpu = time.process_time() - cpu
    print(f"{args.requests} requests, {cpu / args.requests * 1e3:.2f} ms of CPU each")
    started = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        request(args.path, method, body, **headers)
    profile.disable()
    elapsed = time.perf_counter() - started
    print(f"{args.requests} requests, {elapsed / args.requests * 1e6:.0f} µs each under cProfile")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
