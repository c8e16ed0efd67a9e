"""Validators nobody here wrote: the Nu Html Checker (vnu, the W3C's HTML checker, from the npm
package vnu-jar that `make setup` installs) on every page a visitor can see, in every language
and state, run once over all of them."""

import json
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from optout.guides.models import GuideVersion
from tests.test_i18n import SAME_SITE, pages

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu(documents: dict[str, str], folder) -> list[str]:
    """Every error and warning vnu finds in `documents` (name: HTML), as readable lines."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("vnu needs a Java runtime (11 or newer): apt-get install default-jre-headless")
    if not VNU.is_file():
        pytest.fail(f"vnu is missing: run `make setup` (npm ci installs vnu-jar into {VNU})")
    files = {}
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"{number:03d}.html"
        path.write_text(html)
        files[path.name] = name
    result = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, sorted(folder.glob("*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    found = []
    for message in json.loads(result.stderr)["messages"]:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        url = message.get("url", "")
        name = files.get(url.rsplit("/", 1)[-1], url)
        kind = "warning" if message["type"] == "info" else message["type"]
        found.append(f"{name}, line {message.get('lastLine')}: {kind}: {message['message']}")
    return found


def every_visitor_page() -> dict[str, str]:
    """Every page a visitor can see, in English, French and German: the pages of the i18n test
    (empty and ticked checklist, old version, 404, forms and their errors), a re-check, the
    current version's own page and the error pages."""
    documents = {}
    for language in ("en", "fr", "de"):
        prefix = "" if language == "en" else f"/{language}"
        client = Client()
        documents |= {f"{language} {name}": html for name, html in pages(client, prefix).items()}
        # The visitor above ticked controls on version 2; version 3 asks to check one again.
        if not GuideVersion.objects.filter(number=3).exists():
            draft = GuideVersion.objects.get(number=2).copy_as_draft()
            draft.publish("Moved a menu.", ["ai-training"])
        client.post(f"{prefix}/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
        get = lambda url, client=client, prefix=prefix: client.get(prefix + url).content.decode()  # noqa: E731
        documents |= {
            f"{language} guide, re-check": get("/guides/linkedin/?region=eu"),
            f"{language} checklist, re-check": get("/checklist/"),
            f"{language} current version's own page": get("/guides/linkedin/v/3/"),
            f"{language} previous version": get("/guides/linkedin/v/2/"),
            f"{language} first change": get("/guides/linkedin/changes/1/"),
        }
        strict = Client(enforce_csrf_checks=True)
        documents[f"{language} 403"] = strict.post(f"{prefix}/checklist/code/").content.decode()
        documents[f"{language} 400"] = (
            Client(HTTP_HOST="bad host").get(f"{prefix}/").content.decode()
        )
        with translation.override(language):
            request = RequestFactory().get(f"{prefix}/")
            documents[f"{language} 500"] = server_error(request).content.decode()
    return documents


@pytest.fixture
def shipped(db):
    from tests.factories import publish_shipped_guide

    return publish_shipped_guide(fr="L'étape 1 a changé.", de="Schritt 1 hat sich geändert.")


def test_vnu_finds_nothing_on_any_visitor_page_in_any_language_or_state(shipped, tmp_path):
    documents = every_visitor_page()
    assert len(documents) > 80
    for name, html in documents.items():
        assert re.match(r"<!doctype html>", html, re.I), f"{name} is not a whole page"
    problems = vnu(documents, tmp_path)
    assert problems == [], "\n".join(problems)


def test_vnu_does_catch_an_invalid_page(tmp_path):
    problems = vnu({"bad": "<!doctype html><title>x</title><p hx-get=/ action=''>"}, tmp_path)
    assert problems and "bad, line 1: error" in problems[0]
