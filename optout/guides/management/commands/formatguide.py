import filecmp
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from optout.guides.content import ContentError, read_folder, write_folder


class Command(BaseCommand):
    help = (
        "Rewrite a guide folder in the layout exportguide writes, so that exports diff cleanly "
        "against it (--check: only say whether it already is). Needs no database."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="change nothing; fail if the layout differs"
        )

    def handle(self, folder: Path, check: bool, **options):
        try:
            content = read_folder(folder)
        except ContentError as exc:
            raise CommandError(
                f"{folder} is not a valid guide folder; nothing changed.\n{exc}"
            ) from None
        with tempfile.TemporaryDirectory() as tmp:
            write_folder(content, tmp)
            differ = _differences(Path(tmp), folder)
            if check:
                if differ:
                    raise CommandError(
                        f"{folder} is not in the exported layout: {', '.join(differ)}. "
                        f"Run: manage.py formatguide {folder}"
                    )
                self.stdout.write(f"{folder} is in the exported layout.")
                return
        if differ:
            write_folder(content, folder)
        self.stdout.write(f"Rewrote {len(differ)} file(s) of {folder}." if differ else
                          f"{folder} is already in the exported layout.")  # fmt: skip


def _differences(a: Path, b: Path) -> list[str]:
    """Files that are in only one of the folders, or differ."""
    names = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    names |= {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    return sorted(
        name for name in names
        if not ((a / name).is_file() and (b / name).is_file()
                and filecmp.cmp(a / name, b / name, shallow=False))
    )  # fmt: skip
