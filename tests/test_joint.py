"""联合行文 (GB/T 9704-2012 7.2.4, 7.3.5) and paper with a pre-printed 版头 (``letterhead: preprinted``).

The front matter: ``organ_mark`` and ``signature`` as lists. The layout: stacked marks with 文件
beside them, joint signatures under their seals or stacked. The rendering, measured with pdfplumber on
examples/kitchen-sink (joint-two, joint-three, joint-stacked) and on pre-printed variants of it.
"""

from __future__ import annotations

import itertools
import statistics
from pathlib import Path

import pdfplumber
import pytest
from conftest import KITCHEN_SINK, W, build_pdfs, copy_project, edit_file, line_of_file, run_cli
from pdfmeasure import (
    AREA_LEFT,
    AREA_RIGHT,
    AREA_TOP,
    CHAR_3HAO,
    LINE_PITCH,
    body_lines,
    compare_breaks,
    find_line,
    horizontal_rules,
    is_red,
    mm,
    to_mm,
)

from reportgen import spec
from reportgen.check import check_file
from reportgen.errors import MarkupError
from reportgen.layout import SEAL_CELLS, plan, seal_columns
from reportgen.markup import parse
from reportgen.project import load_project, make_style, render_document
from reportgen.writers.docx import write_docx

JOINT = ["joint-two", "joint-three", "joint-stacked"]
MARKS = {
    "joint-two": ["中共宝鸡市委网信办", "宝鸡市工业和信息化局"],
    "joint-three": ["中共宝鸡市委网信办", "宝鸡市教育局", "宝鸡市工业和信息化局"],
    "joint-stacked": ["中共宝鸡市委网信办", "宝鸡市民政局"],
}
SIGNATURES = {
    "joint-two": ["中共宝鸡市委网信办", "宝鸡市工业和信息化局"],
    "joint-three": ["宝鸡市委网信办", "宝鸡市教育局", "宝鸡市工信局"],
    "joint-stacked": ["中共宝鸡市委网信办", "宝鸡市民政局"],
}
TOLERANCE_MM = 0.5


def _doc(front: str, body: str = "正文。") -> str:
    return (f"---\nkind: 通知\nnumber: 宝网信发〔2026〕1号\ntitle: 关于某事的通知\ndate: 2026-03-01\n"
            f"{front}\n---\n{body}\n")


# --------------------------------------------------------------------------- front matter


def test_organ_mark_and_signature_take_lists() -> None:
    doc = parse(_doc("organ_mark: [甲机关, 乙机关]\nsignature: [甲机关, 乙机关, 丙机关]"))
    assert doc.organ_mark == "甲机关" and doc.organ_marks == ["甲机关", "乙机关"]
    assert doc.signature == "甲机关" and doc.signatures == ["甲机关", "乙机关", "丙机关"]
    single = parse(_doc("organ_mark: 甲机关\nsignature: 甲机关"))
    assert single.organ_mark == "甲机关" and single.organ_marks == []
    assert single.signature == "甲机关" and single.signatures == []
    one = parse(_doc("organ_mark: [甲机关]"))  # a list of one is a single mark
    assert one.organ_mark == "甲机关" and one.organ_marks == []


@pytest.mark.parametrize(("front", "words"), [
    ("organ_mark: [甲, 乙, 丙, 丁, 戊]", "at most 4"),
    ("organ_mark: [甲, '']", "empty name"),
    ("signature: []", "empty list"),
    ("signature: [甲, {a: 1}]", "must be text"),
])
def test_bad_joint_front_matter(front: str, words: str) -> None:
    with pytest.raises(MarkupError) as err:
        parse(_doc(front))
    problem = err.value.problems[0]
    assert words in problem.message
    assert problem.place.key is not None and problem.place.key.split("[")[0] in front


# --------------------------------------------------------------------------- layout


def test_the_stack_takes_whole_grid_lines_and_the_title_stays_on_the_grid() -> None:
    style = spec.Style(organ_mark_suffix="文件")
    single = plan(parse(_doc("organ_mark: 甲机关")), style)
    for names in (["中共某某市委员会", "某某市人民政府"], ["甲机关", "乙机关", "丙机关", "丁机关"]):
        joint = plan(parse(_doc(f"organ_mark: [{', '.join(names)}]")), style)
        mark = next(i for i in joint.items if i.role == "organ_mark")
        assert mark.joint is not None and mark.joint.names == names
        assert mark.height == mark.joint.grid_lines > 2
        assert 0 <= mark.joint.room_after < spec.LINE_PITCH
        title = next(i for i in joint.items if i.role == "title")
        single_title = next(i for i in single.items if i.role == "title")
        assert title.row == single_title.row + mark.height - 2  # the stack's extra lines, whole
        # 文件 in reading order: beside the middle name, or between the two middle ones
        assert [s.text for s in mark.segs].index("文件") == (len(names) - 1) // 2 + 1


def test_seal_columns() -> None:
    style = spec.DEFAULT_STYLE
    date = "2026年3月1日"
    date_centre = style.chars_per_line - spec.SEALED_DATE_RIGHT - 6.0 / 2
    three = seal_columns(["甲市委网信办", "甲市教育局", "甲市工信局"], date, style)
    assert len(three) == 3 and three[-1] == pytest.approx(date_centre)
    assert all(b - a >= SEAL_CELLS for a, b in itertools.pairwise(three))  # seals never touch
    assert three[0] - SEAL_CELLS / 2 >= 0  # nor pass the type area's left edge
    long = ["中共宝鸡市委网信办", "宝鸡市工业和信息化局", "宝鸡市市场监督管理局"]
    two = seal_columns(long, date, style)
    assert len(two) == 2 and two[-1] - two[0] >= 10 + 1  # names a character apart


def test_four_sealed_signatures_stand_two_a_row_the_last_over_the_date() -> None:
    names = ["甲市委网信办", "甲市教育局", "甲市工信局", "甲市民政局"]
    laid = plan(parse(_doc(f"organ_mark: 甲市委网信办\nsignature: [{', '.join(names)}]")))
    rows = [i for i in laid.items if i.role == "signature"]
    assert [[s.text for s in r.segs] for r in rows] == [names[:2], names[2:]]
    assert rows[0].center_tabs == rows[1].center_tabs
    assert rows[1].row - rows[0].row >= 42 / (spec.LINE_PITCH / spec.TWIPS_PER_MM)  # a seal's height
    date = next(i for i in laid.items if i.role == "date")
    assert date.row == rows[1].row + 1 and date.right == spec.SEALED_DATE_RIGHT


def test_unsealed_signatures_are_stacked_the_date_under_the_last() -> None:
    doc = parse(_doc("organ_mark: 甲\nsignature: [中共某某市委员会办公室, 某某局]"))
    laid = plan(doc, spec.Style(sealed=False))
    rows = [i for i in laid.items if i.role == "signature"]
    date = next(i for i in laid.items if i.role == "date")
    assert [r.text for r in rows] == ["中共某某市委员会办公室", "某某局"]
    assert rows[0].right == rows[1].right and rows[1].row == rows[0].row + 1 and date.row == rows[1].row + 1
    # 7.3.5.2: the date's first character two 字 right of the (last) signature's first; a date
    # longer than that signature stands 右空二字 and the signatures move left
    assert date.right == spec.UNSEALED_SIGNATURE_RIGHT
    assert (28 - rows[1].right - 3) + 2 == pytest.approx(28 - date.right - 6)


# --------------------------------------------------------------------------- rendering


@pytest.fixture(scope="module")
def joint_plans():  # type: ignore[no-untyped-def]
    project = load_project(KITCHEN_SINK)
    return {d.name: render_document(d.name, d.template, project.data + d.data,
                                    make_style(d.style, project.style, d.place), project.root).plan
            for d in project.documents if d.name in JOINT}


def _lines(pdf_path: Path, page: int = 0):  # type: ignore[no-untyped-def]
    with pdfplumber.open(pdf_path) as pdf:
        return body_lines(pdf.pages[page]), horizontal_rules(pdf.pages[page]), len(pdf.pages)


def _em_centre(line) -> float:  # type: ignore[no-untyped-def]
    return (line.em_top + line.em_bottom) / 2


@pytest.mark.render
@pytest.mark.parametrize("name", JOINT)
def test_stacked_marks_as_printed(kitchen_pdfs: Path, name: str, report_figure) -> None:  # type: ignore[no-untyped-def]
    lines, rules, _ = _lines(kitchen_pdfs / f"{name}.pdf")
    names = MARKS[name]
    marks = [find_line(lines, n) for n in names]
    suffix = find_line(lines, "文件")
    # each organ on its own line, 主办机关 first, all red, in one size, starting at one x (a block)
    assert [m.baseline for m in marks] == sorted(m.baseline for m in marks)
    assert len({round(m.baseline) for m in marks}) == len(names)
    assert all(is_red(c["non_stroking_color"]) for m in marks for c in m.glyphs)
    assert len({round(m.size, 1) for m in marks}) == 1
    assert max(m.x0 for m in marks) - min(m.x0 for m in marks) < mm(0.3)
    assert max(m.x1 for m in marks if "文件" not in m.stripped) - min(
        m.x1 for m in marks if "文件" not in m.stripped) < mm(0.3)  # spread to one width
    # the first mark's top 35 mm below the type area [7.2.4]
    assert abs(to_mm(marks[0].em_top - AREA_TOP) - spec.ORGAN_MARK_TOP_MM) <= TOLERANCE_MM
    # 文件 right of the names, centred vertically on the stack
    glyphs = [c for c in suffix.glyphs if c["text"] in "文件"]
    middle = (_em_centre(marks[0]) + _em_centre(marks[-1])) / 2
    off = to_mm(_suffix_centre(glyphs) - middle)
    assert abs(off) <= TOLERANCE_MM, off
    assert min(c["x0"] for c in glyphs) > max(m.x1 for m in marks if "文件" not in m.stripped)
    # the whole mark centred on the type area
    left, right = min(m.x0 for m in marks), max(c["x1"] for c in glyphs)
    assert abs((left + right) / 2 - (AREA_LEFT + AREA_RIGHT) / 2) < mm(1)
    # the red rule: 4 mm under the 文号, the title on the grid
    red = [r for r in rules if is_red(r["color"])]
    assert len(red) == 1
    number = find_line(lines, "宝网信办发")
    assert number.baseline < red[0]["y"]
    title = next(line for line in lines if line.size == 22)
    assert ((title.baseline - AREA_TOP) / LINE_PITCH) % 1 == pytest.approx(0.8, abs=0.05)
    report_figure(f"{name}: first mark {to_mm(marks[0].em_top - AREA_TOP):.2f} mm below the type area, "
                  f"文件 {off:+.2f} mm from the stack's middle")


def _suffix_centre(glyphs: list[dict]) -> float:
    """The em box centre of 文件 from its baseline (the em box runs 0.88 above to 0.12 below it)."""
    from pdfmeasure import baseline

    return statistics.mean(baseline(c) - 0.38 * c["size"] for c in glyphs)


@pytest.mark.render
def test_the_red_rule_keeps_its_place_under_the_last_mark(kitchen_pdfs: Path, tmp_path: Path) -> None:
    """The 文号 stands 下空二行 under the last mark and the red rule 4 mm under it, as with a single
    mark of the same size: a single-mark document at the joint mark's size is the reference."""
    lines, rules, _ = _lines(kitchen_pdfs / "joint-two.pdf")
    last = find_line(lines, MARKS["joint-two"][-1])
    rule = next(r for r in rules if is_red(r["color"]))
    project = copy_project(KITCHEN_SINK, tmp_path)
    edit_file(project / "joint-two.md.j2", "organ_mark: [中共宝鸡市委网信办, 宝鸡市工业和信息化局]",
              "organ_mark: 宝鸡市工业和信息化局")
    edit_file(project / "reportgen.yaml", "    template: joint-two.md.j2\n    style:\n",
              f"    template: joint-two.md.j2\n    style:\n      organ_mark_size: {round(last.size, 1)}\n")
    out = build_pdfs(project, tmp_path / "out")
    single_lines, single_rules, _ = _lines(out / "joint-two.pdf")
    single = find_line(single_lines, "宝鸡市工业和信息化局")
    single_rule = next(r for r in single_rules if is_red(r["color"]))
    assert round(single.size, 1) == round(last.size, 1)
    assert abs(to_mm((rule["y"] - last.baseline) - (single_rule["y"] - single.baseline))) <= TOLERANCE_MM


@pytest.mark.render
@pytest.mark.parametrize("name", ["joint-two", "joint-three"])
def test_sealed_signatures_side_by_side(kitchen_pdfs: Path, name: str, report_figure) -> None:  # type: ignore[no-untyped-def]
    with pdfplumber.open(kitchen_pdfs / f"{name}.pdf") as pdf:
        page = pdf.pages[-1]
        lines = body_lines(page)
    names = SIGNATURES[name]
    row = find_line(lines, names[0] + names[1])  # one line, 主办机关 first
    date = next(line for line in lines if line.stripped.endswith("日") and "年" in line.stripped)
    # the date 右空四字; the last signature centred over it (the last seal presses both)
    assert abs((AREA_RIGHT - date.x1) / CHAR_3HAO - spec.SEALED_DATE_RIGHT) <= 0.5
    centres = []
    for organ in names:
        chars = _chars_of(row, organ)
        centres.append((chars[0]["x0"] + chars[-1]["x1"]) / 2)
    assert abs(to_mm(centres[-1] - date.centre_x)) <= TOLERANCE_MM
    assert row.baseline < date.baseline <= row.baseline + LINE_PITCH + 1
    # seals of 42 mm: centres at least that far apart, none past the type area's left edge
    apart = [to_mm(b - a) for a, b in itertools.pairwise(centres)]
    assert min(apart) >= spec.SEAL_DIAMETER_MM
    assert to_mm(centres[0] - AREA_LEFT) >= spec.SEAL_DIAMETER_MM / 2
    report_figure(f"{name}: signature centres {', '.join(f'{to_mm(c - AREA_LEFT):.1f}' for c in centres)} mm "
                  f"from the left edge; last over the date {to_mm(centres[-1] - date.centre_x):+.2f} mm")


def _chars_of(line, text: str) -> list[dict]:  # type: ignore[no-untyped-def]
    glyphs = line.glyphs
    joined = "".join(c["text"] for c in glyphs)
    start = joined.index(text)
    return glyphs[start : start + len(text)]


@pytest.mark.render
def test_unsealed_signatures_stacked(kitchen_pdfs: Path) -> None:
    with pdfplumber.open(kitchen_pdfs / "joint-stacked.pdf") as pdf:
        lines = body_lines(pdf.pages[-1])
    first, last = (find_line(lines, n) for n in SIGNATURES["joint-stacked"])
    date = find_line(lines, "年10月9日")
    assert first.baseline < last.baseline < date.baseline
    assert abs(first.x1 - last.x1) < 1  # one right edge
    # 7.3.5.2: the date starts two 字 right of the (last) signature; this date (6.5 字) is longer
    # than the signature (6 字) less two, so the date stands 右空二字 and the signatures move left
    assert abs((date.x0 - last.x0) / CHAR_3HAO - spec.UNSEALED_DATE_SHIFT) <= 0.5
    assert abs((AREA_RIGHT - date.x1) / CHAR_3HAO - spec.UNSEALED_SIGNATURE_RIGHT) <= 0.5


@pytest.mark.render
@pytest.mark.parametrize("name", JOINT)
def test_predicted_pages_and_lines(kitchen_pdfs: Path, joint_plans, name: str) -> None:  # type: ignore[no-untyped-def]
    laid = joint_plans[name]
    with pdfplumber.open(kitchen_pdfs / f"{name}.pdf") as pdf:
        assert len(pdf.pages) == laid.pages
        pitch = spec.LINE_PITCH / spec.TWIPS_PER_PT
        compared = compare_breaks(laid, pdf, pitch)
    differ = [c for c in compared if not c.same and c.role != "organ_mark"]  # the stack: rows of its own
    assert not differ, differ


@pytest.mark.parametrize("name", JOINT)
def test_check_reads_joint_documents(tmp_path: Path, name: str) -> None:
    code, _, stderr = run_cli("build", str(KITCHEN_SINK), "-o", str(tmp_path), "--doc", name)
    assert code == 0, stderr
    report = check_file(tmp_path / f"{name}.docx")
    assert report.errors == 0 and report.warnings == 0, report.findings
    roles = report.structure.roles
    view_marks = [i for i, r in roles.items() if r.role == "organ_mark"]
    assert len(view_marks) == len(MARKS[name]) + 1  # every name and 文件
    assert len([i for i, r in roles.items() if r.role == "signature"]) >= 1


# --------------------------------------------------------------------------- pre-printed paper


@pytest.fixture(scope="module")
def preprinted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kitchen sink's request (份号, 密级, 签发人) and joint-two, printed and pre-printed."""
    root = tmp_path_factory.mktemp("preprinted")
    project = copy_project(KITCHEN_SINK, root)
    text = (project / "reportgen.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("documents:")
    (project / "reportgen.yaml").write_text(head + (
        "documents:\n"
        "  - {name: request, template: request.md.j2}\n"
        "  - {name: request-pre, template: request.md.j2, style: {letterhead: preprinted}}\n"
        "  - {name: joint-two, template: joint-two.md.j2, style: {organ_mark_suffix: 文件}}\n"
        "  - {name: joint-two-pre, template: joint-two.md.j2,"
        " style: {organ_mark_suffix: 文件, letterhead: preprinted}}\n"), encoding="utf-8")
    return build_pdfs(project, root / "out")


@pytest.mark.render
@pytest.mark.parametrize("name", ["request", "joint-two"])
def test_preprinted_keeps_every_position(preprinted: Path, name: str) -> None:
    with pdfplumber.open(preprinted / f"{name}.pdf") as pdf, \
            pdfplumber.open(preprinted / f"{name}-pre.pdf") as pre:
        assert len(pre.pages) == len(pdf.pages)
        printed = {line.stripped: (line.baseline, line.x0) for line in body_lines(pdf.pages[0])}
        lines = body_lines(pre.pages[0])
        title = next(line for line in lines if line.size == 22)
        body = next(line for line in lines if line.size == 16 and line.baseline > title.baseline
                    and "：" not in line.stripped[-1:])
        for line in (title, body, *lines):
            assert line.stripped in printed, line
            assert line.baseline == pytest.approx(printed[line.stripped][0], abs=0.05)
            assert line.x0 == pytest.approx(printed[line.stripped][1], abs=0.05)
        # the 文号 is printed; the mark and the rule are not: nothing red on the page
        assert any("〔" in line.stripped for line in lines)
        page = pre.pages[0]
        assert not [c for c in page.chars if is_red(c["non_stroking_color"] or (0,))]
        assert not [r for r in horizontal_rules(page) if is_red(r["color"])]
        assert not [r for r in page.rects + page.lines if is_red(r.get("stroking_color") or (0,))
                    or is_red(r.get("non_stroking_color") or (0,))]


def test_preprinted_is_a_house_style_choice(tmp_path: Path) -> None:
    project = copy_project(KITCHEN_SINK, tmp_path)
    edit_file(project / "reportgen.yaml", "  bold_ordinals: true", "  bold_ordinals: true\n  letterhead: pre")
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert code == 1 and "Traceback" not in stderr
    assert "letterhead" in stderr and "'printed', 'preprinted'" in stderr
    assert f"reportgen.yaml:{line_of_file(project / 'reportgen.yaml', 'letterhead')}" in stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_check_expects_no_mark_on_preprinted_paper(tmp_path: Path) -> None:
    project = copy_project(KITCHEN_SINK, tmp_path)
    edit_file(project / "reportgen.yaml", "  bold_ordinals: true",
              "  bold_ordinals: true\n  letterhead: preprinted")
    code, _, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"), "--doc", "request")
    assert code == 0, stderr
    report = check_file(tmp_path / "out" / "request.docx")
    assert report.errors == 0, report.findings
    roles = {r.role for r in report.structure.roles.values()}
    assert {"copy_number", "secrecy", "urgency", "doc_number", "title", "signature"} <= roles
    assert "organ_mark" not in roles


def test_check_measures_the_last_joint_signature_over_the_date(tmp_path: Path) -> None:
    """The last seal presses the last signature and the date: a last signature moved off the date's
    centre is a signature.position error, on a tab stop or on a line of its own."""
    from docx import Document

    code, _, stderr = run_cli("build", str(KITCHEN_SINK), "-o", str(tmp_path), "--doc", "joint-two")
    assert code == 0, stderr
    d = Document(str(tmp_path / "joint-two.docx"))
    row = next(p for p in d.paragraphs if p.text.startswith("\t中共宝鸡市委网信办"))
    stop = row._p.findall(f"{W}pPr/{W}tabs/{W}tab")[-1]
    stop.set(f"{W}pos", str(int(stop.get(f"{W}pos")) - 2 * 315))  # two characters to the left
    moved = tmp_path / "moved.docx"
    d.save(str(moved))
    found = [(f.rule, f.severity) for f in check_file(moved).findings]
    assert found == [("signature.position", "error")]

    long = tmp_path / "long.docx"
    doc = parse(_doc("organ_mark: 甲\n"
                     "signature: [中共宝鸡市委网信办, 宝鸡市工业和信息化局, 宝鸡市市场监督管理局]"))
    laid = plan(doc)
    rows = [i for i in laid.items if i.role == "signature"]
    assert [len(r.segs) for r in rows] == [2, 1]  # too wide for three a row: two, then the last alone
    long.write_bytes(write_docx(laid, doc))
    assert check_file(long).errors == 0
    d = Document(str(long))
    alone = next(p for p in d.paragraphs if p.text == "宝鸡市市场监督管理局")
    ind = alone._p.find(f"{W}pPr/{W}ind")
    ind.set(f"{W}right", str(int(ind.get(f"{W}right")) + 3 * 315))
    d.save(str(long))
    assert [f.rule for f in check_file(long).findings] == ["signature.position"]
