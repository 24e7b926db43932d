"""The sandboxed, strict Jinja environment that turns templates and facts into markup.

* Sandboxed: a template from a colleague cannot reach Python internals.
* Strict: a name missing from the data is an error naming the variable and the
  template line, never blank text in an official document.
* Built-in templates (``report``, ``summary``) live in ``templates/`` and ship
  inside the wheel; a project's own templates may extend them as ``builtin/NAME.md.j2``.
"""

from __future__ import annotations

import traceback
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Place, TemplateError

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATE_SUFFIX = ".md.j2"


@lru_cache(maxsize=1)
def builtin_template_dir() -> Path:
    """Built-in templates: inside the package when installed, beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError("the built-in templates are missing from this installation",
                        hint="reinstall reportgen: pip install --force-reinstall reportgen")


def builtin_names() -> list[str]:
    return sorted(p.name[: -len(TEMPLATE_SUFFIX)]
                  for p in builtin_template_dir().glob("*" + TEMPLATE_SUFFIX))


class FactDict(dict):  # type: ignore[type-arg]
    """A dict that knows its key path, so a missing key can be named in full."""

    # Private (a leading underscore), so the sandbox hides them from templates.
    _rg_path: str = ""
    _rg_source: str = ""  # named in "not in ..." messages; empty means the current data


class FactList(list):  # type: ignore[type-arg]
    _rg_path: str = ""
    _rg_source: str = ""


def wrap(value: Any, path: str = "", source: str = "") -> Any:
    """Deep-copy data into path-aware containers.

    ``source`` says where the values come from when that is not the current data
    (the previous year's file, one district's file), so a missing key names it.
    """
    if isinstance(value, dict):
        out = FactDict((k, wrap(v, f"{path}.{k}" if path else str(k), source)) for k, v in value.items())
        out._rg_path = path
        out._rg_source = source
        return out
    if isinstance(value, list):
        items = FactList(wrap(v, f"{path}[{i}]", source) for i, v in enumerate(value))
        items._rg_path = path
        items._rg_source = source
        return items
    if value is None and path:
        # `key:` with nothing after it (a half-filled scaffold): never print "None".
        return absent(path, f"'{path}' is empty in {source or 'the data'}")
    return value


def absent(name: str, message: str) -> Any:
    """An undefined template variable whose every use fails with ``message``.

    Used for ``prev`` when no previous-year data exists: ``{% if prev is defined %}``
    still works, and any other use says where the data was looked for.
    """
    return _make_undefined()(hint=message, name=name)


def _make_undefined() -> type:
    from jinja2 import StrictUndefined
    from jinja2.utils import missing

    class MissingFact(StrictUndefined):
        """StrictUndefined whose message names the whole key path."""

        @property
        def _undefined_message(self) -> str:
            obj = self._undefined_obj
            name = self._undefined_name
            if self._undefined_hint:
                return self._undefined_hint
            if obj is missing:
                return f"'{name}' is not in the data"
            parent = getattr(obj, "_rg_path", "")
            if isinstance(name, int):
                full = f"{parent}[{name}]"
            else:
                full = f"{parent}.{name}" if parent else str(name)
            source = getattr(obj, "_rg_source", "")
            return f"'{full}' is not in {source or 'the data'}"

    return MissingFact


def as_markup(value: Any) -> Any:
    """The ``markup`` filter: a data value that is itself 公文 markup (paragraphs, **bold**)."""
    from markupsafe import Markup

    return Markup(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=32)
def shared_environment(search_dirs: tuple[str, ...]) -> Environment:
    """The environment :func:`render` uses for these folders, made once per process; not to
    be modified (make_environment gives one of your own).

    Jinja keeps compiled templates in its environment, so a build of many documents over
    one template compiles it once; a template whose text changed is compiled again.
    """
    return make_environment([Path(d) for d in search_dirs])


def _loader(search: str | list[str]) -> Any:
    """A file loader whose cached templates stay valid only while the file's text is the same
    (file times are too coarse to notice a template rewritten within the same tick)."""
    from jinja2 import FileSystemLoader

    class TextCheckedLoader(FileSystemLoader):
        def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
            source, filename, _ = super().get_source(environment, template)

            def uptodate() -> bool:
                try:
                    return Path(filename).read_text(encoding=self.encoding) == source
                except OSError:
                    return False

            return source, filename, uptodate

    return TextCheckedLoader(search)


def make_environment(search_dirs: list[Path]) -> Environment:
    """A new sandboxed environment: local folders first, then the built-in templates.

    Read-only and bounded (:mod:`reportgen.sandbox`): a template cannot change the data,
    see private attributes, or run without end.
    """
    from jinja2 import ChoiceLoader, PrefixLoader
    from markupsafe import Markup

    from .filters import FILTERS
    from .markup import escape
    from .sandbox import BoundedSandbox

    def escape_text(value: Any) -> Any:
        """Data printed with ``{{ }}`` lands verbatim: what the markup would read is escaped
        (:func:`reportgen.markup.escape`: ``**``, ``#`` headings, ``|`` tables, ``::: 附件``
        lines, ``---`` fences). Values marked as markup (``| markup``, ``| tojson``) pass unchanged;
        other values (a list, a mapping) are escaped as the text they print as.
        """
        if isinstance(value, (Markup, int, float)):
            return value
        return escape(value if isinstance(value, str) else str(value))

    from .cache import template_bytecode_cache

    builtin = _loader(str(builtin_template_dir()))
    env = BoundedSandbox(
        loader=ChoiceLoader([
            _loader([str(d) for d in search_dirs]),
            PrefixLoader({"builtin": builtin}),
            builtin,
        ]),
        undefined=_make_undefined(),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=escape_text,
        bytecode_cache=template_bytecode_cache(),
    )
    env.filters.update(FILTERS)
    env.filters["markup"] = as_markup
    from .tables import table, total

    # A ruled table from a list of mappings (reportgen.tables): table(rows, …) or rows | table(…).
    env.globals["table"] = env.filters["table"] = table
    env.globals["total"] = total  # one column's exact sum, as a totals row holds it
    # tojson writes front matter values: keep Chinese readable in the markup preview.
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    return env


def resolve_template(ref: str, base: Path | None = None) -> tuple[str, list[Path]]:
    """A template reference → (name for the loader, folders to search).

    ``ref`` is a path to a file (relative to ``base``) or a built-in name such as ``report``.
    """
    candidate = Path(ref)
    if base is not None and not candidate.is_absolute():
        candidate = base / candidate
    if candidate.is_file():
        return candidate.name, [candidate.parent]
    if candidate.exists():
        kind = "a folder" if candidate.is_dir() else "a device, a pipe or a socket"
        raise TemplateError(f"the template is {kind}, not a regular file: {ref}", place=Place(str(candidate)),
                            hint="give the path of a template file (.md.j2 or .docx)")
    if "/" not in ref and "\\" not in ref:
        name = ref if ref.endswith(TEMPLATE_SUFFIX) else ref + TEMPLATE_SUFFIX
        if (builtin_template_dir() / name).is_file():
            return "builtin/" + name, []
    raise TemplateError(
        f"template not found: {ref}",
        place=Place(str(candidate)),
        hint="give a path to a .md.j2 file or a built-in name: " + ", ".join(builtin_names()),
    )


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a Jinja traceback."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2") or frame.filename.endswith(TEMPLATE_SUFFIX):
            found = (frame.filename, frame.lineno)
    return found


# An expression Jinja or Python cannot compile because of its depth (300 nested brackets, a
# chain of hundreds of operators): a fault of the template, said as such.
TOO_DEEP = "an expression is nested too deeply or is too long to compile"
TOO_DEEP_HINT = "split it into several {% set %} steps; no document needs hundreds of nested brackets"


def _deepest_line(source: str) -> int:
    """The line where brackets nest deepest (or, if none nests, the longest line): where an
    expression too deep to compile most likely is."""
    depth, deepest, where = 0, -1, 1
    for number, line in enumerate(source.splitlines(), 1):
        for ch in line:
            depth += (ch in "([{") - (ch in ")]}")
            if depth > deepest:
                deepest, where = depth, number
    if deepest < 20:
        lines = source.splitlines() or [""]
        where = max(range(len(lines)), key=lambda i: len(lines[i])) + 1
    return where


def render(ref: str, values: dict[str, Any], base: Path | None = None,
           extra: dict[str, Any] | None = None) -> tuple[str, str]:
    """Render a template with the data; return (markup text, template file name).

    ``extra`` adds variables beside the data (``prev``, ``districts``), already wrapped.
    """
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    from .errors import ReportgenError
    from .sandbox import LimitExceededError, limits, render_bounded

    name, dirs = resolve_template(ref, base)
    env = shared_environment(tuple(str(d) for d in dirs))
    try:
        template = env.get_template(name)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax: {exc.message}",
                            place=Place(exc.filename or name, exc.lineno),
                            hint="check the {{ }} / {% %} tags at that line") from None
    except TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}", place=Place(name)) from None
    except (RecursionError, SyntaxError, MemoryError):
        file = dirs[0] / name if dirs else None
        line = _deepest_line(file.read_text(encoding="utf-8")) if file and file.is_file() else None
        raise TemplateError(TOO_DEEP, place=Place(str(file) if file else name, line),
                            hint=TOO_DEEP_HINT) from None
    filename = template.filename or name
    data = wrap(dict(values))
    context = FactDict(data)  # the same wrapped values, at the top level and as `data`
    context["data"] = data
    context.update(extra or {})
    try:
        with limits(f"the template {filename}"):
            return render_bounded(template, context), filename
    except LimitExceededError as exc:
        file, line = _template_frame(exc)
        raise TemplateError(exc.message, place=Place(file or filename, line), hint=exc.hint) from None
    except RecursionError as exc:
        file, line = _template_frame(exc)
        raise TemplateError("the template calls itself without end (a macro, an include or loop() "
                            "that recurses too deep)", place=Place(file or filename, line),
                            hint="stop the recursion: no document nests its sections this deep") from None
    except UndefinedError as exc:
        file, line = _template_frame(exc)
        raise TemplateError(str(exc.message), place=Place(file or filename, line),
                            hint="add the value to the data file or fix its name in the template") from None
    except SecurityError as exc:
        file, line = _template_frame(exc)
        raise TemplateError(f"not allowed in a template: {exc}", place=Place(file or filename, line),
                            hint="templates may only read data, not Python internals") from None
    except ReportgenError as exc:
        file, line = _template_frame(exc)
        for problem in exc.problems:
            if problem.place.file is None:
                problem.place = Place(file or filename, line, key=problem.place.key)
        raise
    except TemplateSyntaxError as exc:  # in a template included or imported while rendering
        raise TemplateError(f"template syntax: {exc.message}",
                            place=Place(exc.filename or filename, exc.lineno),
                            hint="check the {{ }} / {% %} tags at that line") from None
    except TemplateNotFound as exc:
        file, line = _template_frame(exc)
        raise TemplateError(f"template not found: {exc.name}", place=Place(file or filename, line),
                            hint="check the name in {% extends %} / {% include %}") from None
    except JinjaTemplateError as exc:
        file, line = _template_frame(exc)
        raise TemplateError(str(exc), place=Place(file or filename, line)) from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        file, line = _template_frame(exc)
        raise TemplateError(f"{type(exc).__name__}: {exc}", place=Place(file or filename, line),
                            hint="check the types of the values used at that line") from None
    except (Exception, MemoryError) as exc:  # a filter or method that failed in its own way
        file, line = _template_frame(exc)
        raise TemplateError(f"the template failed: {type(exc).__name__}: {exc}",
                            place=Place(file or filename, line),
                            hint="check the filter or method used at that line and its arguments") from None
