"""Loading the year's facts from YAML, keeping where each value came from.

What is written is what is printed. Values are read with a YAML 1.2-like resolver, not
PyYAML's YAML 1.1 one: only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off``,
``y``, ``n`` stay text), numbers are decimal (``017``, ``0x26``, ``1:20``, ``1_000`` stay text
exactly as typed: a leading zero is a document number or a code, never octal), dates are
``YYYY-MM-DD`` (optionally with a time). Duplicate keys, keys that are not text, tags such as
``!!set``, aliases that refer to themselves, nesting deeper than :data:`MAX_DEPTH` and alias
expansions beyond :data:`MAX_ALIAS_VALUES` are refused with their place. A side table maps
every key path (``registry.enterprises``, ``founded[0].name``) to its file, line and column,
so that later checks can point at the exact place.

The data files, reportgen.yaml, contracts and the front matter of templates all go through
:func:`load_yaml` / :func:`load_text`, so they follow the same rules.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import DataError, Place, Problem

MAX_INPUT_BYTES = 5 * 1024 * 1024  # a year's facts are a few kB; refuse absurd files early
MAX_ALIAS_VALUES = 100_000  # values reached through aliases (*a): stops "billion laughs" alias bombs
MAX_DEPTH = 100  # nesting of lists and mappings; a year's facts nest four or five deep
# Characters XML 1.0 cannot hold: a .docx cannot carry them, so they are refused by field name.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_YAML + t for t in ("str", "int", "float", "bool", "null"))
_TIMESTAMP, _MERGE, _MAP, _SEQ = (_YAML + t for t in ("timestamp", "merge", "map", "seq"))
_ALLOWED_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _MERGE, _MAP, _SEQ}


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


@lru_cache(maxsize=1)
def _loader_classes() -> tuple[type, type]:
    """The YAML loader classes (pure Python, and with libyaml's parser when PyYAML has it),
    built on first use (importing PyYAML costs start-up time)."""
    import yaml
    from yaml.resolver import BaseResolver

    class Resolver(BaseResolver):
        """YAML 1.2 core schema, less octal/hex and leading-zero integers; YAML 1.1 timestamps."""

    add = Resolver.add_implicit_resolver
    add(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    add(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
    add(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
    add(_FLOAT, re.compile(r"""^(?:[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?
                           |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", re.X), list("-+0123456789."))
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        for tag, pattern in resolvers:
            if tag in (_TIMESTAMP, _MERGE):
                add(tag, pattern, [first])

    class Composer(yaml.composer.Composer):
        """PyYAML's composer, refusing deep nesting before Python's stack runs out (it recurses
        once per level)."""

        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise _RefusedError(f"lists and mappings nested more than {MAX_DEPTH} levels deep",
                                        self.peek_event().start_mark, "a year's facts need a few levels; "
                                        "is an indentation or a bracket wrong?")
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    class Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, Composer,
                 yaml.constructor.SafeConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            Resolver.__init__(self)

    try:
        from yaml.cyaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return Loader, Loader

    class FastLoader(Composer, CParser, yaml.constructor.SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml's scanner and parser (several times faster) under the same composer,
        resolver and constructor: the same values; on any error the pure-Python loader
        reads the text again, so messages (and what is accepted) are PyYAML's."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return Loader, FastLoader


def yaml_loader() -> type:
    """The pure-Python loader of :func:`load_text`, for callers that read the nodes themselves
    (its marks' indexes count characters of the text)."""
    return _loader_classes()[0]


class _RefusedError(Exception):
    """Something the loader refuses, with the YAML mark it was found at."""

    def __init__(self, message: str, mark: Any, hint: str) -> None:
        super().__init__(message)
        self.message, self.mark, self.hint = message, mark, hint


@dataclass
class _Source:
    """The text being read: its name and the line it starts at in that file (front matter)."""

    name: str
    first_line: int = 1

    def place(self, mark: Any, key: str | None = None) -> Place:
        if mark is None:
            return Place(self.name, key=key)
        return Place(self.name, mark.line + self.first_line, mark.column + 1, key)

    def error(self, message: str, mark: Any, hint: str, key: str | None = None) -> DataError:
        return DataError(message, place=self.place(mark, key), hint=hint)


_KIND_WORDS = {_INT: "a number", _FLOAT: "a number", _BOOL: "true/false", _NULL: "empty",
               _TIMESTAMP: "a date", _MERGE: "a merge (<<)"}


class _Walk:
    """One pass over the composed nodes before anything is built: key places, and every refusal.

    Aliases are followed, so values reached through them get places too; only those count
    against :data:`MAX_ALIAS_VALUES`, so a long file of plain values never trips the limit.
    """

    def __init__(self, loader: Any, source: _Source, text: str) -> None:
        self.loader, self.source = loader, source
        self.tagged = "!" in text  # without a "!", no value carries an explicit tag
        self.places: dict[str, Place] = {}
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.through_alias = 0

    def node(self, node: Any, path: str, depth: int, aliased: bool) -> None:
        import yaml

        if id(node) in self.open:
            raise self.source.error("an alias (*name) refers to the value it is part of",
                                    node.start_mark, "a value cannot contain itself; write it out",
                                    path or None)
        if id(node) in self.seen:
            aliased = True
        self.seen.add(id(node))
        if aliased:
            self.through_alias += 1
            if self.through_alias > MAX_ALIAS_VALUES:
                raise self.source.error(f"aliases (*name) expand to more than {MAX_ALIAS_VALUES} values",
                                        node.start_mark, "write the repeated values out, or repeat fewer")
        if depth > MAX_DEPTH:
            raise self.source.error(f"nested more than {MAX_DEPTH} levels deep once aliases are expanded",
                                    node.start_mark, "write the values out instead of nesting aliases",
                                    path or None)
        if self.tagged or node.tag not in _ALLOWED_TAGS:
            self.tag(node, path)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _TIMESTAMP:
                self.timestamp(node, path)
            return
        self.open.add(id(node))
        if isinstance(node, yaml.MappingNode):
            self.mapping(node, path, depth, aliased)
        else:
            for index, item in enumerate(node.value):
                sub = _path(path, index)
                self.places[sub] = self.source.place(item.start_mark, sub)
                self.node(item, sub, depth + 1, aliased)
        self.open.discard(id(node))

    def mapping(self, node: Any, path: str, depth: int, aliased: bool) -> None:
        import yaml

        first: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self.node(value_node, path, depth + 1, True)
                continue
            shown = _path(path, key_node.value) if isinstance(key_node, yaml.ScalarNode) else path
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.source.error("a key must be a name, not a list or a mapping", key_node.start_mark,
                                        "write key: value, with the key as plain text", path or None)
            if key_node.tag != _STR:
                word = _KIND_WORDS.get(key_node.tag, "not text")
                raise self.source.error(
                    f"the key {key_node.value or '(empty)'!r} is read as {word}, but keys must be text",
                    key_node.start_mark, f'put the key in quotes ("{key_node.value}":) or give it a name '
                    "that starts with a letter (e.g. y2020:)", shown)
            key = key_node.value
            if key in first:
                before = self.source.place(first[key])
                raise self.source.error(
                    f"the key {key!r} is given twice: at line {before.line} and at line "
                    f"{key_node.start_mark.line + self.source.first_line}", key_node.start_mark,
                    f"keep one of them (the first is at {before}); YAML would silently keep the last", shown)
            first[key] = key_node.start_mark
            self.places[shown] = self.source.place(key_node.start_mark, shown)
            self.node(value_node, shown, depth + 1, aliased)

    def tag(self, node: Any, path: str) -> None:
        import yaml

        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            plain = self.loader.resolve(yaml.ScalarNode, node.value, (True, False))
            if tag in (_STR, plain) and tag in _ALLOWED_TAGS:
                return
        elif tag in (_MAP, _SEQ):
            return
        shown = "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag
        hint = "data files hold plain values only: remove the tag"
        if tag.endswith(":set"):
            hint = "write a list instead (- item on each line): a set has no order"
        elif isinstance(node, yaml.ScalarNode):
            hint += "; to keep a value as text, put it in quotes"
        raise self.source.error(f"tag not allowed in data: {shown}", node.start_mark, hint,
                                path or None)

    def timestamp(self, node: Any, path: str) -> None:
        # A bare ValueError from PyYAML for 2020-02-30 or 25:00:00; refused here, where the place is known.
        try:
            self.loader.construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            what = "date" if len(node.value) <= 10 else "date and time"
            raise self.source.error(
                f"not a real {what}: {node.value} ({exc})", node.start_mark,
                "write an existing date as YYYY-MM-DD (a time as YYYY-MM-DD HH:MM:SS, hours 0-23), "
                "or put it in quotes to keep it as text", path or None) from None


def _syntax_problem(exc: Any, text: str, source: _Source) -> DataError:
    """A YAML syntax error in plain words, at the line where the mistake is."""
    import yaml

    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    detail = f"(YAML: {context + ', ' if context else ''}{problem})"
    lines = text.split("\n")
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    before = line[:mark.column] if mark else ""
    char = line[mark.column] if mark and mark.column < len(line) else ""
    say, hint = f"not valid YAML: {problem or context}", "fix the YAML syntax at that place"
    if "'\\t'" in problem:
        if before.strip():
            say, hint = "a tab where a value was expected", "replace the tab with spaces"
        else:
            say, hint = "a tab is used for indentation", "indent with spaces only (YAML does not allow tabs)"
    elif "could not find expected ':'" in problem:
        mark = exc.context_mark or mark
        say, hint = "a key without a colon (or a value on a line of its own)", \
            "write the key followed by a colon and a space: key: value"
    elif "quoted scalar" in context:
        mark = exc.context_mark or mark
        say, hint = "a quote opened here is never closed", "close it with the same quote mark"
    elif "flow sequence" in context or "flow mapping" in context or (
            "flow node" in context and _unclosed(text, mark.index) is not None):
        if "flow node" in context:
            opened = _unclosed(text, mark.index) or 0
            bracket = text[opened]
            line_no = text.count("\n", 0, opened)
            mark = yaml.error.Mark(source.name, opened, line_no, opened - (text.rfind("\n", 0, opened) + 1),
                                   None, None)
        else:
            bracket = "[" if "sequence" in context else "{"
            mark = exc.context_mark or mark
        say, hint = (f"a {bracket} opened here is never closed (or a comma is missing between its items)",
                     f"close it with {']' if bracket == '[' else '}'}, "
                     "or put the whole value in quotes")
    elif "mapping values are not allowed" in problem:
        if ": " in before or before.rstrip().endswith(":"):
            say, hint = "a value holds a colon followed by a space (': ')", \
                "put the whole value in quotes, or use a full-width colon ："
        else:
            say, hint = "this line is indented more than the line above it", \
                "line it up with the keys it belongs with (or indent the line above's value as a block)"
    elif "expected <block end>" in problem:
        if "'-'" in problem:
            say, hint = "a list item (- ...) where a key was expected", \
                "indent the list items under their key, or remove the stray -"
        elif "<scalar>" in problem:
            say, hint = "text follows a quoted value", "put the whole value in one pair of quotes"
        else:
            say, hint = "this line's indentation does not match the lines above", \
                "indent it exactly like the keys it belongs with (spaces only)"
    elif "undefined alias" in problem or "scanning an alias" in context:
        say, hint = "a value starts with *, which YAML reads as a reference to an &anchor", \
            'put the value in quotes: "*…"'
    elif "scanning an anchor" in context:
        say, hint = ("a value starts with &, which YAML reads as an anchor name",
                     'put the value in quotes: "&…"')
    elif "cannot start any token" in problem:
        say, hint = f"a value cannot start with {char or 'this character'}", \
            f'put the value in quotes: "{char}…"'
    elif "block scalar" in context:
        say, hint = "a value starts with | or >, which YAML reads as a block of text", \
            "put the value in quotes, or start the text on the next line, indented"
    elif "could not determine a constructor" in problem:
        say, hint = f"tag not allowed in data: {problem.split('tag')[-1].strip()}", \
            "data files hold plain values only; remove the !tag, or put the value in quotes"
    elif "expected a single document" in context + problem:
        say, hint = "a second document (---) in the same file", "keep one document per file: remove the ---"
    if not say.startswith("not valid YAML"):
        say = f"not valid YAML: {say}"
    return source.error(say, mark, f"{hint} {detail}")


def _unclosed(text: str, end: int) -> int | None:
    """Where the last bracket still open at ``end`` was opened (quotes and comments skipped)."""
    stack: list[int] = []
    index = 0
    while index < end:
        char = text[index]
        if char in "\"'":
            close = text.find(char, index + 1)
            index = end if close < 0 else close
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
        elif char in "[{":
            stack.append(index)
        elif char in "]}" and stack:
            stack.pop()
        index += 1
    return stack[-1] if stack else None


def read_bounded(path: Path, name: str, what: str = "data file", limit_bytes: int = MAX_INPUT_BYTES,
                 hint: str = "a year's facts fit in a few kB: is this the right file?") -> bytes:
    """A file's bytes, at most ``limit_bytes``; devices, FIFOs and folders are refused.

    The size is checked on what is read, not on ``st_size`` (0 for /dev/zero), and the file
    is opened without blocking, so a FIFO with no writer cannot hang the command.
    """
    limit = limit_bytes // 1048576
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise DataError(f"cannot read {what}: {exc.strerror}", place=Place(name),
                        hint="check the path given on the command line or in reportgen.yaml") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a device, a pipe or a socket"
        raise DataError(f"the {what} is {kind}, not a regular file", place=Place(name),
                        hint="give the path of a .yaml file")
    with os.fdopen(fd, "rb") as handle:
        try:
            raw = handle.read(limit_bytes + 1)
        except OSError as exc:
            raise DataError(f"cannot read {what}: {exc.strerror}", place=Place(name)) from None
    if len(raw) > limit_bytes:
        raise DataError(f"the {what} is more than the {limit} MiB allowed", place=Place(name), hint=hint)
    return raw


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, dict[str, Place]]:
    """Load one YAML file safely; return its value and the places of its keys."""
    name = display or str(path)
    raw = read_bounded(path, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text (byte {exc.start})", place=Place(name),
                        hint="save the file as UTF-8") from None
    return load_text(text, name)


def load_text(text: str, name: str, first_line: int = 1) -> tuple[Any, dict[str, Place]]:
    """Load YAML text (a file's, or a template's front matter starting at ``first_line``)."""
    value, places = _parse(text, name, first_line)
    # The cached value is shared: merging writes into the mappings it is given.
    return _copy(value), dict(places)


def _copy(value: Any) -> Any:
    """A deep copy of loaded YAML (several times faster than copy.deepcopy): mappings and
    lists are new; strings, numbers and dates are immutable and shared."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


@lru_cache(maxsize=64)
def _parse(text: str, name: str, first_line: int) -> tuple[Any, dict[str, Place]]:
    """Parse one text; cached per process by content, so a build of many documents over
    shared facts parses them once per worker (and an edited file is parsed again)."""
    import yaml

    source = _Source(name, first_line)
    slow, fast = _loader_classes()
    if fast is not slow:
        try:
            return _read(fast, text, source)
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's account of what is wrong
    return _read(slow, text, source)


def _read(loader_class: type, text: str, source: _Source) -> tuple[Any, dict[str, Place]]:
    import yaml

    loader = None
    try:
        loader = loader_class(text)  # the pure-Python reader checks for unprintable characters
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        walk = _Walk(loader, source, text)
        walk.node(node, "", 0, False)
        return loader.construct_document(node), walk.places
    except _RefusedError as exc:
        raise source.error(exc.message, exc.mark, exc.hint) from None
    except yaml.reader.ReaderError as exc:
        if loader_class is not yaml_loader():
            raise
        line = text.count("\n", 0, exc.position) + source.first_line
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise DataError(f"control character U+{exc.character:04X} is not allowed in data",
                        place=Place(source.name, line, col),
                        hint="delete it (it often comes with text pasted from another program)") from None
    except yaml.MarkedYAMLError as exc:
        if loader_class is not yaml_loader():
            raise
        raise _syntax_problem(exc, text, source) from None
    except yaml.YAMLError as exc:
        if loader_class is not yaml_loader():
            raise
        raise DataError(f"not valid YAML: {exc}", place=Place(source.name)) from None
    finally:
        if loader is not None:
            loader.dispose()


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
