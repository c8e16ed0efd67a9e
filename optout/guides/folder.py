"""The files of a guide folder: read safely, parsed safely, written in one layout.

Reading takes only regular files inside the folder (no symbolic links, devices, pipes or
sockets, nothing outside it), opened without following links and without blocking, within a
size limit per file and per folder. YAML is read without anchors, aliases or tags, with text
keys only, each key once, and a nesting limit. Nothing here knows what the fields mean: that is
schema.py; content.py puts the two together.

Writing gives one layout, so that an export diffs cleanly against the repository: fields in
the order of the schema, prose double-quoted (or a literal block when it has several lines),
keys, names and addresses plain, lists of keys on one line, no line wrapping.
"""

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 256 * 1024
MAX_FOLDER_BYTES = 4 * 1024 * 1024
MAX_FILES = 400
MAX_YAML_DEPTH = 8

ENTRY_RE = re.compile(r"^(?:(?P<number>\d{1,4})-)?(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)"
                       r"(?:\.(?P<language>[a-z]{2}))?\.md$")  # fmt: skip
GUIDE_RE = re.compile(r"^guide(?:\.(?P<language>[a-z]{2}))?\.yaml$")
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*$\n?(.*)\Z", re.DOTALL | re.MULTILINE)


# Reading files: only regular files inside the folder, within the size limits.


def read_files(folder: Path, problems: list) -> dict[str, str]:
    """{relative path: text} of every file a guide folder may hold."""
    files: dict[str, str] = {}
    total = 0

    def entries(directory: Path, rel: str):
        try:
            with os.scandir(directory) as it:
                listed = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problems.append((rel or str(folder), "folder", f"cannot be read: {exc.strerror}"))
            return []
        if len(listed) > MAX_FILES:
            problems.append((rel or "folder", "files", f"more than {MAX_FILES} files"))
            return []
        return [e for e in listed if not e.name.startswith(".")]  # .DS_Store, .gitkeep

    def kind_of(entry: os.DirEntry) -> str:
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            return "a symbolic link"
        if stat.S_ISFIFO(mode):
            return "a named pipe"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            return "a device"
        if stat.S_ISSOCK(mode):
            return "a socket"
        return "a folder" if stat.S_ISDIR(mode) else "a file"

    def read(entry: os.DirEntry, rel: str) -> None:
        nonlocal total
        kind = kind_of(entry)
        if kind != "a file":
            problems.append((rel, "file", f"is {kind}: a guide folder holds only regular files"))
            return
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(entry.path, flags)
        except OSError as exc:
            problems.append((rel, "file", f"cannot be read: {exc.strerror}"))
            return
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):  # swapped after it was listed
                problems.append((rel, "file", "is not a regular file"))
                return
            if info.st_size > MAX_FILE_BYTES:
                problems.append((rel, "file", f"is {_size(info.st_size)}; a file of a guide "
                                 f"folder may be at most {_size(MAX_FILE_BYTES)}"))  # fmt: skip
                return
            total += info.st_size
            if total > MAX_FOLDER_BYTES:
                problems.append((rel, "folder", f"the files add up to more than "
                                 f"{_size(MAX_FOLDER_BYTES)}, the limit for a guide folder"))  # fmt: skip
                return
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            problems.append((rel, "file", f"is larger than {_size(MAX_FILE_BYTES)}"))
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append((rel, "file", "is not UTF-8 text"))
            return
        if "\x00" in text:
            problems.append((rel, "file", "is not text (it holds NUL characters)"))
            return
        files[rel] = text.replace("\r\n", "\n").replace("\r", "\n")

    for entry in entries(folder, ""):
        if entry.name in ("steps", "faq"):
            kind = kind_of(entry)
            if kind != "a folder":
                problems.append((entry.name, "folder", f"is {kind}, not a folder"))
                continue
            for inner in entries(Path(entry.path), entry.name):
                rel = f"{entry.name}/{inner.name}"
                if ENTRY_RE.match(inner.name):
                    read(inner, rel)
                else:
                    problems.append((rel, "file", "is not NN-name.md or NN-name.LL.md"))
        elif GUIDE_RE.match(entry.name) or entry.name == "release.yaml":
            read(entry, entry.name)
        else:
            problems.append((entry.name, "file", "is not part of a guide folder"))
    return files


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


# Parsing YAML: no anchors, aliases or tags, text keys only, a nesting limit.


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        event = self.peek_event()
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _refused("YAML anchors and aliases (&name, *name) are not allowed", mark)
        if getattr(event, "tag", None) is not None:
            raise _refused(f"YAML tags ({event.tag}) are not allowed", mark)
        self._depth = getattr(self, "_depth", 0) + 1
        if self._depth > MAX_YAML_DEPTH:
            raise _refused(f"is nested deeper than {MAX_YAML_DEPTH} levels", mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str) or key_node.tag == "tag:yaml.org,2002:merge":
                what = type(key).__name__ if not isinstance(key, str) else "a merge key"
                raise _refused(f"keys must be text; {key!r} is {what}", key_node.start_mark)
            if key in seen:
                raise _refused(f"the key {key!r} appears twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _refused(problem: str, mark) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=problem, problem_mark=mark)


def load_yaml(text: str, file: str, problems: list, first_line: int = 1) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader, stricter still)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + first_line})" if mark else ""
        problems.append((file, "YAML", f"cannot be read{line}: {getattr(exc, 'problem', exc)}"))
    except RecursionError:
        problems.append((file, "YAML", f"is nested deeper than {MAX_YAML_DEPTH} levels"))
    return None


def front_matter(text: str, file: str, problems: list) -> tuple[Any, str]:
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        problems.append((file, "front matter", "the file must start with a '---' line, "
                         "a YAML block and another '---' line"))  # fmt: skip
        return None, ""
    return load_yaml(match.group(1), file, problems, first_line=2), match.group(2)


# Writing a folder, in one layout: what `exportguide` writes, and what the repository holds.


class _Text(str):
    """Prose: double-quoted on one line, or a literal block when it has several lines."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)  # lists indented under their key


def _represent_text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else '"'
    text = value + "\n" if "\n" in value else str(value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_name(dumper: yaml.SafeDumper, value: str):
    """Keys, slugs, addresses: plain where YAML reads them back as the same text."""
    plain = (
        bool(value)
        and dumper.resolve(yaml.ScalarNode, value, (True, False)) == ("tag:yaml.org,2002:str")
        and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*", value) is not None
    )
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else '"')


def _represent_list(dumper: yaml.SafeDumper, value: list):
    flow = bool(value) and all(isinstance(v, str) and not isinstance(v, _Text) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(_Text, _represent_text)
_Dumper.add_representer(str, _represent_name)
_Dumper.add_representer(list, _represent_list)

# Fields that hold prose (everything else is a key, a name, an address, a date, a number).
PROSE = {"title", "name", "short_name", "summary", "intro", "note", "link_text", "publisher",
         "published", "question", "body"}  # fmt: skip


def _prose(data: Any, key: str = "") -> Any:
    if isinstance(data, dict):  # a dict under a prose field is prose by language (release.yaml)
        return {k: _prose(v, key if key in PROSE else k) for k, v in data.items()}
    if isinstance(data, list):
        return [_prose(v, key) for v in data]
    return _Text(data) if isinstance(data, str) and key in PROSE else data


def dump(data: dict) -> str:
    return yaml.dump(_prose(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000)  # fmt: skip


def document(front: dict, body: str) -> str:
    return f"---\n{dump(front)}---\n{body}\n"
