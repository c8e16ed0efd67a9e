import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from optout.guides.schema import json_schemas


def rendered() -> dict[Path, str]:
    """The JSON Schema files, generated from the models in optout/guides/schema.py."""
    folder = settings.BASE_DIR / "docs" / "schema"
    return {
        folder / name: json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        for name, schema in json_schemas().items()
    }


class Command(BaseCommand):
    help = (
        "Write the JSON Schema of guide folders and of the version JSON into docs/schema/ "
        "(--check: fail if they differ from the models)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, check: bool, **options):
        files = rendered()
        stale = [p for p, text in files.items() if not p.is_file() or p.read_text() != text]
        if check:
            if stale:
                names = ", ".join(str(p.relative_to(settings.BASE_DIR)) for p in stale)
                raise CommandError(f"Out of date: {names}. Run: manage.py guideschema")
            self.stdout.write("docs/schema/ matches the models.")
            return
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[path], encoding="utf-8")
        self.stdout.write(f"Wrote {len(stale)} schema file(s) to docs/schema/.")
