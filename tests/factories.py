"""Small guide folders for tests, written the way an editor would write them."""

from pathlib import Path

import yaml

GUIDE = {
    "slug": "linkedin",
    "title": "Stop LinkedIn from training AI on your data",
    "platform": {"slug": "linkedin", "name": "LinkedIn", "url": "https://www.linkedin.com"},
    "summary": "Three settings to switch off.",
    "intro": "LinkedIn switches this **on** for you.\n",
    "sources": [
        {"key": "seed-000", "title": "How to opt out", "publisher": "Unknown publisher"},
        {
            "key": "seed-003",
            "title": "LinkedIn will train AI on European data",
            "publisher": "Unknown publisher",
            "published": "September 2025",
        },
    ],
    "controls": [
        {
            "key": "ai-training",
            "name": "Data for Generative AI Improvement",
            "short_name": "AI-training setting",
            "summary": "Switch it off.",
            "link": "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement",
            "link_text": "Open LinkedIn's AI-training setting",
        },
        {
            "key": "research-use",
            "name": "Social, Economic and Workplace Research",
            "short_name": "research setting",
            "summary": "Switch it off too.",
            "link": "https://www.linkedin.com/mypreferences/d/categories/privacy",
            "link_text": "Open LinkedIn's Data privacy settings",
        },
        {
            "key": "objection-form",
            "name": "Data Processing Objection form",
            "short_name": "objection form",
            "kind": "form",
            "summary": "Object to the rest.",
            "link": "https://www.linkedin.com/help/linkedin/ask/TS-DPRO",
            "link_text": "Open LinkedIn's Data Processing Objection form",
        },
    ],
    "region_rules": [
        {
            "control": "ai-training",
            "region": "eu",
            "starts": None,
            "ends": "2025-11-03",
            "uses_data_by_default": False,
            "note": "Not in the EU yet.",
            "sources": ["seed-000"],
        },
        {
            "control": "ai-training",
            "region": "eu",
            "starts": "2025-11-03",
            "ends": None,
            "uses_data_by_default": True,
            "sources": ["seed-003"],
        },
        {
            "control": "ai-training",
            "region": "us",
            "starts": "2024-09-18",
            "ends": None,
            "uses_data_by_default": True,
            "sources": ["seed-000"],
        },
    ],
}

STEPS = [
    ("ai-training", "Open Settings & Privacy", "Click **Me**, then *Settings & Privacy*."),
    ("ai-training", "Switch the toggle Off", "Set it to Off."),
    ("research-use", "Find the research setting", "Under *Data privacy*."),
    ("objection-form", "Send the objection form", "Fill it in and keep the confirmation."),
]

FAQ = [("Does opting out undo past training?", "No. It only protects the future.")]


def front_matter(fields: dict, body: str) -> str:
    return f"---\n{yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)}---\n{body}\n"


def write_guide(
    folder: Path, guide: dict | None = None, steps=None, faq=None, extra_steps: int = 0
) -> Path:
    """Write a valid guide folder (optionally with `extra_steps` more AI-training steps)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "guide.yaml").write_text(yaml.safe_dump(guide or GUIDE, sort_keys=False))
    (folder / "steps").mkdir(exist_ok=True)
    (folder / "faq").mkdir(exist_ok=True)
    steps = list(steps if steps is not None else STEPS)
    steps += [("ai-training", f"Extra step {i}", f"Body {i}.") for i in range(extra_steps)]
    for order, (control, title, body) in enumerate(steps, start=1):
        fields = {"order": order, "control": control, "title": title, "sources": ["seed-000"]}
        (folder / "steps" / f"{order:02d}-step.md").write_text(front_matter(fields, body))
    for order, (question, answer) in enumerate(faq if faq is not None else FAQ, start=1):
        fields = {"order": order, "question": question, "sources": ["seed-000", "seed-003"]}
        (folder / "faq" / f"{order:02d}-faq.md").write_text(front_matter(fields, answer))
    return folder


def write_french(folder: Path, english_step_2: str = "Set it to Off.") -> Path:
    """French translations of the guide's title, the AI-training control, the EU rule note, step
    2 (translated from `english_step_2`) and the FAQ entry. Steps 1, 3 and 4 stay untranslated."""
    guide = {
        "title": "Empêcher LinkedIn d'entraîner son IA avec vos données",
        "summary": "Trois réglages à désactiver.",
        "english": {"title": GUIDE["title"], "summary": GUIDE["summary"]},
        "controls": {
            "ai-training": {
                "short_name": "réglage d'entraînement de l'IA",
                "summary": "Désactivez-le.",
                "english": {"short_name": "AI-training setting", "summary": "Switch it off."},
            }
        },
        "region_rules": [
            {
                "control": "ai-training",
                "region": "eu",
                "starts": None,
                "note": "Pas encore dans l'UE.",
                "english": {"note": "Not in the EU yet."},
            }
        ],
    }
    (folder / "guide.fr.yaml").write_text(
        yaml.safe_dump(guide, sort_keys=False, allow_unicode=True)
    )
    step = {
        "title": "Désactivez le bouton",
        "english": {"title": "Switch the toggle Off", "body": english_step_2},
    }
    (folder / "steps" / "02-step.fr.md").write_text(front_matter(step, "Mettez-le sur Off."))
    question, answer = FAQ[0]
    entry = {
        "question": "Se désinscrire efface-t-il l'entraînement passé ?",
        "english": {"question": question, "body": answer},
    }
    (folder / "faq" / "01-faq.fr.md").write_text(
        front_matter(entry, "Non. Cela protège seulement l'avenir.")
    )
    return folder


def publish_shipped_guide(fr: str, de: str):
    """The shipped LinkedIn guide (translated into French and German), then a second version
    that adds a sentence to step 1, with its change summary translated as `fr` and `de`."""
    from django.conf import settings

    from optout.guides.shipped import install_or_update

    first = install_or_update(settings.BASE_DIR / "content" / "linkedin").version
    draft = first.copy_as_draft()
    step = draft.steps.get(order=1)
    step.body_md += "\n\nIf you use the app, update it first."
    step.save()
    draft.publish(
        "Step 1 mentions updating the app.",
        ["ai-training"],
        translated_summaries={"fr": fr, "de": de},
    )
    return draft
