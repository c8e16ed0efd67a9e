"""Fetch the public pages a guide cites and notice when they change, move or vanish."""

import hashlib
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from django.conf import settings
from django.utils import timezone

from optout.guides.models import GuideVersion

from .models import WatchedSource

USER_AGENT = "optout-watchsources/1.0 (checks the sources a privacy guide cites; once a day)"


class _MainText(HTMLParser):
    """The visible text of a page, preferring <main> or <article> when the page has one."""

    SKIP = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.in_main = 0
        self.all_text: list[str] = []
        self.main_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        if tag in ("main", "article"):
            self.in_main += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in ("main", "article") and self.in_main:
            self.in_main -= 1

    def handle_data(self, data):
        if self.skipping:
            return
        self.all_text.append(data)
        if self.in_main:
            self.main_text.append(data)


def fingerprint(html: str) -> str:
    parser = _MainText()
    parser.feed(html)
    text = " ".join(parser.main_text or parser.all_text)
    text = re.sub(r"\s+", " ", text).strip().lower()
    # Dates and counters change on every visit of many pages; they are not what we watch.
    text = re.sub(r"\d+", "#", text)
    return hashlib.sha256(text.encode()).hexdigest()


def watched_urls() -> list[str]:
    """Public URLs cited by published versions, without pages behind the platform's login."""
    urls = set()
    for version in GuideVersion.objects.published().prefetch_related("sources", "steps"):
        urls.update(source.url for source in version.sources.all() if source.url)
    return sorted(url for url in urls if not url.startswith(tuple(settings.WATCH_SKIP_PREFIXES)))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def fetch(url: str, timeout: float) -> tuple[int, str, str]:
    """(status, final URL, body) following up to five redirects by hand."""
    opener = urllib.request.build_opener(_NoRedirect)
    current = url
    for _ in range(5):
        if urllib.parse.urlsplit(current).scheme not in ("http", "https"):
            raise urllib.error.URLError(f"not an http(s) URL: {current}")
        request = urllib.request.Request(current, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with opener.open(request, timeout=timeout) as response:
                body = response.read(2_000_000).decode(
                    response.headers.get_content_charset() or "utf-8", "replace"
                )
                return response.status, current, body
        except urllib.error.HTTPError as error:
            if error.code in (301, 302, 303, 307, 308) and error.headers.get("Location"):
                current = urllib.parse.urljoin(current, error.headers["Location"])
                continue
            return error.code, current, ""
    return 310, current, ""


def check(url: str, timeout: float = 10) -> WatchedSource:
    source, _ = WatchedSource.objects.get_or_create(url=url)
    now = timezone.now()
    previous = source.state
    try:
        status, final_url, body = fetch(url, timeout)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        source.state = WatchedSource.State.UNREACHABLE
        source.detail = str(getattr(exc, "reason", exc))[:300]
    else:
        if status in (404, 410):
            state, detail = WatchedSource.State.GONE, f"HTTP {status}"
        elif status >= 400:
            state, detail = WatchedSource.State.UNREACHABLE, f"HTTP {status}"
        elif final_url != url:
            state, detail = WatchedSource.State.MOVED, f"Now at {final_url}"
            source.final_url = final_url
        else:
            new = fingerprint(body)
            if not source.fingerprint:
                state, detail = WatchedSource.State.NEW, "First fetch"
            elif new != source.fingerprint:
                state, detail = WatchedSource.State.CHANGED, "The main text changed"
            else:
                state, detail = WatchedSource.State.SAME, ""
            source.fingerprint = new
        source.state, source.detail = state, detail
    if source.state != previous and source.state in WatchedSource.ATTENTION:
        source.changed_at = now
        source.dismissed_at = None
        source.dismiss_reason = ""
    source.last_fetched_at = now
    source.save()
    return source


def watch_all(delay: float = 2.0, timeout: float = 10, log=print) -> list[WatchedSource]:
    results = []
    for index, url in enumerate(watched_urls()):
        if index:
            time.sleep(delay)
        source = check(url, timeout)
        log(f"{source.get_state_display():12} {url} {source.detail}")
        results.append(source)
    return results
