"""How the project installs: a build system for its flat layout, a lock with hashes that covers
what pyproject.toml asks for, and the license it claims."""

import re
import tomllib

from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = settings.BASE_DIR
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """{package: (version, hashes)} from a requirements file written by `make lock`."""
    text = (ROOT / "requirements" / name).read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", line)
        assert match, f"{name}: not pinned: {line}"
        pins[canonicalize_name(match[1])] = (match[2], re.findall(r"--hash=sha256:\w+", line))
    return pins


def test_every_locked_package_is_pinned_with_hashes():
    for name in ("base.txt", "dev.txt"):
        for package, (_version, hashes) in lock(name).items():
            assert hashes, f"{name}: {package} has no hash"


def test_the_lock_covers_every_dependency_pyproject_declares_at_one_version():
    base, dev = lock("base.txt"), lock("dev.txt")
    project = PYPROJECT["project"]
    for requirement in map(Requirement, project["dependencies"]):
        name = canonicalize_name(requirement.name)
        assert name in base, requirement
        assert base[name][0] in requirement.specifier, requirement
    for requirement in map(Requirement, project["optional-dependencies"]["dev"]):
        assert canonicalize_name(requirement.name) in dev, requirement
    for package, (version, _hashes) in base.items():
        assert dev[package][0] == version, package  # the tests run what production runs


def test_pyproject_says_how_the_project_installs_and_which_pythons_it_claims():
    assert PYPROJECT["build-system"]["build-backend"] == "setuptools.build_meta"
    assert PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"] == ["optout*"]
    assert PYPROJECT["project"]["requires-python"] == ">=3.12"
    claimed = [
        c.rsplit(" ", 1)[1]
        for c in PYPROJECT["project"]["classifiers"]
        if c.startswith("Programming Language :: Python :: 3.")
    ]
    makefile = (ROOT / "Makefile").read_text()
    assert f"PYTHONS := {claimed[0]} {claimed[-1]}" in makefile
    assert claimed[0] == "3.12"


def test_the_license_file_is_the_agpl_pyproject_names():
    text = (ROOT / "LICENSE").read_text()
    assert PYPROJECT["project"]["license"] == "AGPL-3.0-or-later"
    first = " ".join(text.split()[:10])
    assert first == "GNU AFFERO GENERAL PUBLIC LICENSE Version 3, 19 November 2007"
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in text
    assert text.rstrip().endswith("<http://www.gnu.org/licenses/>.")
    assert len(text.splitlines()) == 661
