"""Small helpers shared by the test modules (fixtures live in conftest.py)."""

import socket
from html.parser import HTMLParser

# A form post as a browser sends it from one of our own pages: the checklist and report forms
# refuse anything else (optout.origin).
SAME_SITE = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def free_port() -> int:
    """A port nothing listens on right now, on the loopback address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Elements(HTMLParser):
    """The real elements and attributes in a piece of HTML (text that looks like HTML is not)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
