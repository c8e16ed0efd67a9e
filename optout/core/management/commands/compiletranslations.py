"""Compile the interface catalogues (locale/*/LC_MESSAGES/django.po) into .mo files.

Django's own `compilemessages` needs GNU gettext's msgfmt, which a fresh machine or the slim
Docker image may not have; Babel compiles the same catalogues in pure Python. Editing the
catalogues (`makemessages`) still needs gettext, as usual.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the French and German interface catalogues (no GNU gettext needed)."

    def handle(self, **options):
        compiled = 0
        for folder in settings.LOCALE_PATHS:
            for po in sorted(Path(folder).glob("*/LC_MESSAGES/django.po")):
                mo = po.with_suffix(".mo")
                if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                    continue
                with po.open("rb") as file:
                    try:
                        catalog = read_po(file, locale=po.parts[-3], abort_invalid=True)
                    except Exception as exc:  # Babel raises several kinds for a broken file
                        raise CommandError(f"{po} cannot be read: {exc}") from exc
                with mo.open("wb") as file:
                    write_mo(file, catalog)
                compiled += 1
        if options["verbosity"] > 1 or compiled:
            self.stdout.write(f"Compiled {compiled} translation catalogue(s).")
