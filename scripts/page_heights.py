"""Measure the guide page on a phone: its height and where the first links into LinkedIn are.

    make run &                      # in another terminal
    .venv/bin/python scripts/page_heights.py [BASE_URL] [--width 390] [--height 844]

For English, French and German, prints the page's height in pixels and in screens, and the top
of the first link into LinkedIn, of the AI-training setting's link and of the objection form's
link (the first of each on the page).
"""

import argparse
import os

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")
AI_SETTING = "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"
OBJECTION_FORM = "https://www.linkedin.com/help/linkedin/ask/TS-DPRO"

MEASURE = """([ai, form]) => {
  const top = (selector) => {
    const link = document.querySelector(selector);
    return link ? Math.round(link.getBoundingClientRect().top + window.scrollY) : null;
  };
  return {
    height: document.documentElement.scrollHeight,
    first: top('a[href^="https://www.linkedin.com/"]'),
    ai: top(`a[href="${ai}"]`),
    form: top(`a[href="${form}"]`),
  };
}"""


def measure(base: str, width: int, height: int) -> list[dict]:
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        for language in ("en", "fr", "de"):
            prefix = "" if language == "en" else f"/{language}"
            page.goto(f"{base}{prefix}/guides/linkedin/")
            rows.append(
                {"language": language, **page.evaluate(MEASURE, [AI_SETTING, OBJECTION_FORM])}
            )
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--height", type=int, default=844)
    args = parser.parse_args()
    print(f"{args.width}x{args.height}, guide page without a checklist")
    print("language  height (screens)  first LinkedIn link  AI setting  objection form")
    for row in measure(args.base, args.width, args.height):
        screens = row["height"] / args.height
        print(
            f"{row['language']:<9} {row['height']:>6} ({screens:4.1f})    {row['first']!s:>12}"
            f"  {row['ai']!s:>10}  {row['form']!s:>14}"
        )


if __name__ == "__main__":
    main()
