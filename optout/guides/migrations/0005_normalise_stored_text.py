"""Put the text already stored in normal form (optout.guides.text): CRLF line endings from
browsers, trailing spaces. Published versions are corrected in place, as the same text in
normal form: no version is created, renumbered or republished, and nothing else changes."""

from django.db import migrations

from optout.guides import markdown
from optout.guides.text import normalize

# model: (plain text fields, {Markdown field: its rendered HTML field})
FIELDS = {
    "GuideVersion": (["title", "summary", "change_summary"], {"intro_md": "intro_html"}),
    "Source": (["title", "publisher", "published"], {}),
    "Section": (["name", "short_name", "summary", "link_text"], {}),
    "Step": (["title", "link_text", "note", "screenshot_alt"], {"body_md": "body_html"}),
    "FaqEntry": (["question"], {"answer_md": "answer_html"}),
    "RegionRule": (["note"], {}),
}


def _normalized(fields: dict) -> dict:
    return {
        field: normalize(value, markdown=field.endswith("_md")) for field, value in fields.items()
    }


def normalise_stored_text(apps, schema_editor):
    for name, (plain, rendered) in FIELDS.items():
        model = apps.get_model("guides", name)
        for row in model.objects.only("pk", *plain, *rendered).iterator():
            changes = {}
            for field in plain:
                value = normalize(getattr(row, field))
                if value != getattr(row, field):
                    changes[field] = value
            for field, html in rendered.items():
                value = normalize(getattr(row, field), markdown=True)
                if value != getattr(row, field):
                    changes[field] = value
                    changes[html] = markdown.render(value)
            if changes:
                # update(), not save(): published versions refuse save(), and this is the same
                # text in normal form, not an edit.
                model.objects.filter(pk=row.pk).update(**changes)
    Translation = apps.get_model("guides", "Translation")
    for row in Translation.objects.iterator():
        text, source = _normalized(row.text), _normalized(row.source)
        if (text, source) != (row.text, row.source):
            html = {
                field: markdown.render(value)
                for field, value in text.items()
                if field.endswith("_md") and value
            }
            Translation.objects.filter(pk=row.pk).update(text=text, source=source, html=html)


class Migration(migrations.Migration):
    dependencies = [("guides", "0004_normalised_text_and_replaced_drafts")]

    operations = [migrations.RunPython(normalise_stored_text, migrations.RunPython.noop)]
