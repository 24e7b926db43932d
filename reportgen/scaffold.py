"""``reportgen new``: next year's data file, scaffolded from this year's.

The scaffold keeps every key, the structure and every comment of the original file;
each value is emptied and this year's value is kept as a comment on its line::

    enterprises: 31               # 互联网企业（户）
 becomes
    enterprises:                  # 2020: 31  # 互联网企业（户）

A list keeps one emptied item as a template; the other items are commented out with
their year. The ``year`` key is advanced. PyYAML drops comments, so the file is edited
as text at the places its nodes' marks give, and the result is parsed again to check
that it is valid YAML with the same key paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .data import load_yaml
from .errors import DataError, OutputError, Place
from .years import with_year, year_of

# A note this command left a year ago: "# 2019: 28", maybe followed by the key's own comment.
_NOTE = re.compile(r"# ([0-9]{4}): .*?(?:  (#.*))?")
_NOTE_LINE = re.compile(r"\s*# ([0-9]{4}): ")


def _drop_note(comment: str, year: int) -> str:
    """The comment without an earlier year's note, so notes do not pile up year after year."""
    found = _NOTE.fullmatch(comment)
    if found and int(found.group(1)) < year:
        return found.group(2) or ""
    return comment


@dataclass
class Scaffold:
    """Next year's data file, ready to write."""

    source: Path
    target: Path
    year: int  # the source file's year; the scaffold is for year + 1
    text: str
    blanks: int  # values emptied, to be filled in


@dataclass
class _Edits:
    """What happens to each line of the source text (0-based line numbers)."""

    # line → (first column, end column, new text, old text) of a value on one line
    leaves: dict[int, tuple[int, int, str, str]] = field(default_factory=dict)
    # first line → (column, last line, new text, old first line) of a value spread over lines
    spreads: dict[int, tuple[int, int, str, str]] = field(default_factory=dict)
    # line → column at which the line is commented out
    commented: dict[int, int] = field(default_factory=dict)
    blanks: int = 0


def key_paths(value: Any, path: str = "") -> set[str]:
    """The paths of all mapping keys, list positions written ``[]`` (``founded[].name``)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            found.add(sub)
            found |= key_paths(item, sub)
    elif isinstance(value, list):
        for item in value:
            found |= key_paths(item, f"{path}[]")
    return found


def _last_line(node: Any, text: str) -> int:
    """The last line holding any of the node's own characters (not trailing comments)."""
    import yaml

    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        start, end = node.start_mark.index, node.end_mark.index
        body = text[start:end].rstrip()
        return node.start_mark.line + body.count("\n")
    lines = [node.start_mark.line]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines += [_last_line(key, text), _last_line(value, text)]
    else:
        lines += [_last_line(item, text) for item in node.value]
    return max(lines)


def _emptied_flow(node: Any, text: str) -> str:
    """A flow collection with its values emptied: ``{a: 1, b: [x]}`` → ``{a: , b: []}``."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        parts = []
        for key, value in node.value:
            key_text = text[key.start_mark.index:key.end_mark.index]
            inner = "" if isinstance(value, yaml.ScalarNode) else _emptied_flow(value, text)
            parts.append(f"{key_text}: {inner}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(node, yaml.SequenceNode):
        first = node.value[0] if node.value else None
        if first is None or isinstance(first, yaml.ScalarNode):
            return "[]"
        return "[" + _emptied_flow(first, text) + "]"
    return ""


def _collect(node: Any, text: str, year: int, edits: _Edits, key: str | None = None) -> None:
    import yaml

    is_flow = getattr(node, "flow_style", False)
    if isinstance(node, yaml.MappingNode) and not is_flow:
        for key_node, value in node.value:
            _collect(value, text, year, edits, key_node.value)
        return
    if isinstance(node, yaml.SequenceNode) and not is_flow:
        _collect(node.value[0], text, year, edits)
        if len(node.value) > 1:
            column = node.start_mark.column
            for line in range(node.value[1].start_mark.line, _last_line(node.value[-1], text) + 1):
                edits.commented[line] = column
        return
    start, end = node.start_mark, node.end_mark
    old = text[start.index:end.index].rstrip()
    if not old:
        return  # already empty (`key:`)
    if key == "year" and node.tag == "tag:yaml.org,2002:int" and old == str(year):
        edits.leaves[start.line] = (start.column, start.column + len(old), str(year + 1), "")
        return
    new = _emptied_flow(node, text) if is_flow else ""
    if new == old:
        return  # nothing to fill in (`signers: []`)
    edits.blanks += 1
    if "\n" in old:
        first = old.split("\n", 1)[0]
        edits.spreads[start.line] = (start.column, start.line + old.count("\n"), new, first)
    else:
        edits.leaves[start.line] = (start.column, start.column + len(old), new, old)


def _comment_out(line: str, column: int, label: str) -> str:
    if not line.strip() or line.lstrip().startswith("#"):
        return line
    column = min(column, len(line) - len(line.lstrip()))
    return line[:column] + label + line[column:]


def _comment_column(lines: list[str], edits: _Edits) -> int | None:
    """The column most of the file's value comments start at, as the eye sees it."""
    from collections import Counter

    columns: Counter[int] = Counter()
    for number, (_start, end, _new, _old) in edits.leaves.items():
        after = lines[number][end:]
        if after.strip().startswith("#"):
            columns[_width(lines[number][:end + len(after) - len(after.lstrip())])] += 1
    return columns.most_common(1)[0][0] if columns else None


def _leaf_line(line: str, edit: tuple[int, int, str, str], year: int, column: int | None = None) -> str:
    start, end, new, old = edit
    after = line[end:]
    if not old:  # the advanced year: same place, original comment kept
        return line[:start] + new + after
    trailing = after.strip()
    if trailing and not trailing.startswith("#"):
        return line[:start] + new + after  # something else follows; leave it as it was
    trailing = _drop_note(trailing, year)
    body = (line[:start] + new).rstrip()
    note = f"# {year}: {old}"
    if trailing:
        note += "  " + trailing
    # Notes line up at the file's usual comment column (CJK counts two), else at the value.
    target = column if column is not None else _width(line[:start])
    return body + " " * max(target - _width(body), 1) + note


def _width(text: str) -> int:
    """Columns on screen: wide (CJK) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def scaffold_text(text: str, year: int, name: str = "<data>") -> tuple[str, int]:
    """Next year's text of a data file and the number of values emptied."""
    import yaml

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise DataError("YAML aliases (*name) cannot be scaffolded",
                                place=Place(name, mark.line + 1, mark.column + 1),
                                hint="write the value out in full instead of the alias, then run again")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {exc}", place=Place(name)) from None
    if not isinstance(node, yaml.MappingNode) or getattr(node, "flow_style", False):
        raise DataError("a data file must be a block mapping of keys to values", place=Place(name, 1))
    edits = _Edits()
    _collect(node, text, year, edits)
    lines = text.splitlines()
    column = _comment_column(lines, edits)
    label = f"# {year}: "
    out: list[str] = []
    continuation: set[int] = set()
    for number, line in enumerate(lines):
        if number in edits.commented:
            out.append(_comment_out(line, edits.commented[number], label))
        elif number in edits.spreads:
            start, last, new, first = edits.spreads[number]
            edit = (start, start + len(first), new, first)
            out.append(_leaf_line(line[:start] + first, edit, year, column))
            continuation.update(range(number + 1, last + 1))
        elif number in continuation:
            out.append(_comment_out(line, len(line) - len(line.lstrip()), "# "))
        elif number in edits.leaves:
            out.append(_leaf_line(line, edits.leaves[number], year, column))
        elif (note := _NOTE_LINE.match(line)) and int(note.group(1)) < year:
            continue  # a list item commented out a year ago
        else:
            out.append(line)
    newline = "\r\n" if "\r\n" in text else "\n"
    return newline.join(out) + newline, edits.blanks


def scaffold(path: Path, out: Path | None = None) -> Scaffold:
    """Next year's data file for ``path`` (``baoji-2020.yaml`` → ``baoji-2021.yaml``, or ``out``)."""
    import yaml

    name = str(path)
    value, _places = load_yaml(path, name)  # reports bad YAML with its place
    if not isinstance(value, dict):
        raise DataError("a data file must be a mapping of keys to values", place=Place(name, 1))
    stated = value.get("year")
    named = year_of(path)
    if isinstance(stated, int) and not isinstance(stated, bool):
        year = stated
    elif named is not None:
        year = named
    else:
        raise DataError("cannot tell which year this file is for", place=Place(name),
                        hint="add `year: 2020` to it, or name it like baoji-2020.yaml")
    if out is None:
        if named is None:
            raise OutputError(f"cannot name next year's file: {path.name} does not end in a year",
                              place=Place(name),
                              hint="give the new file's name with -o, e.g. -o data/x-2021.yaml")
        out = with_year(path, named + 1)
    if out.resolve() == path.resolve():
        raise OutputError("the scaffold would replace the file it is made from", place=Place(str(out)),
                          hint="give another name with -o")
    text = path.read_bytes().decode("utf-8-sig")  # as is: CRLF line ends are kept
    new_text, blanks = scaffold_text(text, year, name)
    try:
        again = yaml.safe_load(new_text)
    except yaml.YAMLError as exc:  # a bug here, not in the user's file; say so plainly
        raise DataError(f"the scaffold made from this file is not valid YAML ({exc})", place=Place(name),
                        hint="please report this file's layout; meanwhile copy the file by hand") from None
    lost = key_paths(value) ^ key_paths(again)
    if lost:
        raise DataError("the scaffold made from this file would not keep its keys: "
                        + ", ".join(sorted(lost)), place=Place(name),
                        hint="please report this file's layout; meanwhile copy it by hand")
    return Scaffold(path, out, year, new_text, blanks)
