"""Templates made in Word or WPS: .docx files with Jinja tags (reportgen/wordtemplate.py).

Every template here is built by the test with python-docx and lxml, with its tags split
over runs the way Word and WPS split them while typing: runs with different rPr, rsid
attributes, spell-check marks (w:proofErr), bookmarks, rendered page breaks between the
pieces of one tag. None is written in one clean run only.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from conftest import DATA, assert_clean_failure, run_cli

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
NS = (f'xmlns:w="{W_NS}" xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:o="urn:schemas-microsoft-com:office:office" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')

# What Word and WPS put between and around the pieces of a tag typed in several goes.
PROOF_START = '<w:proofErr w:type="spellStart"/>'
PROOF_END = '<w:proofErr w:type="spellEnd"/>'
GRAMMAR = '<w:proofErr w:type="gramStart"/>'
BOOKMARK = '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>'
RPRS = (
    '<w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hint="eastAsia"/><w:sz w:val="32"/>',
    '<w:rFonts w:hint="eastAsia"/><w:sz w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>',
    '<w:noProof/><w:sz w:val="32"/>',
    '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
    '<w:i/><w:sz w:val="28"/>',
)
TAG_RPR = '<w:b/><w:color w:val="C00000"/><w:sz w:val="32"/>'  # the run that holds the opening brace

DATA_YAML = """\
year: 2020
document:
  organ: 中共宝鸡市委网信办
  code: 宝网信办发
  number: 38
  date: 2020-12-15
registry:
  enterprises: 31
  social_orgs: 13
livestream:
  orders: 1712345
founded:
  - name: 宝鸡市网红扶贫公益联合会
    members: 12
  - name: 宝鸡市新青年新媒体发展中心
    members: 7
  - name: 宝鸡市电子商务协会
    members: 20
motto: "A<B & C>D \\"引号\\" 'x' **不加粗** #不是标题 |"
"""


def run(text: str, rpr: str = "", rsid: str = "00A1B2C3", page_break: bool = False) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    brk = "<w:lastRenderedPageBreak/>" if page_break else ""
    return (f'<w:r w:rsidR="{rsid}" w:rsidRPr="{rsid}"><w:rPr>{rpr}</w:rPr>{brk}'
            f"<w:t{space}>{escape(text)}</w:t></w:r>")


def split(pieces: list[str], noise: tuple[str, ...] = (PROOF_START, PROOF_END), first_rpr: str = TAG_RPR,
          page_break_at: int | None = None) -> str:
    """Runs of one paragraph: each piece its own run, rPr and rsid, noise between them."""
    out = []
    for i, piece in enumerate(pieces):
        if i:
            out.append(noise[(i - 1) % len(noise)] if noise else "")
        rpr = first_rpr if i == 0 else RPRS[i % len(RPRS)]
        out.append(run(piece, rpr, f"00{i + 3:02d}4F2A", page_break=i == page_break_at))
    return "".join(out)


def para(inner: str, ppr: str = '<w:pPr><w:spacing w:line="579" w:lineRule="exact"/></w:pPr>') -> str:
    return f'<w:p w:rsidR="00C12D34" w:rsidRDefault="00C12D34">{ppr}{inner}</w:p>'


def plain(text: str) -> str:
    """A paragraph typed in one go: still Word's run with its rsid and rPr."""
    return para(run(text, RPRS[0]))


def table(rows: list[list[str]]) -> str:
    """A table; each cell is a paragraph's inner XML (runs)."""
    cols = max(len(r) for r in rows)
    grid = "".join('<w:gridCol w:w="3000"/>' for _ in range(cols))
    body = "".join(
        "<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{para(cell)}</w:tc>'
                           for cell in row) + "</w:tr>" for row in rows)
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
            f"{body}</w:tbl>")


def text_box(inner_paragraphs: str) -> str:
    """A paragraph anchoring a VML text box (how a 红头 organ mark often sits)."""
    return para(f'<w:r><w:pict><v:shape id="organ" style="width:400pt;height:60pt">'
                f"<v:textbox><w:txbxContent>{inner_paragraphs}</w:txbxContent></v:textbox>"
                "</v:shape></w:pict></w:r>")


def word_text_box(inner_paragraphs: str) -> str:
    """A text box as Word saves it: a DrawingML copy and a VML copy of the same paragraphs."""
    return para(
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="5000000" cy="700000"/>'
        '<wp:docPr id="1" name="文本框 1"/><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:spPr/><wps:txbx><w:txbxContent>{inner_paragraphs}</w:txbxContent></wps:txbx>"
        "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape id="box1" style="width:400pt;height:60pt"><v:textbox>'
        f"<w:txbxContent>{inner_paragraphs}</w:txbxContent></v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>")


def make_docx(path: Path, body: str, header: str | None = None, footer: str | None = None) -> Path:
    """A .docx from python-docx's package with the given body/header/footer XML."""
    from docx import Document
    from docx.oxml import parse_xml

    doc = Document()
    target = doc.element.body
    sect = target.sectPr
    for child in list(target):
        if child is not sect:
            target.remove(child)
    for el in parse_xml(f"<w:body {NS}>{body}</w:body>"):
        sect.addprevious(el)
    for part, xml in ((doc.sections[0].header, header), (doc.sections[0].footer, footer)):
        if xml is None:
            continue
        element = part._element
        for child in list(element):
            element.remove(child)
        for el in parse_xml(f"<w:hdr {NS}>{xml}</w:hdr>"):
            element.append(el)
    doc.save(str(path))
    return path


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts-2020.yaml"
    path.write_text(DATA_YAML, encoding="utf-8")
    return path


def values() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(DATA_YAML)


def render(path: Path, extra: dict[str, Any] | None = None) -> bytes:
    from reportgen.wordtemplate import render_word

    return render_word(str(path), values(), None, extra).data


def part_xml(data: bytes, name: str = "word/document.xml") -> Any:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def header_name(data: bytes, kind: str = "header") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return next(n for n in zf.namelist() if n.startswith(f"word/{kind}"))


def texts(root: Any) -> list[str]:
    """Paragraph texts of a part (nested text-box paragraphs on their own)."""
    out = []
    for p in root.iter(f"{W}p"):
        out.append("".join(t.text or "" for t in p.iter(f"{W}t")
                           if next(t.iterancestors(f"{W}p")) is p))
    return out


def run_with(root: Any, needle: str) -> Any:
    for r in root.iter(f"{W}r"):
        if needle in "".join(t.text or "" for t in r.iter(f"{W}t")):
            return r
    raise AssertionError(f"no run with {needle!r}")


def where(problem: Any) -> str:
    """A problem's place as the user sees it, with the template's file name only."""
    return f"{Path(problem.place.file).name} {problem.place.key}"


def problems_of(path: Path, data: dict[str, Any] | None = None) -> list[Any]:
    from reportgen.errors import TemplateError
    from reportgen.wordtemplate import render_word

    with pytest.raises(TemplateError) as caught:
        render_word(str(path), values() if data is None else data)
    return caught.value.problems


# --- tags split over runs ---------------------------------------------------------------

TAG = "{{ registry.enterprises }}"
# Each a paragraph "互联网企业{{ registry.enterprises }}户" as Word or WPS may have cut it.
BODY_SPLITS = {
    "3 runs, spell-check marks": (["互联网企业{", "{ registry.enter", "prises }}户"],
                                  (PROOF_START, PROOF_END)),
    "5 runs, rsids, bookmark": (["互联网企业{{", " registry", ".", "enterprises", " }}户"],
                                (PROOF_START, BOOKMARK, PROOF_END, GRAMMAR)),
    "closing braces apart": (["互联网企业{{ reg", "istry.enterprises }", "}", "户"], (BOOKMARK,)),
    "WPS: each brace its own run": (["互联网企业{", "{", " registry.enterprises ", "}", "}户"], ("",)),
    "page break mark inside": (["互联网企业{{ registry", ".enterprises", " }}户"], (PROOF_START,)),
}


@pytest.mark.parametrize("name", list(BODY_SPLITS))
def test_a_tag_split_over_runs_renders_and_keeps_its_runs_formatting(tmp_path: Path, name: str) -> None:
    pieces, noise = BODY_SPLITS[name]
    assert "".join(pieces) == f"互联网企业{TAG}户"
    body = para(split(pieces, noise, page_break_at=1 if "page break" in name else None))
    out = render(make_docx(tmp_path / "t.docx", body))
    root = part_xml(out)
    assert "互联网企业31户" in texts(root)
    rpr = run_with(root, "31").find(f"{W}rPr")
    assert rpr.find(f"{W}b") is not None and rpr.find(f"{W}color").get(f"{W}val") == "C00000"


def test_a_filter_with_curly_quotes_split_over_runs(tmp_path: Path) -> None:
    """Word's autocorrect types “万”; inside a tag it is read as "万"."""
    pieces = ["扶贫带货{{ livestream.", "orders | approx(2, “", "万", "”) }}单。"]
    out = render(make_docx(tmp_path / "t.docx", para(split(pieces, (PROOF_START, BOOKMARK, PROOF_END)))))
    assert "扶贫带货170多万单。" in texts(part_xml(out))


def test_curly_single_quotes_in_a_statement(tmp_path: Path) -> None:
    body = plain("{%p if document.code == ‘宝网信办发’ %}") + plain("代字正确") + plain("{%p endif %}")
    assert texts(part_xml(render(make_docx(tmp_path / "t.docx", body)))) == ["代字正确"]


def test_table_row_repeated_per_item_with_split_tags(tmp_path: Path) -> None:
    body = table([
        [run("名称", RPRS[0]), run("会员", RPRS[0])],
        [split(["{%tr for", " f in ", "founded %}"]), ""],
        [split(["{{ f.", "name }}"], (BOOKMARK,)), split(["{", "{ f.members }}"])],
        [split(["{%tr end", "for %}"]), ""],
        [run("合计", RPRS[0]), split(["{{ founded | length", " }}"])],
    ])
    root = part_xml(render(make_docx(tmp_path / "t.docx", body)))
    rows = [[texts(tc)[0] for tc in tr.iter(f"{W}tc")] for tr in root.iter(f"{W}tr")]
    assert rows == [["名称", "会员"], ["宝鸡市网红扶贫公益联合会", "12"], ["宝鸡市新青年新媒体发展中心", "7"],
                    ["宝鸡市电子商务协会", "20"], ["合计", "3"]]


def test_paragraph_if_and_for_leave_no_blank_paragraphs(tmp_path: Path) -> None:
    body = (plain("开头")
            + para(split(["{%p if registry.enter", "prises > 100 %}"]))
            + plain("不应出现")
            + plain("{%p endif %}")
            + para(split(["{%p for f in ", "founded %}"], (BOOKMARK,)))
            + para(split(["第{{ loop.index }}个：", "{{ f.name }}"]))
            + plain("{%p endfor %}")
            + plain("结尾"))
    assert texts(part_xml(render(make_docx(tmp_path / "t.docx", body)))) == [
        "开头", "第1个：宝鸡市网红扶贫公益联合会", "第2个：宝鸡市新青年新媒体发展中心",
        "第3个：宝鸡市电子商务协会", "结尾"]


def test_header_footer_and_text_box_tags(tmp_path: Path) -> None:
    box = para(split(["{{ document.", "organ }}"], (PROOF_START,)))
    body = text_box(box) + plain("正文")
    header = para(split(["{{ document.code }}〔{{ ", "year }}〕{{ document.number", " }}号"], (BOOKMARK,)))
    footer = para(split(["— {", "{ year | cn_year }} —"]))
    out = render(make_docx(tmp_path / "t.docx", body, header, footer))
    assert "中共宝鸡市委网信办" in texts(part_xml(out))
    assert texts(part_xml(out, header_name(out)))[0] == "宝网信办发〔2020〕38号"
    assert texts(part_xml(out, header_name(out, "footer")))[0] == "— 二〇二〇 —"


def test_docxtpl_run_and_cell_forms(tmp_path: Path) -> None:
    """{%r %} and {%tc %} work as in docxtpl, so a docxtpl template works unchanged."""
    body = (para(run("企业") + split(["{%r if registry.enterprises > 30 %}"]) + run("超过三十户")
                 + split(["{%r endif %}"]))
            + table([[run("甲"), split(["{%tc for f in founded %}"]), split(["{{ f.members }}"]),
                      split(["{%tc endfor %}"])]]))
    root = part_xml(render(make_docx(tmp_path / "t.docx", body)))
    assert texts(root)[0] == "企业超过三十户"
    cells = [texts(tc)[0] for tc in root.iter(f"{W}tc")]
    assert cells == ["甲", "12", "7", "20"]


def test_values_are_escaped_for_xml_and_land_verbatim(tmp_path: Path) -> None:
    out = render(make_docx(tmp_path / "t.docx", para(split(["说明：{{ mot", "to }}"]))))
    assert texts(part_xml(out))[0] == "说明：A<B & C>D \"引号\" 'x' **不加粗** #不是标题 |"


def test_a_string_with_an_ampersand_typed_in_a_tag(tmp_path: Path) -> None:
    out = render(make_docx(tmp_path / "t.docx", plain('{{ missing_key | default("A&B <C>") }}')))
    assert texts(part_xml(out))[0] == "A&B <C>"


# --- problems, located in the Word file ---------------------------------------------------


def test_missing_name_points_at_the_paragraph_with_snippet_and_did_you_mean(tmp_path: Path) -> None:
    body = plain("第一段") + plain("第二段") + para(split([
        "全市共有互联网企业{{ registry.", "enterprise }}户，", "网络社会组织{{ registry.social_orgs }}个"]))
    (problem,) = problems_of(make_docx(tmp_path / "红头模板.docx", body))
    text = problem.format()
    assert where(problem) == ("红头模板.docx 正文第3段"
                              "「全市共有互联网企业{{ registry.enterprise }}户，网络社会组织{{ r…」")
    assert "'registry.enterprise' is not in the data" in text
    assert "did you mean registry.enterprises?" in text


@pytest.mark.parametrize(("part", "expected"), [
    ("table", "正文表格1第2行第2列"),
    ("header", "页眉第1段"),
    ("footer", "页脚第1段"),
    ("box", "正文文本框1第2段"),
    ("loop", "正文表格1第3行第1列"),
])
def test_missing_name_in_every_part(tmp_path: Path, part: str, expected: str) -> None:
    bad = split(["{{ registry.enterprizes", " }}"], (PROOF_START,))
    body = plain("正文")
    header = footer = None
    if part == "table":
        body += table([[run("名称"), run("数量")], [run("企业"), bad]])
    elif part == "loop":
        body += table([[run("名称")], [split(["{%tr for f in founded %}"])], [split(["{{ f.nmae }}"])],
                       [split(["{%tr endfor %}"])]])
    elif part == "header":
        header = para(bad)
    elif part == "footer":
        footer = para(bad)
    else:
        body = text_box(plain("中共宝鸡市委网信办") + para(bad)) + body
    problems = problems_of(make_docx(tmp_path / "t.docx", body, header, footer))
    assert len(problems) == 1  # a tag in a loop: once, not once per item
    assert where(problems[0]).startswith(f"t.docx {expected}「")
    if part == "loop":
        assert "'founded[0].nmae' is not in the data" in problems[0].message
        assert problems[0].hint == "did you mean founded[0].name?"
    else:
        assert "'registry.enterprizes' is not in the data" in problems[0].message
        assert problems[0].hint == "did you mean registry.enterprises?"


def test_a_tag_broken_over_two_paragraphs_has_its_own_message(tmp_path: Path) -> None:
    body = (plain("开头") + para(split(["互联网企业{{ registry.", ""])) + plain("enterprises }}户")
            + plain("结尾"))
    (problem,) = problems_of(make_docx(tmp_path / "t.docx", body))
    assert "broken over two paragraphs" in problem.message
    assert "正文第3段「enterprises }}户」" in problem.message
    assert where(problem) == "t.docx 正文第2段「互联网企业{{ registry.」"
    assert "join the two paragraphs" in (problem.hint or "")


def test_an_unclosed_tag_and_a_stray_closing(tmp_path: Path) -> None:
    body = plain("互联网企业{{ registry.enterprises 户") + plain("正文") + plain("多余的 }} 括号")
    messages = [p.message for p in problems_of(make_docx(tmp_path / "t.docx", body))]
    assert any("is not closed in this paragraph" in m for m in messages)
    assert any("closes no tag" in m for m in messages)


def test_a_filter_error_is_located(tmp_path: Path) -> None:
    body = plain("一") + para(split(["机关{{ document.organ | ", "approx }}"]))
    (problem,) = problems_of(make_docx(tmp_path / "t.docx", body))
    assert "approx" in problem.message
    assert where(problem) == "t.docx 正文第2段「机关{{ document.organ | approx }}」"


def test_sandbox_holds_in_word_templates(tmp_path: Path) -> None:
    (problem,) = problems_of(make_docx(tmp_path / "t.docx", plain("{{ ''.__class__.__mro__ }}")))
    assert "not allowed in a template" in problem.message


def test_every_problem_of_the_file_at_once(tmp_path: Path) -> None:
    """Syntax errors and unknown names of all parts in one go."""
    body = (plain("{{ registry.enterprizes }}")
            + plain("{{ registry.enterprises | }}")
            + table([[run("x")], [split(["{{ registry.tot", "al }}"])]])
            + plain("{{ livestream.order }}"))
    header = para(split(["{{ document.org", "n }}"]))
    problems = problems_of(make_docx(tmp_path / "t.docx", body, header))
    assert problems[0].message.startswith("tag syntax:")
    places = [where(p).split("「")[0] for p in problems]
    assert places[0] == "t.docx 正文第2段"
    assert set(places[1:]) == {"t.docx 正文第1段", "t.docx 正文表格1第2行第1列", "t.docx 正文第3段",
                               "t.docx 页眉第1段"}
    # A statement in error leaves the part's structure unknown: its names are not looked up.
    body = body.replace("{{ registry.enterprises | }}", "{% for %}")
    problems = problems_of(make_docx(tmp_path / "t.docx", body, header))
    places = [where(p).split("「")[0] for p in problems]
    assert places == ["t.docx 正文第2段", "t.docx 页眉第1段"]
    body = body.replace("{% for %}", "{{ registry.enterprises }}")
    problems = problems_of(make_docx(tmp_path / "t.docx", body, header))
    places = {where(p).split("「")[0] for p in problems}
    assert places == {"t.docx 正文第1段", "t.docx 正文表格1第2行第1列", "t.docx 正文第3段",
                      "t.docx 页眉第1段"}


def test_several_syntax_errors_are_listed_together(tmp_path: Path) -> None:
    body = (plain("{{ registry.enterprises | }}") + plain("{% if year > %}x{% endif %}")
            + plain("{% frobnicate %}") + plain("{%p for f in %}") + plain("{%p endfor %}"))
    problems = problems_of(make_docx(tmp_path / "t.docx", body))
    assert [where(p).split("「")[0] for p in problems] == [
        "t.docx 正文第1段", "t.docx 正文第2段", "t.docx 正文第3段", "t.docx 正文第4段"]
    assert all(p.message.startswith("tag syntax:") for p in problems)


def test_an_unclosed_block_is_located(tmp_path: Path) -> None:
    body = plain("开头") + plain("{%p if year > 2000 %}") + plain("内容")
    (problem,) = problems_of(make_docx(tmp_path / "t.docx", body))
    assert problem.message.startswith("tag syntax:")
    assert "endif" in (problem.hint or "")


# --- command line and project -------------------------------------------------------------


def test_render_command_and_reproducible_bytes(tmp_path: Path, data_file: Path) -> None:
    template = make_docx(tmp_path / "模板.docx", para(split(["{{ registry.", "enterprises }}"])))
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    for out in (first, second):
        code, _stdout, stderr = run_cli("render", str(template), str(data_file), "-o", str(out))
        assert code == 0, stderr
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        infos = zf.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert [i.filename for i in infos][1:] == sorted(i.filename for i in infos[1:])
        assert {i.date_time for i in infos} == {(2020, 12, 15, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "2020-12-15T00:00:00Z" in core
    assert not list(tmp_path.glob(".*.tmp"))


def test_render_failure_writes_nothing_and_keeps_the_old_file(tmp_path: Path, data_file: Path) -> None:
    template = make_docx(tmp_path / "模板.docx", plain("{{ registry.enterprizes }}"))
    out = tmp_path / "out.docx"
    out.write_bytes(b"old")
    code, stdout, stderr = run_cli("render", str(template), str(data_file), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert "正文第1段「{{ registry.enterprizes }}」: 'registry.enterprizes' is not in the data" in stderr
    assert "did you mean registry.enterprises?" in stderr
    assert out.read_bytes() == b"old"


def test_validate_lists_all_and_writes_nothing(tmp_path: Path, data_file: Path) -> None:
    body = plain("{{ registry.enterprizes }}") + plain("{{ founded[0].nmae }}")
    template = make_docx(tmp_path / "模板.docx", body, footer=plain("{{ yaer }}"))
    before = sorted(p.name for p in tmp_path.iterdir())
    code, stdout, stderr = run_cli("validate", str(template), str(data_file))
    assert_clean_failure(code, stdout, stderr)
    assert stderr.count("错误 error") == 3
    assert "页脚第1段「{{ yaer }}」: 'yaer' is not in the data" in stderr
    assert "did you mean year?" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_data_contract_runs_before_the_word_template(tmp_path: Path, data_file: Path) -> None:
    template = make_docx(tmp_path / "模板.docx", plain("{{ registry.enterprises }}"))
    (tmp_path / "模板.contract.yaml").write_text(
        "schema:\n  type: object\n  required: [party_members]\n", encoding="utf-8")
    code, stdout, stderr = run_cli("render", str(template), str(data_file), "-o", str(tmp_path / "o.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert "party_members" in stderr
    assert not (tmp_path / "o.docx").exists()


def test_prev_reaches_word_templates(tmp_path: Path, data_file: Path) -> None:
    (tmp_path / "facts-2019.yaml").write_text("year: 2019\nregistry:\n  enterprises: 27\n", encoding="utf-8")
    template = make_docx(tmp_path / "模板.docx", para(split([
        "企业{{ registry.enterprises }}户，较上年",
        "{{ registry.enterprises | change(prev.registry.enterprises) }}。"])))
    out = tmp_path / "o.docx"
    code, _stdout, stderr = run_cli("render", str(template), str(data_file), "-o", str(out))
    assert code == 0, stderr
    assert texts(part_xml(out.read_bytes()))[0] == "企业31户，较上年增长14.8%。"
    (tmp_path / "facts-2019.yaml").unlink()
    code, stdout, stderr = run_cli("render", str(template), str(data_file), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert "'prev' is used but no previous-year data was found" in stderr
    assert "正文第1段" in stderr


def test_project_with_a_word_template(tmp_path: Path, data_file: Path) -> None:
    make_docx(tmp_path / "红头模板.docx",
              plain("{{ document.organ }}") + plain("企业{{ registry.enterprises }}户"),
              header=plain("{{ document.code }}〔{{ year }}〕{{ document.number }}号"))
    (tmp_path / "reportgen.yaml").write_text(
        "data: facts-2020.yaml\n"
        "documents:\n"
        "  - name: letter\n"
        "    template: 红头模板.docx\n"
        '    output: "{{ document.code }}{{ document.number }}.docx"\n', encoding="utf-8")
    code, stdout, stderr = run_cli("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    out = (tmp_path / "out" / "宝网信办发38.docx").read_bytes()
    assert texts(part_xml(out)) == ["中共宝鸡市委网信办", "企业31户"]
    code, stdout, stderr = run_cli("validate", str(tmp_path))
    assert code == 0, stderr
    assert "0 错误 errors" in stdout


def test_real_data_file_and_did_you_mean(tmp_path: Path) -> None:
    template = make_docx(tmp_path / "模板.docx", para(split(["互联网企业{{ registry.", "enterprise }}户"])))
    code, stdout, stderr = run_cli("validate", str(template), str(DATA))
    assert_clean_failure(code, stdout, stderr)
    assert "did you mean registry.enterprises?" in stderr


def test_not_a_docx(tmp_path: Path, data_file: Path) -> None:
    bad = tmp_path / "模板.docx"
    bad.write_bytes(b"this is a .doc renamed")
    code, stdout, stderr = run_cli("render", str(bad), str(data_file), "-o", str(tmp_path / "o.docx"))
    assert_clean_failure(code, stdout, stderr)
    assert "not a Word file (.docx)" in stderr


# --- the file opens cleanly ----------------------------------------------------------------


def without_styles_with_effects(path: Path) -> Path:
    """python-docx's own package carries a stylesWithEffects.xml that validators flag (it
    disagrees with styles.xml); Word and WPS templates need not have it. Drop it."""
    import re

    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if n != "word/stylesWithEffects.xml"}
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = re.sub(r"<Relationship [^>]*stylesWithEffects[^>]*/>", "",
                                                   rels).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = re.sub(r"<Override [^>]*stylesWithEffects[^>]*/>", "", types).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return path


def rich_template(path: Path) -> Path:
    """Every form at once: text box, {%p if %}, a row per item, header and footer, split runs."""
    body = (text_box(para(split(["{{ document.", "organ }}"])))
            + plain("开头")
            + para(split(["{%p if registry.enter", "prises > 1 %}"]))
            + para(split(["全市有互联网企业{{ regis", "try.enterprises }}户"], (BOOKMARK,)))
            + plain("{%p endif %}")
            + table([[run("名称"), run("会员")], [split(["{%tr for f in founded %}"]), ""],
                     [split(["{{ f.", "name }}"]), split(["{{ f.members }}"])],
                     [split(["{%tr endfor %}"]), ""]]))
    make_docx(path, body, para(split(["{{ document.code }}〔", "{{ year }}〕"])), plain("— {{ year }} —"))
    return without_styles_with_effects(path)


def test_output_has_no_validator_findings(tmp_path: Path) -> None:
    from openxml_audit import OpenXmlValidator

    template = rich_template(tmp_path / "t.docx")
    out = tmp_path / "o.docx"
    out.write_bytes(render(template))
    result = OpenXmlValidator().validate(str(out))
    assert [e.description for e in result.errors] == []
    assert texts(part_xml(out.read_bytes()))[:4] == ["", "中共宝鸡市委网信办", "开头", "全市有互联网企业31户"]


def test_output_converts_with_libreoffice(tmp_path: Path) -> None:
    import shutil

    from reportgen.writers.pdf import convert

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    out = tmp_path / "o.docx"
    out.write_bytes(render(rich_template(tmp_path / "t.docx")))
    (pdf,) = convert([out], tmp_path / "pdf")
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        text = "".join(page.extract_text() or "" for page in doc.pages)
    assert "全市有互联网企业31户" in text
    assert "宝鸡市新青年新媒" in text and "— 2020 —" in text


def test_preview_shows_the_rendered_text(tmp_path: Path, data_file: Path) -> None:
    template = make_docx(tmp_path / "模板.docx", para(split(["企业{{ registry.", "enterprises }}户"])),
                         header=plain("{{ document.code }}"))
    code, stdout, stderr = run_cli("preview", str(template), str(data_file))
    assert code == 0, stderr
    assert stdout.splitlines()[:2] == ["宝网信办发", "企业31户"]


# --- the body block: 公文 markup → paragraphs ------------------------------------------------

BODY_MARKUP = ("# 高度重视，精心部署\n\n全市有互联网企业{{ registry.enterprises }}户，**一是**加强领导。\n\n"
               "## 认真开展调研。\n调研内容。\n")


def test_body_block_from_a_md_template(tmp_path: Path, data_file: Path) -> None:
    (tmp_path / "body.md.j2").write_text(BODY_MARKUP, encoding="utf-8")
    body = (plain("中共宝鸡市委网信办") + para(split(['{{p "body.md.j2" ', "| body }}"]))
            + plain("特此报告。"))
    template = make_docx(tmp_path / "模板.docx", body)
    out = tmp_path / "o.docx"
    code, _stdout, stderr = run_cli("render", str(template), str(data_file), "-o", str(out))
    assert code == 0, stderr
    root = part_xml(out.read_bytes())
    assert texts(root) == ["中共宝鸡市委网信办", "一、高度重视，精心部署",
                           "全市有互联网企业31户，一是加强领导。", "（一）认真开展调研。调研内容。",
                           "特此报告。"]
    assert run_with(root, "一是").find(f"{W}rPr/{W}b") is not None
    assert run_with(root, "高度重视").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "黑体"


def test_body_block_from_a_data_value(tmp_path: Path) -> None:
    body = para(split(["{{p summ", "ary | body }}"]))
    data = {**values(), "summary": "# 标题\n\n正文**加粗**。"}
    from reportgen.wordtemplate import render_word

    out = render_word(str(make_docx(tmp_path / "t.docx", body)), data).data
    assert texts(part_xml(out)) == ["一、标题", "正文加粗。"]


def test_body_filter_outside_its_paragraph_form(tmp_path: Path) -> None:
    (problem,) = problems_of(make_docx(tmp_path / "t.docx", plain("前文{{ summary | body }}")))
    assert "{{p … | body }}" in problem.message
    assert where(problem) == "t.docx 正文第1段「前文{{ summary | body }}」"


def test_body_template_error_is_reported(tmp_path: Path) -> None:
    (tmp_path / "body.md.j2").write_text("# 标题\n\n{{ registry.enterprizes }}\n", encoding="utf-8")
    (problem,) = problems_of(make_docx(tmp_path / "t.docx", plain('{{p "body.md.j2" | body }}')))
    assert "'registry.enterprizes' is not in the data" in problem.message
    assert "body.md.j2:3" in problem.message


# --- the example ---------------------------------------------------------------------------


def test_word_template_example_builds_with_the_summary_text(tmp_path: Path, built: Path) -> None:
    """examples/word-template: the office's 红头 saved by LibreOffice (organ mark in a text box),
    the body from the shipped summary template; its body paragraphs are those of the text-template
    example's summary, a table has a row per founded organisation, and the letter around them is
    the built-in letter's."""
    import zipfile

    import yaml
    from conftest import DATA, EXAMPLE, REPORT_NAME, SUMMARY_NAME, body_texts
    from openxml_audit import OpenXmlValidator

    from reportgen.check import check_file

    project = EXAMPLE.parent / "word-template"
    code, _stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path))
    assert code == 0, stderr
    out = tmp_path / REPORT_NAME
    word = body_texts(out)
    summary = body_texts(built / SUMMARY_NAME)
    first = next(i for i, t in enumerate(summary) if t.startswith("2020年以来"))
    last = next(i for i, t in enumerate(summary) if t.startswith("4.强化工作宣传"))
    start = word.index(summary[first])
    assert word[start:start + last - first + 1] == summary[first:last + 1]
    letter = body_texts(built / REPORT_NAME)
    body = letter.index("现随文报来《2020年宝鸡市互联网企业党建工作总结》，请审阅。")
    assert word[:start] == letter[:body]
    # Then the table of founded organisations, a row each from the data ({%tr for %}).
    founded = yaml.safe_load(DATA.read_text(encoding="utf-8"))["founded"]
    table = ["序号", "新成立的网络社会组织", "同步建立党组织"]
    for n, org in enumerate(founded, 1):
        table += [str(n), org["name"], "是" if org["party_org"] else "否"]
    rest = word[start + last - first + 1:]
    assert rest[:len(table)] == table
    # LibreOffice keeps a line break where reportgen ends the date line; the text is the same.
    assert [t.strip() for t in rest[len(table):]] == [
        t.replace("抄送：市委组织部", "抄送：市委组织部。") for t in letter[body + 1:]]
    # The organ mark sits in a text box, as offices keep their 红头, and still prints once.
    assert word.count("中共宝鸡市委网信办") == 2  # the mark and the signature
    assert b"txbxContent" in zipfile.ZipFile(project / "红头模板.docx").read("word/document.xml")
    assert check_file(out).errors == 0
    assert OpenXmlValidator().validate(str(out)).errors == []


def test_word_text_box_kept_twice_is_rendered_twice_and_reported_once(tmp_path: Path) -> None:
    good = para(split(["{{ document.", "organ }}"], (PROOF_START,)))
    out = render(make_docx(tmp_path / "t.docx", word_text_box(good) + plain("正文")))
    assert texts(part_xml(out)).count("中共宝鸡市委网信办") == 2  # the DrawingML copy and the VML copy
    bad = para(split(["{{ document.orga", "n_mark }}"]))
    body = word_text_box(plain("一") + bad) + word_text_box(plain("{{ yaer }}")) + plain("正文")
    problems = problems_of(make_docx(tmp_path / "t.docx", body))
    assert [where(p).split("「")[0] for p in problems] == ["t.docx 正文文本框1第2段",
                                                          "t.docx 正文文本框2第1段"]
    assert problems[0].hint == "did you mean document.organ?"


def test_empty_values_are_all_reported(tmp_path: Path) -> None:
    data = {**values(), "registry": {"enterprises": None, "social_orgs": None}}
    body = (plain("企业{{ registry.enterprises }}户") + plain("组织{{ registry.social_orgs }}个")
            + plain("{{ yaer }}"))
    problems = problems_of(make_docx(tmp_path / "t.docx", body), data)
    assert [p.message for p in problems] == ["'registry.enterprises' is empty in the data",
                                             "'registry.social_orgs' is empty in the data",
                                             "'yaer' is not in the data"]
    assert [where(p).split("「")[0] for p in problems] == ["t.docx 正文第1段", "t.docx 正文第2段",
                                                          "t.docx 正文第3段"]


def test_a_table_without_grid(tmp_path: Path) -> None:
    body = table([[split(["{%tr for f in founded %}"])], [split(["{{ f.name }}"])],
                  [split(["{%tr endfor %}"])]])
    body = body.replace('<w:tblGrid><w:gridCol w:w="3000"/></w:tblGrid>', "")
    root = part_xml(render(make_docx(tmp_path / "t.docx", body)))
    assert [texts(tc)[0] for tc in root.iter(f"{W}tc")] == [
        "宝鸡市网红扶贫公益联合会", "宝鸡市新青年新媒体发展中心", "宝鸡市电子商务协会"]


@pytest.mark.parametrize("tag", ["{{p document.organ }}", "{{r document.organ }}", "{{tc document.organ }}"])
def test_docxtpl_object_forms_of_a_value_are_refused(tmp_path: Path, tag: str) -> None:
    """docxtpl's {{p }} / {{r }} insert a Python object's XML (subdoc, RichText); data are text."""
    (problem,) = problems_of(make_docx(tmp_path / "t.docx", plain("前" + tag)))
    assert "puts XML in the document" in problem.message
    assert where(problem) == f"t.docx 正文第1段「前{tag}」"


def test_a_template_that_passes_check_gives_a_document_that_passes(tmp_path: Path, built: Path) -> None:
    """reportgen's own 公文 with tags typed into it: rendered, it is the same 公文 to the checker."""
    from conftest import REPORT_NAME, body_texts

    from reportgen import spec
    from reportgen.check import check_file

    original = built / REPORT_NAME
    with zipfile.ZipFile(original) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["word/document.xml"].decode()
    for text, tag in (("2020年宝鸡市互联网企业党建工作总结", "{{ document.transmitted }}"),
                      (">省委网信办", ">{{ document.to }}")):
        assert text in xml
        xml = xml.replace(text, tag)
    parts["word/document.xml"] = xml.encode()
    template = tmp_path / "模板.docx"
    with zipfile.ZipFile(template, "w") as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    out = tmp_path / "o.docx"
    code, _stdout, stderr = run_cli("render", str(template), str(DATA), "-o", str(out))
    assert code == 0, stderr
    assert body_texts(out) == body_texts(original)
    before = check_file(template, spec.DEFAULT_STYLE)
    after = check_file(out, spec.DEFAULT_STYLE)
    assert before.errors == after.errors == 0
    assert [f.rule for f in after.findings] == [f.rule for f in before.findings]


def test_rollup_reaches_word_templates(tmp_path: Path) -> None:
    """Totals summed from the districts' files, and `districts` for a row per district."""
    from conftest import ROLLUP, copy_project, edit_file

    project = copy_project(ROLLUP, tmp_path)
    make_docx(project / "汇总.docx",
              plain("全市互联网企业{{ registry.enterprises }}户")
              + table([[run("县区")], [split(["{%tr for d in districts %}"])],
                       [split(["{{ d.na", "me }}：{{ d.registry.enterprises }}户"])],
                       [split(["{%tr endfor %}"])]]))
    edit_file(project / "reportgen.yaml", "template: rollup.md.j2", "template: 汇总.docx")
    code, _stdout, stderr = run_cli("build", str(project), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    (out,) = (tmp_path / "out").glob("*.docx")
    root = part_xml(out.read_bytes())
    assert texts(root)[0] == "全市互联网企业27户"
    assert [texts(tr)[0] for tr in root.iter(f"{W}tr")] == ["县区", "甲区：12户", "乙县：9户", "丙县：6户"]


def test_unknown_names_in_statements_are_located(tmp_path: Path) -> None:
    body = (plain("开头") + para(split(["{%p if registry.enterp", "rizes > 3 %}"])) + plain("有")
            + plain("{%p endif %}")
            + table([[run("名称")], [split(["{%tr for f in found", "ed_orgs %}"])], [split(["{{ f.name }}"])],
                     [split(["{%tr endfor %}"])]]))
    problems = problems_of(make_docx(tmp_path / "t.docx", body))
    assert [(where(p), p.hint) for p in problems] == [
        ("t.docx 正文第2段「{%p if registry.enterprizes > 3 %}」", "did you mean registry.enterprises?"),
        ("t.docx 正文表格1第2行第1列「{%tr for f in founded_orgs %}」", "did you mean founded?"),
    ]


def with_footnote(path: Path, footnote: str) -> Path:
    """Add a footnote part (as Word writes it: separators, then the note) referenced from the body."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["word/footnotes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NS}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
        f'</w:p></w:footnote><w:footnote w:id="1">{footnote}</w:footnote></w:footnotes>').encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/footnotes" Target="footnotes.xml"/></Relationships>')).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>", (
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.footnotes+xml"/></Types>')).encode()
    doc = parts["word/document.xml"].decode()
    parts["word/document.xml"] = doc.replace(
        "</w:t></w:r></w:p>", '</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>', 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return path


def test_tags_in_footnotes(tmp_path: Path) -> None:
    note = para(split(["数据截至{{ year }}年", "底，共{{ registry.", "enterprises }}户。"], (PROOF_START,)))
    template = with_footnote(make_docx(tmp_path / "t.docx", plain("正文")), note)
    out = render(template)
    assert "数据截至2020年底，共31户。" in texts(part_xml(out, "word/footnotes.xml"))
    bad = para(split(["共{{ registry.enterpri", "zes }}户"]))
    template = with_footnote(make_docx(tmp_path / "t.docx", plain("正文")), bad)
    (problem,) = problems_of(template)
    assert where(problem) == "t.docx 脚注1第1段「共{{ registry.enterprizes }}户」"


@pytest.mark.parametrize("damage", ["bomb", "doctype", "encrypted", "device"])
def test_a_hostile_word_template_is_refused_with_its_name(tmp_path: Path, data_file: Path,
                                                         damage: str) -> None:
    """A Word template is read with the same caps as any .docx reportgen reads (reportgen.ooxml)."""
    import zipfile

    template = make_docx(tmp_path / "t.docx", plain("企业{{ registry.enterprises }}户"))
    if damage == "device":
        template.unlink()
        template.symlink_to("/dev/zero")
    else:
        with zipfile.ZipFile(template) as zf:
            parts = {info: zf.read(info) for info in zf.infolist()}
        with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in parts.items():
                if damage == "doctype" and info.filename == "word/document.xml":
                    data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1)
                zf.writestr(info.filename, data)
            if damage == "bomb":
                zf.writestr("word/media/huge.bin", b"\0" * (60 * 1024 * 1024))
        if damage == "encrypted":
            raw = bytearray(template.read_bytes())
            header = raw.find(b"PK\x03\x04")
            raw[header + 6] |= 1  # the general-purpose flag: encrypted
            central = raw.find(b"PK\x01\x02")
            raw[central + 8] |= 1
            template.write_bytes(bytes(raw))
    out = tmp_path / "out.docx"
    code, stdout, stderr = run_cli("render", str(template), str(data_file), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert "t.docx" in stderr and not out.exists()
    needle = {"bomb": "more than", "doctype": "DOCTYPE", "encrypted": "encrypted",
              "device": "not a regular file"}
    assert needle[damage] in stderr, stderr


def _with_styles(template: Path, edit: dict[str, str]) -> None:
    """Give styles of the template (by w:name) the East Asian font an office would set; a value
    "numbered" also gives the style its own list numbering."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(template) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    root = etree.fromstring(parts["word/styles.xml"])
    for style in root.iter(f"{W}style"):
        name = style.find(f"{W}name").get(f"{W}val").lower()  # Word writes "heading 1"
        if name not in edit:
            continue
        rpr = style.find(f"{W}rPr")
        if rpr is None:
            rpr = etree.SubElement(style, f"{W}rPr")
        fonts = rpr.find(f"{W}rFonts")
        if fonts is None:
            fonts = etree.SubElement(rpr, f"{W}rFonts")
            rpr.insert(0, fonts)
        fonts.set(f"{W}eastAsia", edit[name].split()[0])
        fonts.attrib.pop(f"{W}eastAsiaTheme", None)  # as Word does when a font is chosen
        if edit[name].endswith("numbered"):
            ppr = style.find(f"{W}pPr")
            if ppr is None:
                ppr = etree.SubElement(style, f"{W}pPr")
                style.find(f"{W}name").addnext(ppr)
            etree.SubElement(ppr, f"{W}numPr")
    parts["word/styles.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_body_block_takes_the_templates_own_styles(tmp_path: Path, data_file: Path) -> None:
    """Styles the office set up for Chinese text (an East Asian font of their own) format the
    body block; a role without one, and a heading style with its own numbering, keep GB/T 9704's."""
    (tmp_path / "body.md.j2").write_text(BODY_MARKUP, encoding="utf-8")
    template = make_docx(tmp_path / "模板.docx", para(split(['{{p "body.md.j2" ', "| body }}"])))
    _with_styles(template, {"heading 1": "黑体", "normal": "仿宋_GB2312", "heading 2": "楷体 numbered"})
    out = tmp_path / "o.docx"
    code, _stdout, stderr = run_cli("render", str(template), str(data_file), "-o", str(out))
    assert code == 0, stderr
    root = part_xml(out.read_bytes())
    by_text = {"".join(p.itertext()): p for p in root.iter(f"{W}p")}
    heading = by_text["一、高度重视，精心部署"]
    assert heading.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Heading1"
    assert heading.find(f"{W}pPr")[0].tag == f"{W}pStyle"  # first, as the schema orders it
    fonts = heading.find(f".//{W}r/{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}eastAsia") is None  # the style names the East Asian font: it decides
    assert fonts.get(f"{W}ascii") == "黑体"  # it names no Latin font: GB/T's stays
    spacing = heading.find(f"{W}pPr/{W}spacing")  # it sets space before and after, not the line
    assert spacing.get(f"{W}before") is None and spacing.get(f"{W}line") == "579"
    body = by_text["全市有互联网企业31户，一是加强领导。"]
    assert body.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Normal"
    assert run_with(root, "一是").find(f"{W}rPr/{W}b") is not None  # bold is the text's own
    numbered = by_text["（一）认真开展调研。调研内容。"]  # Heading 2 numbers itself: not taken
    assert numbered.find(f"{W}pPr/{W}pStyle") is None
    assert numbered.find(f".//{W}rFonts").get(f"{W}eastAsia") == "楷体_GB2312"


def test_stock_heading_styles_are_not_taken(tmp_path: Path) -> None:
    """python-docx's and Word's stock headings (theme fonts, blue) never replace GB/T's."""
    from reportgen.wordtemplate import _own_styles

    template = make_docx(tmp_path / "t.docx", plain("x"))
    import zipfile

    with zipfile.ZipFile(template) as zf:
        assert _own_styles(zf.read("word/styles.xml")) == {}


def test_word_template_example_announces_the_pages_libreoffice_prints(tmp_path: Path) -> None:
    """The page count printed after a build is the rendered package read back as a 公文 (版头,
    headings, the table, 版记) and laid out on the grid: the example prints 8 pages, which a count
    of its plain paragraphs (7) missed."""
    import pdfplumber
    from conftest import EXAMPLE, build_pdf

    announced, pdf = build_pdf(EXAMPLE.parent / "word-template", tmp_path)
    with pdfplumber.open(pdf) as printed_pdf:
        printed = len(printed_pdf.pages)
    assert announced == printed == 8
