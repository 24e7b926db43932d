"""The command line: thin click commands over the pipeline.

Only this module formats errors and picks exit codes. Heavy modules (python-docx,
Jinja, YAML) are imported inside the commands so that ``reportgen --help`` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import ReportgenError

EXIT_ERROR = 1


def _fail(exc: ReportgenError) -> None:
    """Print every problem of an error, then exit 1."""
    for problem in exc.problems:
        label = "错误 error" if problem.severity == "error" else "警告 warning"
        click.echo(f"{label}: {problem.format()}", err=True)
    sys.exit(EXIT_ERROR)


def _is_project(path: str) -> bool:
    from .project import PROJECT_FILE

    return (Path(path) / PROJECT_FILE).is_file()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="reportgen")
def main() -> None:
    """reportgen: Chinese official documents (公文, GB/T 9704-2012) from YAML facts and templates.

    \b
    Examples:
      reportgen build examples/baoji-2020 -o out/
      reportgen render report data/baoji-2020.yaml -o report.docx
      reportgen preview examples/baoji-2020 --doc summary
      reportgen check out/宝网信办发〔2020〕38号.docx
    """


@main.command()
@click.argument("project_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: the project's `output`, else PROJECT_DIR/out).")
@click.option("--doc", "names", multiple=True, help="Build only this document (repeatable).")
@click.option("--pdf", is_flag=True, help="Also convert to PDF with LibreOffice (one call for all).")
def build(project_dir: Path, out_dir: Path | None, names: tuple[str, ...], pdf: bool) -> None:
    """Build every document of a project folder (its reportgen.yaml).

    \b
    Example:
      reportgen build examples/baoji-2020 -o out/
    """
    from .project import load_project, make_style, render_document, write_atomic
    from .writers.docx import write_docx

    try:
        project = load_project(project_dir)
        selected = [project.find(n) for n in names] if names else project.documents
    except ReportgenError as exc:
        _fail(exc)
    target = out_dir or (project_dir / project.output if project.output else project_dir / "out")
    failures: list[ReportgenError] = []
    written: list[Path] = []
    for spec_ in selected:
        try:
            style = make_style(spec_.style, project.style, spec_.place)
            rendered = render_document(spec_.name, spec_.template, project.data + spec_.data,
                                       style, project.root, spec_.output)
            data = write_docx(rendered.plan, rendered.document)
            path = target / rendered.output
            write_atomic(path, data)
            written.append(path)
            click.echo(f"{spec_.name}: {path} ({rendered.plan.pages} 页 pages)")
        except ReportgenError as exc:
            failures.append(exc)
    if pdf and written:
        from .writers.pdf import convert

        try:
            for path in convert(written, target):
                click.echo(f"pdf: {path}")
        except ReportgenError as exc:
            failures.append(exc)
    if failures:
        for exc in failures:
            for problem in exc.problems:
                click.echo(f"错误 error: {problem.format()}", err=True)
        sys.exit(EXIT_ERROR)


@main.command()
@click.argument("template")
@click.argument("data", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .docx file to write.")
@click.option("--pdf", is_flag=True, help="Also write a PDF beside it through LibreOffice.")
def render(template: str, data: tuple[Path, ...], out_file: Path, pdf: bool) -> None:
    """Render one document from a TEMPLATE (built-in name or .md.j2 path) and DATA files.

    \b
    Example:
      reportgen render report data/baoji-2020.yaml -o report.docx
    """
    from . import spec
    from .project import render_document, write_atomic
    from .writers.docx import write_docx

    try:
        rendered = render_document(out_file.stem, template, list(data), spec.DEFAULT_STYLE,
                                   Path.cwd())
        write_atomic(out_file, write_docx(rendered.plan, rendered.document))
        click.echo(f"{out_file} ({rendered.plan.pages} 页 pages)")
        if pdf:
            from .writers.pdf import convert

            for path in convert([out_file], out_file.parent):
                click.echo(f"pdf: {path}")
    except ReportgenError as exc:
        _fail(exc)


@main.command()
@click.argument("source")
@click.argument("data", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--doc", "name", help="Which document of the project to show (default: all).")
@click.option("--markup", is_flag=True, help="Show the rendered 公文 markup instead of pages.")
def preview(source: str, data: tuple[Path, ...], name: str | None, markup: bool) -> None:
    """Show the draft in the terminal: pages of 22 lines × 28 characters.

    SOURCE is a project folder, or a TEMPLATE followed by DATA files.

    \b
    Examples:
      reportgen preview examples/baoji-2020 --doc summary
      reportgen preview report data/baoji-2020.yaml
    """
    from . import spec
    from .project import load_project, make_style, render_document
    from .writers.text import ansi_styler, render_text

    try:
        if _is_project(source):
            project = load_project(Path(source))
            specs = [project.find(name)] if name else project.documents
            jobs = [(s.name, s.template, project.data + s.data,
                     make_style(s.style, project.style, s.place), project.root) for s in specs]
        else:
            if not data:
                raise ReportgenError(f"{source} is not a project folder and no DATA was given",
                                     hint="give a project folder (with reportgen.yaml) or TEMPLATE DATA...")
            jobs = [("preview", source, list(data), spec.DEFAULT_STYLE, Path.cwd())]
        for job_name, template, paths, style, base in jobs:
            rendered = render_document(job_name, template, paths, style, base)
            if len(jobs) > 1:
                click.echo(f"### {job_name}")
            if markup:
                click.echo(rendered.markup)
            else:
                click.echo(render_text(rendered.plan, ansi_styler))
    except ReportgenError as exc:
        _fail(exc)


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

        try:
            style = load_project(project_dir).style
        except ReportgenError as exc:
            _fail(exc)
    failed = False
    results: list[dict[str, object]] = []
    for path in files:
        try:
            report = check_file(path, style)
        except ReportgenError as exc:
            failed = True
            problem = exc.problems[0]
            if fmt == "json":
                results.append({"file": str(path), "ok": False, "error": problem.message,
                                "hint": problem.hint})
            else:
                click.echo(f"错误 error: {problem.format()}", err=True)
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


if __name__ == "__main__":  # pragma: no cover
    main()
