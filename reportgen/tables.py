"""A table from the data in one line: ``{{ table(rows, columns=[…], total="合计") }}``.

The function reads a list of mappings (the districts of a roll-up, the organisations founded),
one column per entry of ``columns``, and writes the table as 公文 markup (``::: 表`` title,
``|`` rows, ``<`` / ``^`` merged cells, see :mod:`reportgen.markup`), every value escaped so
that it prints as itself. A totals row is added up exactly (Decimal) from the same rows and,
given ``stated``, compared with the totals the data states. Missing values are errors naming
the row and the column; a value written ``—`` in the data prints as ``—`` and adds nothing.

Plain Python: it does not import Jinja (an undefined value is recognised by its class name).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import FilterError, Place, Problem, TemplateError
from .filters import FILTERS, _is_undefined, _undefined_detail
from .markup import escape

#: What the data writes for "not applicable": printed as is, counted as nothing.
DASH = "—"
COLUMN_KEYS = {"key", "head", "group", "filter", "sum", "align", "width"}
ALIGNS = {"left": ":---", "center": ":---:", "right": "---:"}
MAX_ROWS = 10_000


def _fail(message: str, key: str | None = None, hint: str | None = None) -> TemplateError:
    return TemplateError(f"table: {message}", place=Place(key=key), hint=hint)


@dataclass
class Column:
    key: str
    head: str
    group: str = ""
    filter: tuple[str, tuple[Any, ...]] | None = None
    sum: bool | None = None  # None: summed when every value is a number
    align: str = ""
    width: float | None = None


def _defined(value: Any, what: str) -> Any:
    """A value that is there: an undefined name says which (``'distrcts' is not in the data``)."""
    if _is_undefined(value):
        detail = _undefined_detail(value).lstrip(": ")
        raise _fail(f"{what}: {detail or 'the value is undefined'}",
                    hint="check the name against the data (a missing or misspelt key)")
    return value


def _text(value: Any, what: str) -> str:
    _defined(value, what)
    if not isinstance(value, str) or "\n" in value or "\r" in value:
        raise _fail(f"{what} must be text on one line, got {value!r}")
    return value


def _column(spec: Any, index: int) -> Column:
    """One entry of ``columns``: a mapping, or a key path alone (its heading is the key)."""
    where = f"columns[{index}]"
    if isinstance(spec, str):
        return Column(spec, spec)
    if not isinstance(spec, Mapping):
        raise _fail(f"{where} must be a mapping like {{\"key\": \"name\", \"head\": \"县区\"}}, got {spec!r}")
    unknown = sorted(set(spec) - COLUMN_KEYS)
    if unknown:
        raise _fail(f"{where} has the unknown option {unknown[0]!r}",
                    hint="a column knows: " + ", ".join(sorted(COLUMN_KEYS)))
    if "key" not in spec:
        raise _fail(f"{where} names no key",
                    hint='give the value to print: {"key": "registry.enterprises", …}')
    key = _text(spec["key"], f"{where}.key")
    column = Column(key, _text(spec.get("head", key), f"{where}.head"),
                    _text(spec.get("group", ""), f"{where}.group"))
    if "filter" in spec:
        raw = spec["filter"]
        name, args = (raw, ()) if isinstance(raw, str) else (raw[0], tuple(raw[1:])) \
            if isinstance(raw, list | tuple) and raw else (None, ())
        if name not in FILTERS:
            raise _fail(f"{where}.filter {raw!r} is not a filter",
                        hint="known: " + ", ".join(sorted(FILTERS)) + '; with options: ["pct", 1]')
        column.filter = (name, args)
    if "sum" in spec:
        if not isinstance(spec["sum"], bool):
            raise _fail(f"{where}.sum must be true or false, got {spec['sum']!r}")
        column.sum = spec["sum"]
    if "align" in spec:
        if spec["align"] not in ALIGNS:
            raise _fail(f"{where}.align must be left, center or right, got {spec['align']!r}")
        column.align = spec["align"]
    if "width" in spec:
        width = spec["width"]
        if isinstance(width, bool) or not isinstance(width, int | float) or not 0 < width <= 1000:
            raise _fail(f"{where}.width must be a positive number (relative width), got {width!r}")
        column.width = float(width)
    return column


_MISSING = object()


def _lookup(row: Mapping[str, Any], key: str) -> Any:
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class _Rows:
    """The rows with the place of each (``districts[2]``) and a label for messages (乙县)."""

    def __init__(self, rows: Any, columns: list[Column]) -> None:
        _defined(rows, "the rows")
        if isinstance(rows, str | bytes) or not isinstance(rows, list | tuple):
            raise _fail(f"the rows must be a list of mappings from the data, got {type(rows).__name__}",
                        hint="e.g. table(districts, columns=[…]) with districts a list in the data")
        if len(rows) > MAX_ROWS:
            raise _fail(f"{len(rows)} rows; a table holds at most {MAX_ROWS}")
        self.path = getattr(rows, "_rg_path", "") or "rows"
        self.source = getattr(rows, "_rg_source", "")
        self.rows = list(rows)
        for index, row in enumerate(self.rows):
            if not isinstance(row, Mapping):
                raise _fail(f"row {index + 1} is {row!r}, not a mapping of values",
                            key=f"{self.path}[{index}]")
        label_column = next((c for c in columns if all(
            isinstance(_lookup(r, c.key), str) for r in self.rows)), None)
        self.labels = [str(_lookup(r, label_column.key)) if label_column else "" for r in self.rows]

    def name(self, index: int) -> str:
        label = f" ({self.labels[index]})" if self.labels[index] else ""
        return f"row {index + 1}{label}"

    def value(self, index: int, column: Column) -> Any:
        row = self.rows[index]
        value = _lookup(row, column.key)
        where = getattr(row, "_rg_path", "") or f"{self.path}[{index}]"
        source = getattr(row, "_rg_source", "") or self.source or "the data"
        if value is _MISSING or _is_undefined(value):
            detail = "is empty" if value is not _MISSING else "is missing"
            raise _fail(f"{self.name(index)}, column {column.head!r}: {where}.{column.key} {detail}"
                        f" in {source}",
                        key=f"{where}.{column.key}",
                        hint=f"fill it in; write \"{DASH}\" where the figure does not apply")
        if isinstance(value, Mapping | list | tuple | bool) or value is None:
            raise _fail(f"{self.name(index)}, column {column.head!r}: {where}.{column.key} is {value!r},"
                        " not a figure or text", key=f"{where}.{column.key}")
        return value


def _word(value: Any, column: Column, where: str) -> str:
    """A cell's text: the column's filter, else the value as text; on one line."""
    if isinstance(value, str) and value.strip() == DASH:
        return DASH
    if column.filter is not None:
        name, args = column.filter
        try:
            text = FILTERS[name](value, *args)
        except FilterError as exc:
            raise _fail(f"{where}: {exc.problems[0].message}", hint=exc.problems[0].hint) from None
    elif _is_number(value):
        text = FILTERS["num"](value)
    else:
        text = str(value)
    if "\n" in text or "\r" in text:
        raise _fail(f"{where}: a table cell holds one paragraph; the value has a line break",
                    hint="remove the line break from the data")
    return text


def _sort_key(rows: _Rows, key: str) -> list[tuple[int, Any]]:
    column = Column(key, key)
    keys = [rows.value(i, column) for i in range(len(rows.rows))]
    numbers = [_is_number(k) for k in keys]
    if any(numbers) and not all(numbers):
        raise _fail(f"sort by {key!r}: some rows give a figure and some text",
                    hint="sort by a key that every row gives as a figure, or every row as text")
    return [(i, _decimal(k) if n else str(k)) for i, (k, n) in enumerate(zip(keys, numbers, strict=True))]


def _order(rows: _Rows, sort: Any) -> list[int]:
    if sort is None:
        return list(range(len(rows.rows)))
    keys = [sort] if isinstance(sort, str) else sort
    if not isinstance(keys, list | tuple) or not all(isinstance(k, str) and k.strip("-") for k in keys):
        raise _fail(f"sort must be a key or a list of keys (\"-key\" for largest first), got {sort!r}")
    order = list(range(len(rows.rows)))
    for key in reversed(keys):  # stable sorts, last key first
        pairs = dict(_sort_key(rows, key.lstrip("-")))
        order.sort(key=lambda i: pairs[i], reverse=key.startswith("-"))
    return order


def _group(rows: _Rows, order: list[int], cols: list[Column], key: Any) -> tuple[int | None, set[int]]:
    """Reorder ``order`` (in place) so that rows of one ``key`` value follow each other, in the
    order the values first appear; return the key's column and the rows (positions in the new
    order) whose group cell merges into the one above."""
    if key is None:
        return None, set()
    at = next((k for k, c in enumerate(cols) if c.key == key), None)
    if at is None:
        raise _fail(f"group_by {key!r} must be the key of one of the columns",
                    hint="the column shows each group's value once, merged down its rows")
    keys = {i: rows.value(i, cols[at]) for i in order}
    first: dict[Any, int] = {}
    for pos, i in enumerate(order):
        first.setdefault(keys[i], pos)
    order.sort(key=lambda i: first[keys[i]])
    return at, {j for j in range(1, len(order)) if keys[order[j]] == keys[order[j - 1]]}


def _stated(stated: Any, column: Column) -> Any:
    if stated is None:
        return _MISSING
    value = _lookup(stated, column.key)
    return _MISSING if value is _MISSING or _is_undefined(value) else value


def table(rows: Any, columns: Any = None, title: str = "", number: bool = False, total: str = "",
          stated: Any = None, sort: Any = None, widths: Any = None, group_by: Any = None,
          subtotal: str = "", landscape: Any = None) -> Any:
    """The markup of a ruled table built from ``rows`` (a list of mappings).

    ``columns``: one entry a column, ``{"key": "registry.enterprises", "head": "企业（户）",
    "group": "企业党建", "filter": "num", "sum": true, "align": "right", "width": 4}``; only
    ``key`` is needed. ``group`` puts one heading over consecutive columns (a two-row header).
    ``number`` adds a 序号 column; ``total`` (its label, e.g. "合计") adds a totals row summing
    every column whose values are figures (``"sum": false`` leaves one out); ``stated`` (a
    mapping, e.g. ``data``) holds totals the data states at the same keys, which must equal the
    sums; ``sort`` is a key or list of keys, ``-key`` for largest first; ``group_by`` (the key of
    a column) brings the rows of one value together, in the order the values first appear, and
    prints the value once, in a cell merged down its rows; ``subtotal`` (its label, e.g. "小计")
    then adds a row after each group with the group's sums. ``landscape``: true prints the
    table on landscape pages (横排), false keeps it upright; by default it turns only when its
    columns cannot fit the portrait type width.
    """
    from markupsafe import Markup

    for name, value in (("columns", columns), ("title", title), ("number", number), ("total", total),
                        ("stated", stated), ("sort", sort), ("widths", widths), ("group_by", group_by),
                        ("subtotal", subtotal), ("landscape", landscape)):
        _defined(value, name)
    if not isinstance(columns, list | tuple) or not columns:
        raise _fail("columns must list at least one column",
                    hint='columns=[{"key": "name", "head": "县区"}, …]')
    cols = [_column(c, i) for i, c in enumerate(columns)]
    title = _text(title, "title") if title else ""
    if landscape is not None and not isinstance(landscape, bool):
        raise _fail(f"landscape must be true or false, got {landscape!r}",
                    hint="true: on landscape pages; false: upright; leave it out: landscape when too wide")
    if not isinstance(number, bool):
        raise _fail(f"number must be true or false, got {number!r}")
    total = _text(total, "total") if total else ""
    if stated is not None and not isinstance(stated, Mapping):
        raise _fail(f"stated must be a mapping of the data (e.g. data), got {type(stated).__name__}")
    data = _Rows(rows, cols)
    order = _order(data, sort)
    at, grouped = _group(data, order, cols, group_by)
    subtotal = _text(subtotal, "subtotal") if subtotal else ""
    if subtotal and at is None:
        raise _fail("subtotal needs group_by: the rows are added up group by group",
                    hint='e.g. group_by="county", subtotal="小计"')
    values = [[data.value(i, c) for c in cols] for i in order]
    body = [[_word(v, c, f"{data.name(i)}, column {c.head!r}") for v, c in zip(vals, cols, strict=True)]
            for i, vals in zip(order, values, strict=True)]
    numeric = [all(_is_number(v) or (isinstance(v, str) and v.strip() == DASH) for v in column_values)
               and any(_is_number(v) for v in column_values)
               for column_values in zip(*values, strict=True)] if values else [False] * len(cols)
    align = [ALIGNS[c.align] if c.align else ("---:" if n else ":---")
             for c, n in zip(cols, numeric, strict=True)]
    heads = [c.head for c in cols]
    groups = [c.group for c in cols]
    # By default a column is added up when it holds a figure: a text value among figures (a
    # typo) is then an error, never a total left blank.
    summed = [c.sum if c.sum is not None else any(_is_number(row[k]) for row in values)
              for k, c in enumerate(cols)]
    out: list[list[str]] = []
    start = 0
    for j, row in enumerate(body):
        out.append([*([str(j + 1)] if number else []),
                    *("^" if k == at and j in grouped else escape(text) for k, text in enumerate(row))])
        if subtotal and (j + 1 == len(body) or j + 1 not in grouped):
            out.append(_subtotal(data, order[start : j + 1], values[start : j + 1], cols, summed,
                                 subtotal, at, number))
            start = j + 1
    totals: list[str] | None = None
    if total:
        totals = _totals(data, order, values, cols, summed, stated, total, number)
    if number:
        heads, groups, align = ["序号", *heads], ["", *groups], [":---:", *align]
    lines: list[str] = []
    if title:
        lines.append(f"::: 表 {escape(title)}")
    if landscape is not None:
        lines.append("::: 横排" if landscape else "::: 竖排")
    given = [c.width for c in cols]
    if widths is not None or any(w is not None for w in given):
        lines.append("::: 列宽 " + " ".join(_widths(widths, given, number)))
    lines += _header(heads, groups)
    lines.append("|" + "|".join(align) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in out]
    if totals is not None:
        lines.append("| " + " | ".join(totals) + " |")
    return Markup("\n".join(lines))


def _widths(widths: Any, given: list[float | None], number: bool) -> list[str]:
    if widths is not None:
        want = len(given) + number
        if not isinstance(widths, list | tuple) or len(widths) != want or not all(
                _is_number(w) and 0 < w <= 1000 for w in widths):
            raise _fail(f"widths must give {want} positive numbers, one per column, got {widths!r}")
        return [FILTERS["num"](w) for w in widths]
    if any(w is None for w in given):
        raise _fail("a width is given for some columns but not all",
                    hint="give every column a width, or none")
    return (["2"] if number else []) + [FILTERS["num"](w) for w in given]  # type: ignore[misc]


def _header(heads: list[str], groups: list[str]) -> list[str]:
    """One header row, or two when a column has a group: the group over its columns (``<``),
    the other headings over both rows (``^``)."""
    if not any(groups):
        return ["| " + " | ".join(escape(h) for h in heads) + " |"]
    top: list[str] = []
    low: list[str] = []
    for k, (head, group) in enumerate(zip(heads, groups, strict=True)):
        if not group:
            top.append(escape(head))
            low.append("^")
        else:
            top.append("<" if k and groups[k - 1] == group else escape(group))
            low.append(escape(head))
    return ["| " + " | ".join(top) + " |", "| " + " | ".join(low) + " |"]


def _sums(data: _Rows, order: list[int], values: list[list[Any]], cols: list[Column], summed: list[bool],
          label: str) -> list[Decimal | None]:
    """Exact sums of the summed columns over these rows ("—" adds nothing); None where not summed."""
    sums: list[Decimal | None] = []
    for k, column in enumerate(cols):
        if not summed[k]:
            sums.append(None)
            continue
        result = Decimal(0)
        for i, row in zip(order, values, strict=True):
            value = row[k]
            if isinstance(value, str) and value.strip() == DASH:
                continue
            if not _is_number(value):
                raise _fail(f"{data.name(i)}, column {column.head!r}: {value!r} is not a figure, so the"
                            f" {label} cannot add it up", hint=f'write a figure, "{DASH}", or give the column'
                                                               ' "sum": false')
            result += _decimal(value)
        sums.append(result)
    return sums


def _worded(sums: list[Decimal | None], cols: list[Column], label: str) -> list[str]:
    return ["" if total is None else escape(_word(total, column, f"{label}, column {column.head!r}"))
            for total, column in zip(sums, cols, strict=True)]


def _subtotal(data: _Rows, order: list[int], values: list[list[Any]], cols: list[Column], summed: list[bool],
              label: str, at: int | None, number: bool) -> list[str]:
    """A group's sums; its label in the first column after the group's that is not summed."""
    cells = _worded(_sums(data, order, values, cols, summed, label), cols, label)
    place = next((k for k in range(len(cols)) if at is not None and k > at and not summed[k]), None)
    if place is None:
        raise _fail(f"the {label} rows need a column after the group_by column that is not summed,"
                    " for their label", hint="put a text column (the names) right after the group's")
    cells[place] = escape(label)
    cells[at] = "^"  # type: ignore[index]
    return [*([""] if number else []), *cells]


def _totals(data: _Rows, order: list[int], values: list[list[Any]], cols: list[Column], summed: list[bool],
            stated: Any, label: str, number: bool) -> list[str]:
    """The totals row: exact sums of the summed columns, checked against the stated totals."""
    sums = _sums(data, order, values, cols, summed, label)
    for column, result in zip(cols, sums, strict=True):
        claimed = _stated(stated, column)
        if result is not None and claimed is not _MISSING and (
                not _is_number(claimed) or _decimal(claimed) != result):
            raise _fail(f"the {label} of column {column.head!r} is {FILTERS['num'](result)} (the sum of"
                        f" {len(order)} rows) but the data states {column.key}: {claimed!r}",
                        key=column.key, hint="correct the figure of a row or the stated total")
    cells = _worded(sums, cols, label)
    # The label stands in the 序号 column, merged with the first column when that is not summed;
    # without 序号, in the first column, which must then not be summed.
    if number:
        return [escape(label), "<", *cells[1:]] if not cells[0] else [escape(label), *cells]
    if cells[0]:
        raise _fail(f"the {label} row needs a first column that is not summed, for its label",
                    hint="put a text column (the names) first, or add number=true")
    return [escape(label), *cells[1:]]


def total(rows: Any, key: Any, stated: Any = None, filter: Any = None) -> str:
    """The exact sum of ``key`` over ``rows``, worded as the table's cells are (``num``, or the
    given ``filter``): a totals row's cell in a Word template, ``{{ total(districts,
    "registry.enterprises", stated=data) }}``. A value written ``—`` adds nothing; text among
    the figures and a missing value are errors naming the row; ``stated`` (a figure, or a mapping
    such as ``data`` holding one at ``key``) must equal the sum."""
    try:
        return _column_total(rows, key, stated, filter)
    except TemplateError as exc:
        raise TemplateError([Problem("total: " + p.message.removeprefix("table: "), p.place,
                                     p.hint and p.hint.replace(', or give the column "sum": false', ""))
                             for p in exc.problems]) from None


def _column_total(rows: Any, key: Any, stated: Any, filter: Any) -> str:
    _defined(stated, "stated")
    _defined(filter, "filter")
    spec: dict[str, Any] = {"key": _text(key, "the key")}
    if filter is not None:
        spec["filter"] = filter
    column = _column(spec, 0)
    # the rows are named in messages by a text every row gives (乙县), as in a table
    first = rows[0] if isinstance(rows, list | tuple) and rows and isinstance(rows[0], Mapping) else {}
    names = [Column(k, k) for k, v in first.items() if isinstance(k, str) and isinstance(v, str)]
    data = _Rows(rows, [*names, column])
    order = list(range(len(data.rows)))
    values = [[data.value(i, column)] for i in order]
    [result] = _sums(data, order, values, [column], [True], "total")
    assert result is not None
    claimed = stated if stated is None or _is_number(stated) else _stated(stated, column)
    if claimed is not None and claimed is not _MISSING and (
            not _is_number(claimed) or _decimal(claimed) != result):
        raise _fail(f"the total of {column.key} is {FILTERS['num'](result)} (the sum of {len(order)} rows)"
                    f" but the data states {claimed!r}", key=column.key,
                    hint="correct the figure of a row or the stated total")
    return _word(result, column, f"the total of {column.key}")
