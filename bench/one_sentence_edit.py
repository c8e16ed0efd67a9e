"""What one sentence added to one step produces, through the admin's real forms in Chromium.

Starts the site as in production (gunicorn, a throw-away SQLite database with the shipped
LinkedIn guide), signs in as an editor, starts a draft, adds one sentence to the step that
switches the AI-training toggle Off, saves, publishes, and then reports:

- pieces changed: the guide's own fields, controls, steps, FAQ entries, region rules and sources
  that differ between the JSON of version 1 and version 2;
- entries the public "what changed" page of version 2 lists;
- outdated translations per language (in the database, and notes on the French and German
  guide pages).

    .venv/bin/python bench/one_sentence_edit.py
"""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, Server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
SENTENCE = "If the toggle is missing, update the LinkedIn app first."
STEP_TITLE = "Switch the toggle to Off"


def manage(server: Server, *args: str, stdin: str = "") -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=server.env, input=stdin,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def changed_pieces(old: dict, new: dict) -> list[str]:
    changed = [f"guide.{k}" for k in ("title", "summary", "intro") if old[k] != new[k]]
    for part, key in (("controls", "key"), ("sources", "key"), ("steps", "order"),
                      ("faq", "order")):  # fmt: skip
        before = {item[key]: item for item in old[part]}
        after = {item[key]: item for item in new[part]}
        for k in sorted(before.keys() | after.keys(), key=str):
            if before.get(k) != after.get(k):
                changed.append(f"{part}[{k}]")
    rules_old, rules_new = old["region_rules"], new["region_rules"]
    changed += [f"region_rules[{i}]" for i, r in enumerate(rules_new) if r not in rules_old]
    changed += [f"region_rules(removed {i})" for i, r in enumerate(rules_old) if r not in rules_new]
    return changed


def main() -> None:
    with Server(workers=1) as server:
        manage(
            server, "shell", "--no-imports", "-c",
            "from django.contrib.auth.models import User;"
            "User.objects.create_superuser('bench', 'bench@example.org', 'a-long-bench-password')",
        )  # fmt: skip
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(20_000)
            page.goto(f"{server.url}/admin/login/")
            page.get_by_label("Username").fill("bench")
            page.get_by_label("Password").fill("a-long-bench-password")
            page.get_by_role("button", name="Log in").click()
            page.goto(f"{server.url}/admin/guides/guide/")
            page.get_by_role("link", name="linkedin").click()
            page.get_by_role("button", name="Start a new draft").click()
            page.wait_for_url("**/guideversion/*/change/")
            prefix = next(
                title.get_attribute("name")[: -len("-title")]
                for title in page.locator("input[name^='steps-'][name$='-title']").all()
                if title.input_value() == STEP_TITLE
            )
            body = page.locator(f"textarea[name='{prefix}-body_md']")
            body.fill(body.input_value() + " " + SENTENCE)
            page.locator("input[name='_continue']").click()
            page.locator(".messagelist").wait_for()
            page.get_by_role("link", name="Publish…").click()
            page.get_by_label("What changed:", exact=True).fill("One sentence added to a step.")
            page.locator("input[type=submit][value=Publish]").click()
            page.locator(".messagelist").wait_for()
            notes = {}
            for language in ("fr", "de"):
                page.goto(f"{server.url}/{language}/guides/linkedin/")
                notes[language] = page.locator(".translation-note a[hreflang=en]").count()
            change_page = urllib.request.urlopen(f"{server.url}/guides/linkedin/changes/2/")
            listed = change_page.read().decode().count('<li class="change-')
            browser.close()
        v1 = json.load(urllib.request.urlopen(f"{server.url}/guides/linkedin/v/1.json"))
        v2 = json.load(urllib.request.urlopen(f"{server.url}/guides/linkedin/v/2.json"))
        counts = manage(
            server, "shell", "--no-imports", "-c",
            "from optout.guides.models import GuideVersion;"
            "from optout.guides.translation import counts;"
            "print(counts(GuideVersion.objects.published().get()))",
        ).strip()  # fmt: skip
    changed = changed_pieces(v1, v2)
    print(f"pieces changed between the JSON of v1 and v2: {len(changed)}: {', '.join(changed)}")
    print(f"entries on the public change page of v2: {listed}")
    print(f"translations (translated, outdated) per language: {counts}")
    print(f"outdated notes on the guide page: {notes}")


if __name__ == "__main__":
    main()
