"""Which app may import which: the guides app knows nothing of visitors' checklists or feedback;
those apps add their parts to the guide page through template tags."""

import ast
from pathlib import Path

from django.conf import settings

GUIDES = settings.BASE_DIR / "optout" / "guides"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, relative imports made absolute."""
    package = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, [base, node.module]))
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_guides_app_imports_nothing_from_checklists_or_feedback():
    files = sorted(GUIDES.rglob("*.py"))
    assert len(files) > 10
    offending = {
        f"{path.relative_to(settings.BASE_DIR)}: {module}"
        for path in files
        for module in imported_modules(path)
        if module.startswith(("optout.checklists", "optout.feedback"))
    }
    assert not offending


def test_the_import_check_sees_relative_and_absolute_imports(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    module = tmp_path / "optout" / "guides" / "views.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ..checklists import parts\nimport optout.feedback.models\n")
    assert {"optout.checklists.parts", "optout.feedback.models"} <= imported_modules(module)
