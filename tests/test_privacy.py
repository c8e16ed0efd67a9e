"""Privacy at the storage: whatever a visitor does, nothing about them is written down.

The README promises that no IP address or user agent is stored or logged. These tests do what a
visitor does from a known address with a distinctive browser, then read every table, every cache
entry and every log line the requests produced, and look for either.
"""

import hashlib
import ipaddress
import logging
import pickle

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test import Client

from optout.checklists.models import Checklist
from tests.helpers import SAME_SITE

ADDRESS = "203.0.113.7"
AGENT = "PrivacyProbe/7.3 (distinctive-agent-4d1f)"


def traces(text: str) -> list[str]:
    """Every form of the visitor's address or user agent found in `text`: as written, as the
    number it stands for, or hashed without a key (a keyed hash is allowed; a plain one can be
    reversed by hashing every address)."""
    forms = {
        ADDRESS,
        str(int(ipaddress.ip_address(ADDRESS))),
        AGENT,
        "distinctive-agent",
    }
    for value in (ADDRESS, AGENT):
        for name in ("md5", "sha1", "sha256", "sha512"):
            forms.add(hashlib.new(name, value.encode()).hexdigest()[:16])
    return sorted(form for form in forms if form in text)


def every_row() -> str:
    """Every row of every table in the database, as text."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                cells.append(f"{table}: " + " | ".join(map(str, row)))
    return "\n".join(cells)


def every_cache_entry() -> str:
    """Every key and value in the tests' in-process caches (the servers' shared cache is a
    table: every_row)."""
    entries = []
    for alias in settings.CACHES:
        store = getattr(caches[alias], "_cache", None)
        if store is None:
            continue
        for key, value in store.items():
            entries.append(f"{key} = {pickle.loads(value)!r} {value!r}")  # noqa: S301
    return "\n".join(entries)


class Everything(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    """Every log record, from every logger, at every level, as a handler would write it."""
    handler = Everything()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("django", "django.request", "axes")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(level)
    for logger, old in zip(loggers, levels, strict=True):
        logger.setLevel(old)


def visit_from_a_known_address(published) -> Client:
    """Read, tick, resume, report and send a few malformed requests, from ADDRESS with AGENT."""
    visitor = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    # Reading.
    for url in ("/", "/guides/linkedin/", "/guides/linkedin/?region=eu", "/privacy/",
                "/checklist/", "/guides/linkedin/changes/", "/guides/linkedin.json",
                "/guides/linkedin/changes/feed/"):  # fmt: skip
        assert visitor.get(url).status_code == 200, url
    assert visitor.get("/", HTTP_ACCEPT_LANGUAGE="fr").status_code == 302
    # Ticking (the first tick makes the checklist), and the objection form waiting.
    toggle = "/checklist/linkedin/{}/"
    assert (
        visitor.post(toggle.format("ai-training"), {"state": "done"}, **SAME_SITE).status_code
        == 302
    )
    assert (
        visitor.post(toggle.format("objection-form"), {"state": "waiting"}, **SAME_SITE).status_code
        == 302
    )
    assert visitor.get("/guides/linkedin/").status_code == 200
    # Resuming on another device from the same address, once wrongly, once rightly.
    response = visitor.post("/checklist/code/", **SAME_SITE)
    code = response.content.decode().split('<output id="resume-code">')[1].split("<")[0]
    other_device = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    assert other_device.post("/checklist/resume/", {"code": "nope"}, **SAME_SITE).status_code == 400
    assert other_device.post("/checklist/resume/", {"code": code}, **SAME_SITE).status_code == 302
    # Reporting a step that does not match.
    report = {"version": 1, "step": 2, "surface": "web", "region": "eu", "text": "It moved"}
    assert visitor.post("/guides/linkedin/report/", report, **SAME_SITE).status_code == 200
    # Malformed and refused requests: a binary body, a bad form, a cross-site post, an odd
    # path, a bad host, a failed admin login.
    assert visitor.post(toggle.format("ai-training"), b"\xff\xfe\x00state=\xc3\x28",
                        content_type="application/x-www-form-urlencoded",
                        **SAME_SITE).status_code == 400  # fmt: skip
    assert (
        visitor.post(toggle.format("ai-training"), {"state": "maybe"}, **SAME_SITE).status_code
        == 400
    )
    assert visitor.post(toggle.format("ai-training"), {"state": "done"},
                        HTTP_SEC_FETCH_SITE="cross-site").status_code == 403  # fmt: skip
    assert visitor.get("/guides/linkedin/%ff%fe/").status_code == 404
    assert visitor.get("/", HTTP_HOST="evil.example").status_code == 400
    User.objects.create_user("ada", password="right", is_staff=True)
    visitor.get("/admin/login/")
    failed = visitor.post("/admin/login/", {"username": "ada", "password": "wrong"})
    assert failed.status_code == 200
    return visitor


def test_nothing_a_visitor_does_stores_or_logs_their_address_or_user_agent(
    published, log_lines, capfd
):
    for cache in caches.all():
        cache.clear()
    visitor = visit_from_a_known_address(published)
    assert Checklist.objects.count() == 1  # the visit did write: a checklist, a report, ...
    rows = every_row()
    assert "It moved" in rows  # ... and we read what it wrote
    assert traces(rows) == [], "a database row holds the visitor's address or user agent"
    entries = every_cache_entry()
    assert "rl:" in entries  # rate-limit counters were written and are read here
    assert "axes" in entries.lower()  # ... and so was the failed admin login
    assert traces(entries) == [], "a cache entry holds the visitor's address or user agent"
    assert log_lines  # Django logged the refused requests; none of those lines names the visitor
    assert traces("\n".join(log_lines)) == [], log_lines
    out, err = capfd.readouterr()
    assert traces(out + err) == []
    exported = visitor.get("/checklist/export.json")
    assert exported.status_code == 200 and traces(exported.content.decode()) == []


def test_the_storage_checks_would_see_an_address_if_one_were_stored(published):
    """The checks above would see the address if it were stored: a guard against a blind test."""
    visit_from_a_known_address(published)
    Checklist.objects.update(resume_code_hash=hashlib.sha256(ADDRESS.encode()).hexdigest())
    assert traces(every_row())
    caches["default"].set("probe", {"ua": AGENT})
    assert traces(every_cache_entry())


# Every field of every model, and why it may be there. A new field fails this test until someone
# has decided that it does not describe a visitor (and added it here): the checklist, the
# mismatch report and everything else stores only what the README's Privacy section says.
ALLOWED_FIELDS = {
    # Visitors: a random id, the hash of the resume code, two dates, the items ticked.
    "checklists.checklist": {"id", "public_id", "resume_code_hash", "created_at", "last_seen_on"},
    "checklists.item": {"id", "checklist", "control", "state", "ticked_at", "version_number"},
    # Visitors' reports: the step, the surface, the region picked and their words; then editors.
    "feedback.mismatchreport": {
        "id", "version", "step_order", "step_title", "surface", "region", "text", "created_at",
        "dismissed_at", "dismissed_by", "dismiss_reason", "step_slug", "fixed_in",
    },
    # Editors and published content.
    "feedback.stepcheck": {"id", "version", "step_order", "surface", "checked_on", "checked_by"},
    "feedback.watchedsource": {
        "id", "url", "fingerprint", "final_url", "state", "last_fetched_at", "changed_at",
        "detail", "dismissed_at", "dismiss_reason",
    },
    "guides.platform": {"id", "slug", "name", "url"},
    "guides.guide": {"id", "platform", "slug", "created_at", "last_checked_on", "last_checked_by"},
    "guides.control": {"id", "guide", "key"},
    "guides.guideversion": {
        "id", "guide", "number", "status", "title", "summary", "intro_md", "intro_html",
        "created_at", "published_at", "change_summary", "recheck_controls", "based_on_number",
        "created_by", "published_by", "revision", "replaces_draft", "from_shipped_files",
    },
    "guides.source": {"id", "version", "key", "title", "publisher", "url", "published"},
    "guides.section": {
        "id", "version", "control", "order", "name", "short_name", "kind", "summary", "link",
        "link_text",
    },
    "guides.step": {
        "id", "version", "control", "order", "title", "body_md", "body_html", "source_keys",
        "screenshot", "screenshot_alt", "link", "link_text", "note", "slug",
    },
    "guides.faqentry": {
        "id", "version", "order", "question", "answer_md", "answer_html", "source_keys", "slug",
    },
    "guides.regionrule": {
        "id", "version", "control", "region", "starts", "ends", "uses_data_by_default", "note",
        "source_keys",
    },
    "guides.auditentry": {"id", "guide", "version", "at", "user", "action", "detail"},
    "guides.translation": {
        "id", "version", "language", "kind", "object_id", "text", "html", "source", "updated_at",
    },
    # Staff accounts (Django's own), their sessions and the admin's log.
    "auth.permission": {"id", "name", "content_type", "codename"},
    "auth.group": {"id", "name", "permissions"},
    "auth.user": {
        "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
        "email", "is_staff", "is_active", "date_joined", "groups", "user_permissions",
    },
    "contenttypes.contenttype": {"id", "app_label", "model"},
    "sessions.session": {"session_key", "session_data", "expire_date"},
    "admin.logentry": {
        "id", "action_time", "user", "content_type", "object_id", "object_repr", "action_flag",
        "change_message",
    },
    "otp_totp.totpdevice": {
        "id", "user", "name", "confirmed", "throttling_failure_timestamp",
        "throttling_failure_count", "created_at", "last_used_at", "key", "step", "t0", "digits",
        "tolerance", "drift", "last_t",
    },
    # django-axes' database tables have address and user-agent columns, but lockouts are counted
    # in the cache by username only (settings.AXES_HANDLER): the first test shows these tables
    # stay empty.
    "axes.accessattempt": {
        "id", "user_agent", "ip_address", "username", "http_accept", "path_info", "attempt_time",
        "get_data", "post_data", "failures_since_start",
    },
    "axes.accessattemptexpiration": {"access_attempt", "expires_at"},
    "axes.accesslog": {
        "id", "user_agent", "ip_address", "username", "http_accept", "path_info", "attempt_time",
        "logout_time", "session_hash",
    },
    "axes.accessfailurelog": {
        "id", "user_agent", "ip_address", "username", "http_accept", "path_info", "attempt_time",
        "locked_out",
    },
}  # fmt: skip


def test_every_model_stores_only_fields_someone_decided_are_allowed():
    found = {
        model._meta.label_lower: {
            field.name for field in (*model._meta.local_fields, *model._meta.local_many_to_many)
        }
        for model in apps.get_models()
    }
    for label, fields in found.items():
        assert label in ALLOWED_FIELDS, f"{label} is a new model: list its fields above"
        assert fields == ALLOWED_FIELDS[label], (
            f"{label}: new {sorted(fields - ALLOWED_FIELDS[label])}, "
            f"gone {sorted(ALLOWED_FIELDS[label] - fields)}"
        )
    assert set(ALLOWED_FIELDS) <= set(found)
