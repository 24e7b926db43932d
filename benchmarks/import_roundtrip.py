"""`reportgen import` measured on a folder of .docx files: facts found and the round trip.

For each file: import it alone into a new project, build that project, read the built .docx
back with the same reader, and compare the two documents element by element (white space
aside). Prints per file: figures in the text (digit runs the importer could see), figures
made facts, facts, sum rules, years written relative, placeholders, and whether the text came
back the same (with the first difference). A file that names no year is imported as with
`--year 2024`; a template whose 文号 or date is a placeholder is imported, and its build
refuses the placeholder (reported as such).

    python benchmarks/import_roundtrip.py DIR [--keep OUT_DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportgen.check import read_document  # noqa: E402
from reportgen.errors import ReportgenError  # noqa: E402
from reportgen.importer.project import import_documents, model_texts, write_project  # noqa: E402
from reportgen.model import Document, Heading  # noqa: E402

FALLBACK_YEAR = 2024


def digit_runs(doc: Document) -> tuple[int, int]:
    """Figures in a document's text as a reader counts them — runs of digits (2020年12月15日 is 3),
    heading numbers left out — and how many of them are parts of names (A5x, 5G, N6)."""
    texts = [doc.title, doc.doc_number or "", doc.to or "", doc.signature or "", doc.note or "", *doc.cc,
             *doc.attachment_note, str(doc.date or ""), str(doc.print_date or "")]
    for block in doc.blocks + [b for a in doc.attachments for b in a.blocks]:
        texts.append(block.text[len(block.number):] if isinstance(block, Heading) else block.text)
    text = "\n".join(texts)
    runs = re.findall(r"\d+(?:[.,]\d+)*", text)
    names = re.findall(r"(?<=[A-Za-z])\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*(?=[A-Za-z])", text)
    return len(runs), len(names)


def build(project: Path, out: Path) -> list[Path]:
    from reportgen.batch import Summary, project_jobs
    from reportgen.batch import build as build_all
    from reportgen.project import load_project

    loaded = load_project(project)
    results, _summary = build_all(project_jobs(loaded, loaded.documents), out, 1, lambda r: None, Summary())
    failed = [p for r in results for p in r.problems]
    if failed:
        raise ReportgenError(failed)
    return [r.path for r in results if r.path is not None]


def first_difference(a: list[str], b: list[str]) -> str:
    for k, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            at = next((i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
            return f"element {k + 1}: {x[max(at - 12, 0):at + 12]!r} → {y[max(at - 12, 0):at + 12]!r}"
    return f"{len(a)} elements → {len(b)}"


def measure(path: Path, work: Path) -> dict[str, object]:
    row: dict[str, object] = {"file": path.name}
    source = read_document(path).document
    row["digit_runs"], row["names"] = digit_runs(source)
    project = work / (path.stem + "-project")
    shutil.rmtree(project, ignore_errors=True)
    try:
        result = import_documents([path], None, "facts")
    except ReportgenError:  # a template that names no year: as `--year` would give it
        result = import_documents([path], FALLBACK_YEAR, "facts")
        row["year_given"] = True
    write_project(result, project)
    book = result.book
    row.update(covered=book.digit_runs, figures=book.figures, facts=len(book.facts), rules=len(book.rules),
               years=book.years_used, placeholders=sum(len(d.placeholders) for d in result.documents))
    try:
        built = build(project, work / (path.stem + "-out"))
    except ReportgenError as exc:
        row["same"] = False
        row["elements"] = row["equal_elements"] = 0
        row["difference"] = "build refused: " + exc.problems[0].message[:60]
        return row
    again = read_document(built[0]).document
    a, b = model_texts(source), model_texts(again)
    row["same"] = a == b
    row["elements"] = len(a)
    row["equal_elements"] = sum(1 for x, y in zip(a, b, strict=False) if x == y)
    if a != b:
        row["difference"] = first_difference(a, b)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--keep", type=Path, help="write the projects and built files here")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() == ".docx")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows = []
        for path in files:
            try:
                rows.append(measure(path, work))
            except ReportgenError as exc:
                rows.append({"file": path.name, "error": exc.problems[0].format()[:120]})
            except Exception as exc:  # a fault to report, not to hide
                traceback.print_exc()
                rows.append({"file": path.name, "error": f"internal: {type(exc).__name__}: {exc}"[:120]})
    columns = ("digit_runs", "names", "covered", "figures", "facts", "rules", "years", "placeholders")
    heads = ("digits", "names", "in", "figs", "facts", "rules", "years", "ph")
    print(f"{'file':34} " + " ".join(f"{h:>6}" for h in heads) + "  round trip")
    same = 0
    for row in rows:
        if "error" in row:
            print(f"{row['file']:34} error: {row['error']}")
            continue
        same += bool(row["same"])
        verdict = ("same" if row["same"] else
                   f"{row['equal_elements']}/{row['elements']} ({row['difference']})")
        print(f"{row['file']:34} " + " ".join(f"{row[c]:>6}" for c in columns) + f"  {verdict}")
    print(f"{same}/{len(rows)} documents come back with the same text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
