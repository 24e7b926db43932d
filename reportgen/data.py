"""Loading the year's facts from YAML, keeping where each value came from.

Values are loaded with PyYAML's safe constructor (no Python tags), and a side table
maps every key path (``registry.enterprises``, ``founded[0].name``) to its file,
line and column, so that later checks can point at the exact place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import DataError, Place, Problem

MAX_INPUT_BYTES = 5 * 1024 * 1024  # a year's facts are a few kB; refuse absurd files early
MAX_NODES = 200_000  # after alias expansion: stops "billion laughs" alias bombs
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Characters XML 1.0 cannot hold: a .docx cannot carry them, so they are refused by field name.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Facts:
    """Merged data values plus the place of every key path."""

    values: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def place(self, path: str) -> Place:
        """The place of a key path, or of its nearest known parent."""
        probe = path
        while probe:
            if probe in self.places:
                return self.places[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return Place(self.files[-1] if self.files else None, key=path)


def _path(parent: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


def _walk(node: Any, path: str, file: str, places: dict[str, Place], budget: list[int]) -> None:
    import yaml

    budget[0] += 1
    if budget[0] > MAX_NODES:
        raise DataError(f"more than {MAX_NODES} values after expanding aliases",
                        place=Place(file), hint="remove the repeated YAML aliases (&a / *a)")
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            sub = _path(path, key)
            mark = key_node.start_mark
            places[sub] = Place(file, mark.line + 1, mark.column + 1, sub)
            _walk(value_node, sub, file, places, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            sub = _path(path, index)
            mark = item.start_mark
            places[sub] = Place(file, mark.line + 1, mark.column + 1, sub)
            _walk(item, sub, file, places, budget)
    elif node.tag == _TIMESTAMP:
        # PyYAML raises a bare ValueError for 2020-02-30; catch it here, where the place is known.
        import datetime as dt

        try:
            dt.date.fromisoformat(node.value[:10])
        except ValueError as exc:
            mark = node.start_mark
            raise DataError(f"not a real date: {node.value} ({exc})",
                            place=Place(file, mark.line + 1, mark.column + 1, path or None),
                            hint="write an existing date as YYYY-MM-DD") from None


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, dict[str, Place]]:
    """Load one YAML file safely; return its value and the places of its keys."""
    name = display or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(f"cannot read data file: {exc.strerror}", place=Place(name),
                        hint="check the path given on the command line or in reportgen.yaml") from None
    if size > MAX_INPUT_BYTES:
        limit = MAX_INPUT_BYTES // 1048576
        raise DataError(f"data file is {size // 1024} KiB, more than the {limit} MiB allowed",
                        place=Place(name), hint="a year's facts fit in a few kB: is this the right file?")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read data file: {exc.strerror}", place=Place(name)) from None
    value, places = _parse(raw, name)
    # The cached value is shared: merging writes into the mappings it is given.
    return _copy(value), dict(places)


def _copy(value: Any) -> Any:
    """A deep copy of loaded YAML (several times faster than copy.deepcopy): mappings,
    lists and sets are new; strings, numbers and dates are immutable and shared."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, tuple):  # !!omap and !!pairs give (key, value) tuples
        return tuple(_copy(item) for item in value)
    if isinstance(value, set):
        return set(value)
    return value


@lru_cache(maxsize=32)
def _parse(raw: bytes, name: str) -> tuple[Any, dict[str, Place]]:
    """Parse one file's bytes; cached per process by content, so a build of many documents
    over shared facts parses them once per worker (and an edited file is parsed again)."""
    import yaml

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text (byte {exc.start})", place=Place(name),
                        hint="save the file as UTF-8") from None
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # checks for unprintable characters already
        node = loader.get_single_node()
        places: dict[str, Place] = {}
        if node is None:
            return {}, places
        _walk(node, "", name, places, [0])
        value = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = exc.problem or str(exc)
        hint = "fix the YAML syntax at that place"
        if "could not determine a constructor" in problem:
            problem = f"tag not allowed in data: {problem.split('tag')[-1].strip()}"
            hint = "data files hold plain values only; remove the !tag"
        raise DataError(problem, place=Place(name, line, col), hint=hint) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise DataError(f"control character U+{exc.character:04X} is not allowed in data",
                        place=Place(name, line, col),
                        hint="delete it (it often comes with text pasted from another program)") from None
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {exc}", place=Place(name)) from None
    finally:
        if loader is not None:
            loader.dispose()
    return value, places


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def load_facts(paths: list[Path], display: list[str] | None = None) -> Facts:
    """Load and deep-merge several data files; later files win key by key."""
    facts = Facts()
    problems: list[Problem] = []
    for index, path in enumerate(paths):
        name = display[index] if display else str(path)
        try:
            value, places = load_yaml(path, name)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(value, dict):
            problems.append(Problem("a data file must be a mapping of keys to values at the top level",
                                    Place(name, 1), "start the file with key: value lines"))
            continue
        _merge(facts.values, value)
        facts.places.update(places)
        facts.files.append(name)
    if problems:
        raise DataError(problems)
    return facts


_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def lookup(values: Any, path: str) -> tuple[bool, Any]:
    """The value at a key path (``registry.enterprises``, ``founded[0].name``): (found, value).

    A ``[n]`` part indexes a list, any other part names a key of a mapping.
    """
    current = values
    for index, key in _PATH_PART.findall(path):
        if index and isinstance(current, list) and int(index) < len(current):
            current = current[int(index)]
        elif key and isinstance(current, dict) and key in current:
            current = current[key]
        else:
            return False, None
    return True, current


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar of nested data with its key path (``registry.enterprises``, ``founded[0].name``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, _path(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, _path(path, index))
    else:
        yield path, value


def illegal_characters(facts: Facts) -> list[Problem]:
    """Text values holding characters that XML (and so a .docx) cannot store, by key path."""
    problems: list[Problem] = []
    for path, value in leaves(facts.values):
        found = XML_ILLEGAL.search(value) if isinstance(value, str) else None
        if found:
            problems.append(Problem(
                f"contains the control character U+{ord(found.group()):04X}, which a .docx cannot hold",
                facts.place(path), "delete it; it often comes with text pasted from another program"))
    return problems
