"""``reportgen new``: next year's data file, scaffolded from this year's.

The scaffold keeps every key, the structure and every comment of the original file;
each value is emptied and this year's value is kept as a comment on its line::

    enterprises: 31               # 互联网企业（户）
 becomes
    enterprises:                  # 2020: 31  # 互联网企业（户）

A list keeps one emptied item as a template; the other items are commented out with
their year. The ``year`` key is advanced.

Constants are kept, not emptied: a value whose line is marked ``# constant`` (or
``# 不变``), and a value that is the same in this year's file and last year's (found by
name, ``baoji-2019.yaml`` beside ``baoji-2020.yaml``). A kept value that was not marked
gets the note ``# 2020: 已保留 kept (same in 2019 and 2020)`` on its key's line, which
next year's scaffold replaces like any other note. PyYAML drops comments, so the file is edited
as text at the places its nodes' marks give, and the result is parsed again to check
that it is valid YAML with the same key paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .data import load_text, load_yaml, lookup, read_bounded
from .errors import DataError, OutputError, Place
from .years import with_year, year_of

#: A comment holding one of these words marks its line's value as the same every year.
CONSTANT_MARK = re.compile(r"#.*?(?:\bconstant\b|不变)", re.IGNORECASE)
# Quoted text in a comment (「sentence」, “…”, "…"): words there are the quote's, not a mark, as in the
# sentence `reportgen import` quotes beside each fact (「…坚持方向不变…」).
_QUOTED = re.compile(r"「[^」]*」?|“[^”]*”?|\"[^\"]*\"?")
_TRAILING_COMMENT = re.compile(r"\s+#.*$")

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
    kept: list[tuple[str, str]] = field(default_factory=list)  # (key path, why) of values kept
    notes: list[str] = field(default_factory=list)  # what the user should know, e.g. last year unreadable


@dataclass
class _Edits:
    """What happens to each line of the source text (0-based line numbers)."""

    # line → (first column, end column, new text, old text) of a value on one line
    leaves: dict[int, tuple[int, int, str, str]] = field(default_factory=dict)
    # first line → (column, last line, new text, old first line) of a value spread over lines
    spreads: dict[int, tuple[int, int, str, str]] = field(default_factory=dict)
    # line → column at which the line is commented out
    commented: dict[int, int] = field(default_factory=dict)
    # line → (column the note follows, note) of a value kept as it is
    kept_lines: dict[int, tuple[int, str]] = field(default_factory=dict)
    kept: list[tuple[str, str]] = field(default_factory=list)
    blanks: int = 0


@dataclass
class _Keep:
    """What tells a constant: this year's and last year's values (last year's may be missing)."""

    values: Any
    previous: Any = None
    previous_year: int | None = None

    def why(self, path: str, line: str) -> str | None:
        """Why the value at ``path`` is kept, or None when it is to be filled in again."""
        if path == "year":
            return None
        if CONSTANT_MARK.search(_QUOTED.sub("", line)):
            return "marked constant"
        if self.previous is None:
            return None
        found, now = lookup(self.values, path)
        before_found, before = lookup(self.previous, path)
        if found and before_found and now not in (None, "", [], {}) and _same(now, before):
            return f"same in {self.previous_year} and {self.previous_year + 1}"
        return None


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same kinds all the way down (1 is not True, 1 is not 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def first_items(value: Any) -> Any:
    """The value with every list cut to its first item: what a scaffold keeps as templates."""
    if isinstance(value, dict):
        return {key: first_items(item) for key, item in value.items()}
    if isinstance(value, list):
        return [first_items(value[0])] if value else []
    return value


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


def _collect(node: Any, text: str, year: int, edits: _Edits, key: str | None = None,
             path: str | None = "", keep: _Keep | None = None) -> None:
    """Plan the edits of one node; ``path`` is None inside list items (no constants kept there)."""
    import yaml

    is_flow = getattr(node, "flow_style", False)
    if isinstance(node, yaml.MappingNode) and not is_flow:
        lines = text.split("\n")
        for key_node, value in node.value:
            sub = None if path is None else (f"{path}.{key_node.value}" if path else key_node.value)
            line = lines[key_node.start_mark.line]
            why = keep.why(sub, line) if keep is not None and sub is not None else None
            if why is not None:
                _keep(key_node, value, line, why, year, sub, edits)
            else:
                _collect(value, text, year, edits, key_node.value, sub, keep)
        return
    if isinstance(node, yaml.SequenceNode) and not is_flow:
        _collect(node.value[0], text, year, edits, path=None)
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


def _keep(key_node: Any, value: Any, line: str, why: str, year: int, path: str, edits: _Edits) -> None:
    """Leave a value as it is; a note on its key's line says why (a marked line says it already)."""
    edits.kept.append((path, why))
    if why == "marked constant":
        return
    row = key_node.start_mark.line
    if value.start_mark.line == row and value.end_mark.line == row:
        end = value.end_mark.column
    else:  # a block below its key, or a value spread over lines: the note follows the key line's code
        end = len(_TRAILING_COMMENT.sub("", line))
    edits.kept_lines[row] = (end, f"# {year}: 已保留 kept ({why})")


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


def _kept_line(line: str, kept: tuple[int, str], year: int, column: int | None) -> str:
    end, note = kept
    trailing = _drop_note(line[end:].strip(), year)
    body = line[:end].rstrip()
    if trailing:
        note += "  " + trailing
    target = column if column is not None else _width(body) + 1
    return body + " " * max(target - _width(body), 1) + note


def scaffold_text(text: str, year: int, name: str = "<data>",
                  keep: _Keep | None = None) -> tuple[str, int, list[tuple[str, str]]]:
    """Next year's text of a data file, the number of values emptied and the values kept."""
    import yaml

    from .data import yaml_loader

    try:
        for event in yaml.parse(text, Loader=yaml_loader()):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise DataError("YAML aliases (*name) cannot be scaffolded",
                                place=Place(name, mark.line + 1, mark.column + 1),
                                hint="write the value out in full instead of the alias, then run again")
        node = yaml.compose(text, Loader=yaml_loader())
    except yaml.YAMLError as exc:
        raise DataError(f"invalid YAML: {exc}", place=Place(name)) from None
    if not isinstance(node, yaml.MappingNode) or getattr(node, "flow_style", False):
        raise DataError("a data file must be a block mapping of keys to values", place=Place(name, 1))
    edits = _Edits()
    _collect(node, text, year, edits, keep=keep)
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
        elif number in edits.kept_lines:
            out.append(_kept_line(line, edits.kept_lines[number], year, column))
        elif number in edits.leaves:
            out.append(_leaf_line(line, edits.leaves[number], year, column))
        elif (note := _NOTE_LINE.match(line)) and int(note.group(1)) < year:
            continue  # a list item commented out a year ago
        else:
            out.append(line)
    newline = "\r\n" if "\r\n" in text else "\n"
    return newline.join(out) + newline, edits.blanks, edits.kept


def scaffold(path: Path, out: Path | None = None) -> Scaffold:
    """Next year's data file for ``path`` (``baoji-2020.yaml`` → ``baoji-2021.yaml``, or ``out``)."""
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
    text = read_bounded(path, name).decode("utf-8-sig")  # as is: CRLF line ends are kept
    keep, notes = _constants(path, value, named)
    new_text, blanks, kept = scaffold_text(text, year, name, keep)
    try:
        again, _ = load_text(new_text, str(out))
    except DataError as exc:  # a bug here, not in the user's file; say so plainly
        raise DataError(f"the scaffold made from this file is not valid YAML ({exc})", place=Place(name),
                        hint="please report this file's layout; meanwhile copy the file by hand") from None
    # Lists keep their first item as the template (the others are commented out), so a key
    # only a later item has is still in the file, in that item's comment.
    lost = key_paths(first_items(value)) ^ key_paths(first_items(again))
    if lost:
        raise DataError("the scaffold made from this file would not keep its keys: "
                        + ", ".join(sorted(lost)), place=Place(name),
                        hint="please report this file's layout; meanwhile copy it by hand")
    return Scaffold(path, out, year, new_text, blanks, kept, notes)


def _constants(path: Path, value: dict[str, Any], named: int | None) -> tuple[_Keep, list[str]]:
    """This year's values beside last year's file (by name), to tell the constants."""
    if named is None:
        return _Keep(value), []
    before = with_year(path, named - 1)
    if not before.is_file():
        return _Keep(value), []
    try:
        previous, _places = load_yaml(before, str(before))
    except DataError as exc:
        return _Keep(value), [f"{before} could not be read, so no value was kept for being the same "
                              f"as last year: {exc.problems[0].format()}"]
    return _Keep(value, previous, named - 1), []
