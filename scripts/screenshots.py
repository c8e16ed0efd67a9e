"""Take the README's screenshots of a running site with Playwright and Debian's Chromium.

    make run &                      # in another terminal
    .venv/bin/python scripts/screenshots.py [BASE_URL]

Writes docs/screenshots/{guide,checklist}-{phone,desktop}-{light,dark}.png.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for size, viewport in SIZES.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(
                    viewport=viewport, color_scheme=scheme, device_scale_factor=1
                )
                page = context.new_page()
                page.goto(f"{BASE}/guides/linkedin/?region=eu")
                page.screenshot(path=OUT / f"guide-{size}-{scheme}.png")
                page.get_by_role("button", name="Mark the AI-training setting as done").click()
                page.locator("#progress-linkedin").get_by_text("1 of 3 done").wait_for()
                page.goto(f"{BASE}/checklist/")
                page.screenshot(path=OUT / f"checklist-{size}-{scheme}.png")
                context.close()
        browser.close()
    print(f"Wrote screenshots to {OUT}")


if __name__ == "__main__":
    main()
