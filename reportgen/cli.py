"""The command line: thin click commands over the pipeline.

Only this module formats errors and picks exit codes. Heavy modules (python-docx,
Jinja, YAML) are imported inside the commands so that ``reportgen --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import Problem, ReportgenError
from .files import temporaries_removed_on_sigterm

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from .batch import Job, Result
    from .years import YearsConfig

EXIT_ERROR = 1
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE
PROGRESS_MIN_DOCUMENTS = 10  # smaller builds end before a bar would tell anything


def _echo_problems(problems: list[Problem], document: str | None = None) -> None:
    """Each problem on stderr, after the name of its document when a build has several."""
    prefix = f"{document}: " if document else ""
    for problem in problems:
        label = "错误 error" if problem.severity == "error" else "警告 warning"
        click.echo(f"{label}: {prefix}{problem.format()}", err=True)


class _Commands(click.Group):
    """The one place where a command's ReportgenError is printed (every problem) and becomes exit 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ReportgenError as exc:
            _echo_problems(exc.problems)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader of stdout went away (`reportgen init --list | head -3`): nothing to say to
            # it, and nothing more to flush at exit. 141 is what a shell reports for SIGPIPE.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:  # a fault of ours: a message, never a traceback
            what = f"{type(exc).__name__}: {exc}"[:500]
            click.echo(f"错误 error: 内部错误 internal error: {what}", err=True)
            click.echo("    → this is a fault of reportgen, not of your files: please report it with the "
                       "command and its files", err=True)
            sys.exit(EXIT_ERROR)


def _progress(total: int) -> ProgressBar[int] | None:
    """A progress bar on stderr for builds of many documents, when stderr is a terminal."""
    if total < PROGRESS_MIN_DOCUMENTS or not sys.stderr.isatty():
        return None
    return click.progressbar(length=total, label="building", file=sys.stderr, show_pos=True)


def _prev_years(previous: tuple[Path, ...], years: YearsConfig | None = None) -> YearsConfig | None:
    """--prev FILE...: last year's data given on the command line replaces the project's."""
    from .years import YearsConfig

    if not previous:
        return years
    return YearsConfig(previous=list(previous), rollup=years.rollup if years else None)


_prev_option = click.option(
    "--prev", "previous", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Last year's data file, seen by templates as `prev` (default: DATA's name one year earlier).")


def _jobs(source: str, data: tuple[Path, ...], names: tuple[str, ...],
          contracts: tuple[Path, ...] = (), previous: tuple[Path, ...] = ()) -> list[Job]:
    """SOURCE is a project folder (documents selected by name) or a TEMPLATE with DATA files."""
    from . import spec
    from .batch import Job, project_jobs
    from .project import load_project

    if _is_project(source):
        project = load_project(Path(source))
        jobs = project_jobs(project, [project.find(n) for n in names] if names else project.documents)
        for job in jobs:
            job.contracts += contracts
            job.years = _prev_years(previous, job.years)
        return jobs
    if not data:
        raise ReportgenError(f"{source} is not a project folder and no DATA was given",
                             hint="give a project folder (with reportgen.yaml) or TEMPLATE DATA...")
    return [Job(Path(source).name.removesuffix(".md.j2"), source, data, spec.DEFAULT_STYLE,
                root=Path.cwd(), contracts=list(contracts), years=_prev_years(previous))]


def _is_project(path: str) -> bool:
    from .project import PROJECT_FILE

    return (Path(path) / PROJECT_FILE).is_file()


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="reportgen")
def main() -> None:
    """reportgen: Chinese official documents (公文, GB/T 9704-2012) from YAML facts and templates.

    \b
    Examples:
      reportgen build examples/baoji-2020 -o out/
      reportgen render report data/baoji-2020.yaml -o report.docx
      reportgen preview examples/baoji-2020 --doc summary
      reportgen new data/baoji-2020.yaml
      reportgen check out/宝网信办发〔2020〕38号.docx
      reportgen format 草稿.docx -o 正式.docx
    """


@main.command()
@click.argument("project_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path),
              help="Output folder (default: the project's `output`, else PROJECT_DIR/out).")
@click.option("--doc", "names", multiple=True, help="Build only this document (repeatable).")
@click.option("--pdf", is_flag=True, help="Also convert to PDF with LibreOffice (all files at once).")
@click.option("-j", "--jobs", "workers", type=click.IntRange(min=1),
              help="Documents rendered at once (default: the number of CPUs for large builds, "
                   "one process for small ones).")
def build(project_dir: Path, out_dir: Path | None, names: tuple[str, ...], pdf: bool,
          workers: int | None) -> None:
    """Build every document of a project folder (its reportgen.yaml).

    Documents are rendered in parallel; one that fails does not stop the others, and
    all failures are listed at the end (exit status 1).

    \b
    Example:
      reportgen build examples/baoji-2020 -o out/ -j 2
    """
    from .batch import Summary, project_jobs, worker_count
    from .batch import build as build_all
    from .files import output_folder
    from .project import load_project

    summary = Summary()
    project = load_project(project_dir)
    selected = [project.find(n) for n in names] if names else project.documents
    target = out_dir or (project_dir / project.output if project.output else project_dir / "out")
    output_folder(target)
    jobs = project_jobs(project, selected)
    count, note = worker_count(workers, len(jobs))
    if note:
        click.echo(f"注意 note: {note}", err=True)
    bar = _progress(len(jobs))
    echo_each = bar is None or not sys.stdout.isatty()

    def done(result: Result) -> None:
        if bar is not None:
            bar.update(1)
        if result.ok and echo_each:
            click.echo(f"{result.name}: {result.path} ({result.pages} 页 pages)")

    with bar or contextlib.nullcontext(), temporaries_removed_on_sigterm():
        results, summary = build_all(jobs, target, count, done, summary)
    for result in results:  # warnings, then every failure with its place, in project order
        _echo_problems(result.warnings + result.problems, result.name)
    failed = summary.failed > 0
    written = [r.path for r in results if r.path is not None]
    if pdf and written:
        from .writers.pdf import convert

        try:
            with temporaries_removed_on_sigterm():
                for path in convert(written, target):
                    click.echo(f"pdf: {path}")
        except ReportgenError as exc:
            _echo_problems(exc.problems, "pdf")
            failed = True
    click.echo(summary.line(), err=True)
    if failed:
        sys.exit(EXIT_ERROR)


@main.command()
@click.argument("template")
@click.argument("data", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_file", required=True, type=click.Path(path_type=Path),
              help="The .docx file to write.")
@click.option("--pdf", is_flag=True, help="Also write a PDF beside it through LibreOffice.")
@click.option("--contract", "contracts", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A contract (schema and rules) the data must meet, besides the template's own.")
@_prev_option
def render(template: str, data: tuple[Path, ...], out_file: Path, pdf: bool,
           contracts: tuple[Path, ...], previous: tuple[Path, ...]) -> None:
    """Render one document from a TEMPLATE (built-in name or .md.j2 path) and DATA files.

    \b
    Example:
      reportgen render report data/baoji-2020.yaml -o report.docx
    """
    from . import spec
    from .batch import Job, render_job_document
    from .errors import Place
    from .files import check_name, check_target, write_atomic

    where = Place(str(out_file), key="-o")
    check_name(out_file.name, where)
    job = Job(out_file.stem, template, data, spec.DEFAULT_STYLE, root=Path.cwd(), contracts=list(contracts),
              years=_prev_years(previous), output_place=where)
    check_target(out_file, job.inputs())
    rendered = render_job_document(job)
    _echo_problems(rendered.warnings)
    with temporaries_removed_on_sigterm():
        write_atomic(out_file, rendered.docx_bytes(), job.inputs())
        click.echo(f"{out_file} ({rendered.plan.pages} 页 pages)")
        if pdf:
            from .writers.pdf import convert

            for path in convert([out_file], out_file.parent):
                click.echo(f"pdf: {path}")


@main.command()
@click.argument("source")
@click.argument("data", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--doc", "name", help="Which document of the project to show (default: all).")
@click.option("--markup", is_flag=True, help="Show the rendered 公文 markup instead of pages.")
@_prev_option
def preview(source: str, data: tuple[Path, ...], name: str | None, markup: bool,
            previous: tuple[Path, ...]) -> None:
    """Show the draft in the terminal: pages of 22 lines × 28 characters.

    SOURCE is a project folder, or a TEMPLATE followed by DATA files.

    \b
    Examples:
      reportgen preview examples/baoji-2020 --doc summary
      reportgen preview report data/baoji-2020.yaml
    """
    from .batch import render_job_document
    from .writers.text import ansi_styler, render_text

    jobs = _jobs(source, data, (name,) if name else (), previous=previous)
    for job in jobs:
        rendered = render_job_document(job)
        _echo_problems(rendered.warnings)
        if len(jobs) > 1:
            click.echo(f"### {job.name}")
        if markup or rendered.docx is not None:  # from a Word template: its text (the layout is Word's)
            click.echo(rendered.markup)
        else:
            click.echo(render_text(rendered.plan, ansi_styler))


@main.command()
@click.argument("source")
@click.argument("data", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--doc", "names", multiple=True, help="Check only this document of the project (repeatable).")
@click.option("--contract", "contracts", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A further contract (schema and rules) the data must meet.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@_prev_option
def validate(source: str, data: tuple[Path, ...], names: tuple[str, ...], contracts: tuple[Path, ...],
             strict: bool, previous: tuple[Path, ...]) -> None:
    """Check data, contracts, templates and 公文 elements; report every problem at once.

    SOURCE is a project folder, or a TEMPLATE followed by DATA files. Nothing is written.
    Exit 1 on errors; warnings alone exit 0 unless --strict.

    \b
    Examples:
      reportgen validate examples/baoji-2020
      reportgen validate report data/baoji-2020.yaml --strict
    """
    from .batch import internal_error, render_job_document
    from .contract import unique

    jobs = _jobs(source, data, names, contracts, previous)
    seen: list[Problem] = []
    for job in jobs:
        try:
            problems = render_job_document(job).warnings
        except ReportgenError as exc:
            problems = exc.problems
        except Exception as exc:  # as in build: one document's fault; the others are still checked
            problems = internal_error(job, f"{type(exc).__name__}: {exc}").problems
        fresh = [p for p in unique(problems) if p not in seen]
        seen.extend(fresh)
        _echo_problems(fresh)
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        mark = "✗" if errors or (strict and warnings) else "✓"
        click.echo(f"{mark} {job.name}: {errors} 错误 errors, {warnings} 警告 warnings")
    if _is_project(source) and not names:
        from .usage import unused_facts

        unused = unused_facts(jobs)
        _echo_problems(unused)
        seen.extend(unused)
        if unused:
            click.echo(f"{'✗' if strict else '✓'} data: {len(unused)} 警告 warnings (facts no template uses)")
    failed = any(p.severity == "error" for p in seen) or (strict and bool(seen))
    sys.exit(EXIT_ERROR if failed else 0)


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--kind", help="The kind of document (文种): 通知, 请示, 综述 … (see --list).")
@click.option("--list", "list_kinds", is_flag=True, help="List the kinds with a built-in template and exit.")
def init(directory: Path | None, kind: str | None, list_kinds: bool) -> None:
    """Start a project for one kind of document in a new or empty DIRECTORY.

    Writes reportgen.yaml (the built-in template for the kind) and data.yaml (the document's
    elements, with illustrative values 某某 to replace); the project builds at once.

    \b
    Example:
      reportgen init --list
      reportgen init --kind 通知 notice/ && reportgen build notice/ -o out/
    """
    from .errors import ProjectError
    from .starter import init_project, starters

    if list_kinds:
        for starter in starters().values():
            click.echo(f"{starter.kind}\t{starter.template}\t{starter.what}")
        return
    if kind is None or directory is None:
        raise ProjectError("say which kind of document and where: --kind KIND DIRECTORY",
                           hint="reportgen init --kind 通知 notice/ (reportgen init --list shows the kinds)")
    starter, written = init_project(kind, directory)
    for path in written:
        click.echo(f"{path}")
    click.echo(f"{starter.kind}: reportgen build {directory} -o {directory / 'out'}"
               " （先把 data.yaml 中的示例值改为实际内容 replace the illustrative values first）")


@main.command()
@click.argument("data_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path),
              help="The new file (default: DATA_FILE's name with the next year, e.g. baoji-2021.yaml).")
@click.option("--force", is_flag=True, help="Replace the new file if it already exists.")
def new(data_file: Path, out_file: Path | None, force: bool) -> None:
    """Start next year's data file from this year's DATA_FILE.

    Same keys, structure and comments; every value emptied, with this year's value kept
    as a comment on its line; `year` advanced; a list keeps one empty item.

    \b
    Example:
      reportgen new data/baoji-2020.yaml      # writes data/baoji-2021.yaml
    """
    from .errors import OutputError, Place
    from .files import check_target, write_atomic
    from .scaffold import scaffold

    result = scaffold(data_file, out_file)
    check_target(result.target, [data_file])
    if result.target.exists() and not force:
        raise OutputError(f"{result.target} already exists", place=Place(str(result.target)),
                          hint="add --force to replace it, or give another name with -o")
    with temporaries_removed_on_sigterm():
        write_atomic(result.target, result.text.encode("utf-8"), [data_file])
    click.echo(f"{result.target}: {result.blanks} 项待填 values to fill in for {result.year + 1} "
               f"({result.year}'s values are kept as comments)")
    for path, why in result.kept:
        click.echo(f"  已保留 kept: {path} ({why})")
    for note in result.notes:
        click.echo(f"警告 warning: {note}", err=True)


@main.command("import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "project_dir", required=True, type=click.Path(path_type=Path),
              help="The new project's folder (must be empty or new, unless --force).")
@click.option("--year", type=click.IntRange(1900, 2100),
              help="The documents' year (default: the first 成文日期, else the year the titles name).")
@click.option("--force", is_flag=True,
              help="Write into a folder that is not empty (the imported files are replaced).")
def import_(inputs: tuple[Path, ...], project_dir: Path, year: int | None, force: bool) -> None:
    """A project (reportgen.yaml, data, contract, templates) from last year's documents.

    \b
    Each .docx (or .txt, one paragraph a line) becomes a template whose figures are facts of
    data/NAME-YEAR.yaml; `reportgen build PROJECT_DIR` gives the same text back.
    Example:
      reportgen import 宝网信办发〔2020〕38号.docx 2020年工作总结.docx -o baoji
    """
    from .importer.project import import_documents, project_name, write_project

    for path in inputs:
        if not path.is_file():
            raise ReportgenError(f"{path}: no such file", hint="give the .docx or .txt files to import")
    result = import_documents(list(inputs), year, project_name(project_dir))
    write_project(result, project_dir, force)
    book = result.book
    for doc in result.documents:
        click.echo(f"{doc.name}: {project_dir / (doc.name + '.md.j2')} ← {doc.source.path}")
        for placeholder in doc.placeholders:
            click.echo(f"注意 note: {doc.name}: placeholder kept as text: {placeholder}", err=True)
    click.echo(f"{project_dir / result.data_file}: {len(book.facts)} 项 facts from {book.figures} figures"
               f" ({book.years_used} years written as year ± n), {len(book.rules)} sum rule(s)", err=True)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["human", "json"]), default="human", show_default=True,
              help="human: grouped findings in Chinese and English; json: every finding, for programs.")
@click.option("--roles", is_flag=True, help="Also list the element found for every paragraph.")
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Check against this project's house style (fonts, rules, 抄送 full stop).")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
def check(files: tuple[Path, ...], fmt: str, roles: bool, project_dir: Path | None, list_rules: bool) -> None:
    """Check .docx files against GB/T 9704-2012 (any .docx, not only reportgen's).

    Exit status 0 when no file has an error (warnings alone pass), 1 otherwise.

    \b
    Examples:
      reportgen check out/宝网信办发〔2020〕38号.docx
      reportgen check --format json out/*.docx
      reportgen check --rules
    """
    import json

    from . import spec
    from .check import check_file
    from .check.output import as_dict, human, rules_table

    if list_rules:
        click.echo(rules_table())
        return
    if not files:
        raise click.UsageError("give one or more .docx files (or --rules)")
    style = spec.DEFAULT_STYLE
    if project_dir is not None:
        from .project import load_project

        style = load_project(project_dir).style
    failed = False
    results: list[dict[str, object]] = []
    for path in files:
        try:
            report = check_file(path, style)
        except ReportgenError as exc:
            failed = True
            if fmt == "json":
                first = exc.problems[0]
                results.append({"file": str(path), "ok": False, "error": first.message, "hint": first.hint,
                                "problems": [{"message": p.message, "place": str(p.place), "hint": p.hint}
                                             for p in exc.problems]})
            else:
                _echo_problems(exc.problems)
            continue
        failed = failed or report.errors > 0
        if fmt == "json":
            results.append(as_dict(report))
        else:
            click.echo(human(report, roles))
    if fmt == "json":
        click.echo(json.dumps({"ok": not failed, "files": results}, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(EXIT_ERROR)


@main.command("format")
@click.argument("draft", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_file", required=True, type=click.Path(path_type=Path),
              help="The .docx file to write.")
@click.option("--roles", is_flag=True, help="Also list the element found for every paragraph of the draft.")
@click.option("--check", "run_check", is_flag=True,
              help="Then print the `check` report of the result (exit 1 when it finds an error).")
@click.option("--pdf", is_flag=True, help="Also write a PDF beside it through LibreOffice.")
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Set it in this project's house style (fonts, margins, 抄送 full stop).")
@click.option("--force", is_flag=True, help="Replace OUT if it already exists.")
def format_(draft: Path, out_file: Path, roles: bool, run_check: bool, pdf: bool, project_dir: Path | None,
            force: bool) -> None:
    """Re-set a Word draft (.docx) in GB/T 9704-2012 with reportgen's own layout.

    Title, 主送, headings, body, tables, 附件说明, 署名, 日期, 附注, attachments and 版记 are
    recognised and laid out anew; no character of the draft's text is lost (the written
    file is compared with the draft, and nothing is written when text would be lost).
    What cannot be placed stays as body text, with a warning naming its paragraph.

    \b
    Examples:
      reportgen format 草稿.docx -o 正式.docx
      reportgen format 草稿.docx -o 正式.docx --roles --check
    """
    from . import spec
    from .check.output import role_lines
    from .errors import OutputError, Place
    from .files import check_name, check_target, write_atomic
    from .reformat import TextComparison, compare_text, document_text, draft_text, reformat

    where = Place(str(out_file), key="-o")
    check_name(out_file.name, where)
    if out_file.suffix.lower() != ".docx":
        raise OutputError(f"cannot write output: {out_file.name} does not end in .docx", place=where,
                          hint="give the name of the .docx file to write, e.g. -o 正式.docx")
    check_target(out_file, [draft])
    if out_file.exists() and not force:
        raise OutputError(f"{out_file} already exists", place=Place(str(out_file)),
                          hint="add --force to replace it, or give another name with -o")
    style = spec.DEFAULT_STYLE
    if project_dir is not None:
        from .project import load_project

        style = load_project(project_dir).style
    formatted = reformat(draft, style)
    if roles:
        click.echo(f"{draft}:")
        click.echo("\n".join(role_lines(formatted.read.view, formatted.read.structure)))
    before = draft_text(formatted.read.view.paras, formatted.rewrites)
    compared: list[TextComparison] = []

    def kept_all(written: Path) -> None:
        result = compare_text(before, document_text(written))
        if result.lost:
            shown = "、".join(f"「{run[:20]}」" for run in result.lost[:6])
            count = sum(map(len, result.lost))
            raise OutputError(f"格式化会丢失文字 formatting would lose {count} characters of the draft:"
                              f" {shown}",
                              place=Place(str(draft)),
                              hint=f"{out_file} was not written; please report it with the draft")
        compared.append(result)

    with temporaries_removed_on_sigterm():
        write_atomic(out_file, formatted.docx_bytes(), [draft], kept_all)
    notes = list(formatted.notes)
    for run in compared[0].moved:
        if formatted.said_moved(run):
            continue
        notes.append(Problem(f"文字移位 text moved: 「{run[:20]}」 is in the output, but not in its place",
                             Place(str(draft)), "check its place in the output", severity="warning"))
    _echo_problems(notes)
    kept = compared[0].input_chars - compared[0].missing_chars + sum(map(len, compared[0].moved))
    click.echo(f"{out_file} ({formatted.plan.pages} 页 pages; {kept}/{compared[0].input_chars}"
               f" 字 characters of the draft kept)")
    if pdf:
        from .writers.pdf import convert

        with temporaries_removed_on_sigterm():
            for path in convert([out_file], out_file.parent):
                click.echo(f"pdf: {path}")
    if run_check:
        from .check import check_file
        from .check.output import human

        report = check_file(out_file, style)
        click.echo(human(report))
        if report.errors:
            sys.exit(EXIT_ERROR)


if __name__ == "__main__":  # pragma: no cover
    main()
