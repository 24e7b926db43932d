"""`reportgen format` over a folder of real .docx files: characters kept per file, and what was warned.

    PYTHONPATH=. python benchmarks/format_corpus.py DIR [--out OUT_DIR] [--notes]

Every .docx under DIR (sub-folders included) is read, re-set and written (to OUT_DIR when given,
else to a temporary folder), then the written file's text is compared with the draft's, character
by character, white space aside (reportgen.reformat.compare_text, as the command does). One line
per file: the draft's characters, the output's, those missing (lost or moved), the warnings, the
pages, and whether formatting the output again gives the same text (``again``);
``--notes`` prints each warning. A file that is no .docx is refused, as the command refuses it.
Exit status 1 when any file loses a character.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from reportgen.errors import ReportgenError
from reportgen.files import write_atomic
from reportgen.reformat import compare_text, document_text, draft_text, reformat, squeeze


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, help="keep the formatted files here")
    parser.add_argument("--notes", action="store_true", help="print every warning")
    args = parser.parse_args()
    files = sorted(args.folder.rglob("*.docx"))
    if not files:
        print(f"no .docx under {args.folder}", file=sys.stderr)
        return 1
    failed = refused = 0
    kinds: Counter[str] = Counter()
    totals = Counter[str]()
    with tempfile.TemporaryDirectory(prefix="reportgen-format-") as tmp:
        out_dir = args.out or Path(tmp)
        print(f"{'file':44} {'in':>6} {'out':>6} {'missing':>7} {'moved':>5} {'lost':>4} {'notes':>5}"
              " pages again")
        for path in files:
            name = str(path.relative_to(args.folder))
            target = out_dir / name.replace("/", "__")
            try:
                formatted = reformat(path)
                write_atomic(target, formatted.docx_bytes())
            except ReportgenError as exc:
                refused += 1
                print(f"{name:44} refused: {exc.problems[0].message[:80]}")
                continue
            before = draft_text(formatted.read.view.paras, formatted.rewrites)
            result = compare_text(before, document_text(target))
            again = target.with_name(target.stem + ".again.docx")
            write_atomic(again, reformat(target).docx_bytes())
            fixpoint = squeeze(document_text(again)) == squeeze(document_text(target))
            totals["fixpoint"] += fixpoint
            again.unlink()
            lost = sum(map(len, result.lost))
            moved = sum(map(len, result.moved))
            failed += lost > 0
            for key, value in (("in", result.input_chars), ("out", result.output_chars),
                               ("missing", result.missing_chars), ("moved", moved), ("lost", lost),
                               ("notes", len(formatted.notes)), ("files", 1)):
                totals[key] += value
            print(f"{name:44} {result.input_chars:6} {result.output_chars:6} {result.missing_chars:7}"
                  f" {moved:5} {lost:4} {len(formatted.notes):5} {formatted.plan.pages:5}"
                  f" {'same' if fixpoint else 'DIFFERS'}")
            for note in formatted.notes:
                kinds[note.message.split(":")[0].split("（")[0].split("(")[0].strip()] += 1
                if args.notes:
                    print(f"    {note.place.key or ''}: {note.message}")
            for run in result.missing:
                print(f"    {'moved' if run in result.moved else 'LOST'}: {run[:40]!r}")
    print(f"{totals['files']} files formatted, {refused} refused, {failed} losing text;"
          f" {totals['in']} characters in, {totals['out']} out, {totals['moved']} moved,"
          f" {totals['lost']} lost; {totals['notes']} warnings; formatted again: {totals['fixpoint']} with"
          " the same text")
    for kind, count in kinds.most_common():
        print(f"  {count:4}  {kind}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
