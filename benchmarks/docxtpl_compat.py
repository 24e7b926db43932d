"""Render docxtpl's own test templates through reportgen and compare the visible text.

Usage: python benchmarks/docxtpl_compat.py DIR

DIR holds NAME.docx, NAME.yaml (the data) and NAME.expected.txt (the text docxtpl renders:
every w:t of the body, headers and footers, a paragraph a line, a line break a space, cells that continue a
merge left out). Prints OK or DIFF per template and the score; exit 1 when any differs.
"""

from __future__ import annotations

import difflib
import io
import sys
import zipfile
from pathlib import Path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def visible_text(data: bytes) -> list[str]:
    """Paragraph texts of the body, headers and footers; merged-away cells left out."""
    from lxml import etree

    lines: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        order = (["word/document.xml"] + [n for n in sorted(names) if n.startswith("word/header")]
                 + [n for n in sorted(names) if n.startswith("word/footer")])
        for name in order:
            root = etree.fromstring(zf.read(name))
            for p in root.iter(f"{W}p"):
                cell = next(p.iterancestors(f"{W}tc"), None)
                if cell is not None:
                    merge = cell.find(f"{W}tcPr/{W}vMerge")
                    hmerge = cell.find(f"{W}tcPr/{W}hMerge")
                    if (merge is not None and merge.get(f"{W}val") in (None, "continue")) or (
                            hmerge is not None and hmerge.get(f"{W}val") in (None, "continue")):
                        continue
                lines.append("".join(t.text or "" if t.tag == f"{W}t" else " "
                                     for t in p.iter(f"{W}t", f"{W}br")))
    return lines


def main(folder: Path) -> int:
    from reportgen import spec
    from reportgen.errors import ReportgenError
    from reportgen.project import render_document

    ok = 0
    templates = sorted(folder.glob("*.docx"))
    for template in templates:
        data = template.with_suffix(".yaml")
        expected = template.with_name(template.stem + ".expected.txt").read_text(encoding="utf-8")
        try:
            rendered = render_document(template.stem, str(template), [data], spec.DEFAULT_STYLE, Path.cwd())
            got = visible_text(rendered.docx_bytes())
        except ReportgenError as exc:
            print(f"DIFF {template.name}: {exc.problems[0].format()}")
            continue
        want = expected.strip("\n").split("\n")
        got = "\n".join(got).strip("\n").split("\n")
        if got == want:
            ok += 1
            print(f"OK   {template.name}")
        else:
            print(f"DIFF {template.name}")
            for line in list(difflib.unified_diff(want, got, "docxtpl", "reportgen", lineterm="", n=1))[:12]:
                print("     " + line)
    print(f"{ok}/{len(templates)} render to docxtpl's text")
    return 0 if ok == len(templates) else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
