"""``reportgen format``: drafts typed in Word re-set in GB/T 9704, and no character of them lost.

The drafts are made here with python-docx as a colleague types them in Word: the default
template (Calibri, 宋体, Letter paper), headings numbered by hand or by Word's list numbering, a
bold run-in phrase, a table, a signature and a date typed right-aligned, 抄送 and 印发 typed at
the end. Our own documents are formatted too: formatting them again changes no text.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE, KITCHEN_SINK, W, assert_clean_failure, docx_xml, para_starting, run_cli

from reportgen.batch import project_jobs, render_job_document
from reportgen.check import check_file, read_document
from reportgen.project import load_project
from reportgen.reformat import Rewrite, compare_text, document_text, draft_text, reformat, squeeze

# --- drafts as colleagues type them ---------------------------------------------------------------


def _default():  # type: ignore[no-untyped-def]
    from docx import Document

    return Document()


def _centred(d, text: str, size: int = 18, bold: bool = True):  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = d.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _right(d, text: str):  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = d.add_paragraph(text)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return p


NOTICE_TITLE = "关于做好2024年网络安全宣传周工作的通知"
RUN_IN = "一是压实责任。"


def notice(path: Path, table: bool = True) -> Path:
    """A 通知 typed by hand: 一、 and （一） typed, a run-in 1. heading, a bold 一是, a table,
    signature and date right-aligned, 抄送 and 印发 at the end."""
    d = _default()
    _centred(d, NOTICE_TITLE)
    d.add_paragraph("各县区委网信办，市级有关部门：")
    d.add_paragraph("为深入贯彻落实网络安全法，现就做好2024年网络安全宣传周工作通知如下。")
    d.add_paragraph("一、总体要求")
    d.add_paragraph("坚持以人民为中心，突出网络安全为人民、网络安全靠人民的主题。")
    d.add_paragraph().add_run("（一）加强组织领导").bold = True  # bold by habit: not in the output
    p = d.add_paragraph()
    p.add_run(RUN_IN).bold = True
    p.add_run("各单位主要负责同志要亲自部署，确保各项活动落到实处。")
    d.add_paragraph("1.认真开展调研。按照全市统一部署，各县区要在9月10日前完成调研。")
    d.add_paragraph("2.做好总结评估。活动结束后5个工作日内报送总结。")
    d.add_paragraph("（二）丰富活动形式")
    d.add_paragraph("二、活动安排")
    d.add_paragraph("各活动的时间与地点如下表。")
    if table:
        cells = d.add_table(rows=3, cols=3)
        for r, row in enumerate([["活动", "时间", "地点"], ["开幕式", "9月9日", "市民中心"],
                                 ["网络安全博览会", "9月9日至15日", "会展中心"]]):
            for c, text in enumerate(row):
                cells.cell(r, c).text = text
    d.add_paragraph("三、工作要求")
    d.add_paragraph("请各单位于9月20日前将活动总结报送市委网信办。")
    _right(d, "中共宝鸡市委网信办")
    _right(d, "2024年8月20日")
    d.add_paragraph("抄送：市委宣传部、市公安局。")
    d.add_paragraph("中共宝鸡市委网信办               2024年8月21日印发")
    d.save(str(path))
    return path


def list_numbered(path: Path) -> Path:
    """Headings numbered by Word's list numbering (style 编号 List Number: 1. 2. 3.)."""
    d = _default()
    _centred(d, "关于报送2024年工作要点的通知")
    d.add_paragraph("各科室：")
    d.add_paragraph("现将有关事项通知如下。")
    for text in ("明确工作目标", "细化工作措施", "按时报送材料"):
        d.add_paragraph(text, style="List Number")
        d.add_paragraph(f"围绕{text}，各科室要结合实际抓好落实。")
    _right(d, "办公室")
    _right(d, "2024年3月5日")
    d.save(str(path))
    return path


def irregular(path: Path) -> Path:
    """一、 then 三、: the draft skips a number."""
    d = _default()
    _centred(d, "关于加强值班工作的通知")
    d.add_paragraph("各部门：")
    d.add_paragraph("一、提高认识")
    d.add_paragraph("值班工作事关大局。")
    d.add_paragraph("三、严格纪律")
    d.add_paragraph("值班人员不得擅自离岗。")
    _right(d, "2024年1月2日")
    d.save(str(path))
    return path


def with_extras(path: Path) -> Path:
    """A header, a line above the organ mark that is no 公文 element, a picture (the seal) between
    the signature and the date, and a 附注 typed without its brackets."""
    from docx.shared import Mm, RGBColor

    d = _default()
    d.sections[0].header.paragraphs[0].text = "内部资料 注意保存"
    d.add_paragraph("请于3月30日前反馈意见")
    _centred(d, "宝鸡市网信办文件", size=26).runs[0].font.color.rgb = RGBColor(0xFF, 0, 0)
    _centred(d, "宝网信发〔2024〕3号", size=16, bold=False)
    _centred(d, "关于召开季度例会的通知")
    d.add_paragraph("各部门：")
    d.add_paragraph("定于4月1日召开季度例会，请准时参加。")
    _right(d, "综合办公室")
    seal = tmp_png(path.with_suffix(".png"))
    d.add_paragraph().add_run().add_picture(str(seal), width=Mm(40))
    _right(d, "2024年3月25日")
    d.add_paragraph("联系人：王五，电话：0917-1234567")
    d.save(str(path))
    return path


def tmp_png(path: Path) -> Path:
    """A small red square (a seal stands for a picture here)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def signed(path: Path) -> Path:
    """A 文号 with its 签发人 under a title that names no 上行文 kind (情况说明)."""
    from docx.shared import RGBColor

    d = _default()
    _centred(d, "宝鸡市网信办", size=26).runs[0].font.color.rgb = RGBColor(0xFF, 0, 0)
    d.add_paragraph("宝网信〔2024〕5号\t\t签发人：张三")
    _centred(d, "关于网络安全检查的情况说明")
    d.add_paragraph("市委办公室：")
    d.add_paragraph("现将网络安全检查的情况说明如下。")
    _right(d, "宝鸡市网信办")
    _right(d, "2024年5月6日")
    d.save(str(path))
    return path


def with_attachments(path: Path) -> Path:
    """附件说明 typed under the body, and two attachments each after a page break."""
    d = _default()
    _centred(d, "关于举办网络安全培训班的通知")
    d.add_paragraph("各县区委网信办：")
    d.add_paragraph("定于6月举办网络安全培训班，请按附件要求报名。")
    d.add_paragraph("附件：1.培训安排")
    d.add_paragraph("      2.报名回执")
    _right(d, "市委网信办")
    _right(d, "2024年5月8日")
    d.add_page_break()
    d.add_paragraph("附件1")
    _centred(d, "培训安排")
    d.add_paragraph("培训为期两天，地点在市委党校。")
    d.add_page_break()
    d.add_paragraph("附件2")
    _centred(d, "报名回执")
    form = d.add_table(rows=2, cols=2)
    for c, text in enumerate(["单位", "姓名"]):
        form.cell(0, c).text = text
    d.save(str(path))
    return path


DRAFTS: dict[str, Callable[[Path], Path]] = {
    "notice": notice, "list_numbered": list_numbered, "irregular": irregular, "with_extras": with_extras,
    "signed": signed, "with_attachments": with_attachments}


def _format(draft: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("format", str(draft), "-o", str(out), *extra)


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every document of the shipped examples made from markup, built once (with its project)."""
    out = tmp_path_factory.mktemp("ours")
    found: dict[str, tuple[Path, Path]] = {}
    for project_dir in (EXAMPLE, KITCHEN_SINK):
        project = load_project(project_dir)
        for job in project_jobs(project, project.documents):
            if str(job.template).endswith(".docx"):
                continue
            rendered = render_job_document(job)
            path = out / f"{project_dir.name}-{job.name}.docx"
            path.write_bytes(rendered.docx_bytes())
            found[f"{project_dir.name}-{job.name}"] = (path, project_dir)
    return found


# --- what is recognised and how it is set -----------------------------------------------------


def test_a_hand_typed_notice_is_set_in_the_standard(tmp_path: Path) -> None:
    draft, out = notice(tmp_path / "草稿.docx"), tmp_path / "正式.docx"
    code, stdout, stderr = _format(draft, out, "--roles")
    assert code == 0, stderr
    assert "识别 elements found:" in stdout and "一级标题: 一、总体要求" in stdout
    assert "主送机关: 各县区委网信办，市级有关部门：" in stdout
    assert "抄送: 抄送：市委宣传部、市公安局。" in stdout
    assert f"{out} (" in stdout and "字 characters of the draft kept" in stdout
    doc = read_document(out).document
    assert doc.title == NOTICE_TITLE and doc.to == "各县区委网信办，市级有关部门："
    headings = [(b.level, b.number, "".join(r.text for r in b.runs)) for b in doc.blocks
                if type(b).__name__ == "Heading"]
    assert headings == [(1, "一、", "总体要求"), (2, "（一）", "加强组织领导"), (3, "1.", "认真开展调研。"),
                        (3, "2.", "做好总结评估。"), (2, "（二）", "丰富活动形式"), (1, "二、", "活动安排"),
                        (1, "三、", "工作要求")]
    table = next(b for b in doc.blocks if type(b).__name__ == "Table")
    assert [["".join(r.text for r in cell) for cell in row] for row in table.rows][2] == \
        ["网络安全博览会", "9月9日至15日", "会展中心"]
    assert table.header_rows == 1  # its first row reads as column headings: repeated, in 黑体
    assert doc.signature == "中共宝鸡市委网信办" and str(doc.date) == "2024-08-20"
    assert doc.cc == ["市委宣传部", "市公安局"] and doc.printer == "中共宝鸡市委网信办"
    assert str(doc.print_date) == "2024-08-21"
    # Our fonts and sizes, whatever the draft had (Calibri, 宋体, 18 pt bold).
    root = docx_xml(out)
    heading = para_starting(root, "一、")
    assert heading.find(f".//{W}rFonts").get(f"{W}eastAsia") == "黑体"
    body = para_starting(root, "坚持以人民为中心")
    assert body.find(f".//{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    assert body.find(f".//{W}sz").get(f"{W}val") == "32"
    title = para_starting(root, "关于做好")
    assert title.find(f".//{W}rFonts").get(f"{W}eastAsia") == "方正小标宋简体"
    # The bold 一是 stays bold; the 抄送 organs are separated by ， as the standard asks.
    run_in = next(r for r in para_starting(root, RUN_IN).iter(f"{W}r") if "".join(r.itertext()) == RUN_IN)
    assert run_in.find(f".//{W}b") is not None
    assert para_starting(root, "（一）").find(f".//{W}b") is None
    first_row = docx_xml(out).find(f".//{W}tbl/{W}tr")
    assert first_row.find(f"{W}trPr/{W}tblHeader") is not None
    assert first_row.find(f".//{W}rFonts").get(f"{W}eastAsia") == "黑体"
    assert "标题序号" not in stderr
    assert "第26段: 改写 rewritten: '市委宣传部、市公安局' → '市委宣传部，市公安局'" in stderr
    assert check_file(out).errors == 0


def test_word_list_numbers_are_printed_as_the_draft_shows_them(tmp_path: Path) -> None:
    draft, out = list_numbered(tmp_path / "d.docx"), tmp_path / "o.docx"
    code, _stdout, stderr = _format(draft, out)
    assert code == 0, stderr
    texts = [squeeze(t) for t in document_text(out).split("\n")]
    numbered = [t for t in texts if t[:2] in ("1.", "2.", "3.")]
    assert numbered == ["1.明确工作目标", "2.细化工作措施", "3.按时报送材料"]
    assert document_text(out).index("1.明确工作目标") < document_text(out).index("围绕明确工作目标")


def test_irregular_numbering_keeps_the_draft_s_numbers_with_a_warning(tmp_path: Path) -> None:
    draft, out = irregular(tmp_path / "d.docx"), tmp_path / "o.docx"
    code, _stdout, stderr = _format(draft, out)
    assert code == 0
    assert "标题序号不连续 heading numbers out of sequence at 1 headings" in stderr
    assert "第5段 '三、' for '二、'" in stderr
    headings = [b.number for b in read_document(out).document.blocks if type(b).__name__ == "Heading"]
    assert headings == ["一、", "三、"]


def test_what_cannot_be_placed_is_kept_and_named(tmp_path: Path) -> None:
    draft, out = with_extras(tmp_path / "d.docx"), tmp_path / "o.docx"
    code, stdout, stderr = _format(draft, out, "--roles")
    assert code == 0, stderr
    assert "第7段 发文机关署名: 综合办公室" in stdout and "第10段 附注: 联系人：王五" in stdout
    assert "页眉 header text not kept: 「内部资料 注意保存」" in stderr
    assert "第8段: 图片按印章放置 the picture is placed as the seal" in stderr
    assert "图片未保留" not in stderr
    assert "第1段: 未能作为公文要素排版 not placed as a 公文 element (未识别):" in stderr
    assert "「请于3月30日前反馈意见」" in stderr and "文字移位" not in stderr  # said once
    assert "kept as body text 正文之首 at the start of the body" in stderr
    doc = read_document(out).document
    assert "".join(r.text for r in doc.blocks[0].runs) == "请于3月30日前反馈意见"
    assert doc.organ_mark == "宝鸡市网信办文件" and doc.doc_number == "宝网信发〔2024〕3号"
    assert doc.signature == "综合办公室" and doc.note == "联系人：王五，电话：0917-1234567"
    assert "（联系人：王五，电话：0917-1234567）" in document_text(out)
    assert "内部资料" not in document_text(out)


def test_attachments_each_start_a_page(tmp_path: Path) -> None:
    draft, out = with_attachments(tmp_path / "d.docx"), tmp_path / "o.docx"
    code, _stdout, stderr = _format(draft, out)
    assert code == 0 and "未能作为公文要素排版" not in stderr, stderr
    doc = read_document(out).document
    assert doc.attachment_note == ["培训安排", "报名回执"]
    assert [a.title for a in doc.attachments] == ["培训安排", "报名回执"]
    assert "".join(r.text for r in doc.attachments[0].blocks[0].runs) == "培训为期两天，地点在市委党校。"
    assert type(doc.attachments[1].blocks[0]).__name__ == "Table"
    assert check_file(out).errors == 0


def _text_box(paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
        '<v:shape style="width:100pt;height:30pt"><v:textbox>'
        f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>"
        "</w:pict></w:r>"))


def test_text_boxes_are_kept_or_named(tmp_path: Path) -> None:
    d = _default()
    _centred(d, "关于开展安全检查的通知")
    d.add_paragraph("各部门：")
    _text_box(d.add_paragraph("请于本周内完成自查。"), "阅后归还")
    _text_box(d.add_paragraph(), "★")
    _right(d, "2024年4月1日")
    draft, out = tmp_path / "d.docx", tmp_path / "o.docx"
    d.save(str(draft))
    code, _stdout, stderr = _format(draft, out)
    assert code == 0, stderr
    assert "阅后归还" in document_text(out)
    assert "未读入的字符 characters the reader did not take" in stderr and "「★」" in stderr


def test_signers_are_printed_whatever_the_title_says(tmp_path: Path) -> None:
    draft, out = signed(tmp_path / "d.docx"), tmp_path / "o.docx"
    code, _stdout, stderr = _format(draft, out)
    assert code == 0 and "未能作为公文要素排版" not in stderr, stderr
    doc = read_document(out).document
    assert doc.doc_number == "宝网信〔2024〕5号" and doc.signers == ["张三"]
    jc = para_starting(docx_xml(out), "宝网信〔2024〕5号").find(f".//{W}jc")
    assert jc is None or jc.get(f"{W}val") in ("left", "start", "both")  # left, 居左空一字


def test_a_date_in_chinese_numerals_is_rewritten_and_said(tmp_path: Path) -> None:
    d = _default()
    _centred(d, "关于节日值班的通知")
    d.add_paragraph("各科室：")
    d.add_paragraph("请做好节日值班工作。")
    _right(d, "办公室")
    _right(d, "二〇二四年一月二日")
    draft, out = tmp_path / "d.docx", tmp_path / "o.docx"
    d.save(str(draft))
    code, stdout, stderr = _format(draft, out)
    assert code == 0, stderr
    assert "改写 rewritten: '二〇二四年一月二日' → '2024年1月2日'" in stderr and "[7.3.5]" in stderr
    assert "2024年1月2日" in document_text(out) and "二〇二四" not in document_text(out)
    assert "35/35 字 characters of the draft kept" in stdout  # 9 + 4 + 10 + 3 + 9 (2024年1月2日)


def test_a_paper_that_is_no_gongwen_is_set_with_a_warning(tmp_path: Path) -> None:
    d = _default()
    d.add_paragraph("Meeting notes")
    d.add_paragraph("The panel met on Monday and agreed on the agenda for the next session.")
    draft, out = tmp_path / "d.docx", tmp_path / "o.docx"
    d.save(str(draft))
    code, _stdout, stderr = _format(draft, out)
    assert code == 0 and "这不像公文 the draft does not read as a 公文" in stderr
    assert squeeze(document_text(out)) == squeeze(document_text(draft))


def test_a_title_that_mentions_a_seal_is_a_title(tmp_path: Path) -> None:
    d = _default()
    _centred(d, "图片和印章占位样例")
    d.add_paragraph("下方为印章图片。")
    _centred(d, "（盖章）", size=12, bold=False)
    draft = tmp_path / "d.docx"
    d.save(str(draft))
    roles = [(p.text, r.role) for p, r in ((p, read_document(draft).structure.roles[p.index])
                                           for p in read_document(draft).view.paras)]
    assert roles[0] == ("图片和印章占位样例", "title") and roles[-1] == ("（盖章）", "seal")


# --- no text lost -------------------------------------------------------------------------------


def test_compare_text_finds_missing_and_moved_characters() -> None:
    same = compare_text("一、总体\n要求", "一、 总体要求 ")
    assert same.missing == [] and same.input_chars == 6
    assert compare_text("抄送：甲。", "抄送：甲。附加").missing == []  # the output may hold more
    lost = compare_text("甲乙丙丁", "甲丁")
    assert lost.missing == ["乙丙"] and lost.lost == ["乙丙"] and lost.missing_chars == 2
    moved = compare_text("甲乙丙丁", "丙丁甲乙")
    assert moved.missing and moved.lost == [] and sum(map(len, moved.moved)) == 2


def test_declared_rewrites_apply_in_their_own_paragraph(tmp_path: Path) -> None:
    from reportgen.check.docxread import read_docx

    d = _default()
    d.add_paragraph("（1）在前")
    d.add_paragraph("(1)在后")
    path = tmp_path / "d.docx"
    d.save(str(path))
    paras = read_docx(path).paras
    text = draft_text(paras, [Rewrite("(1)", "（1）", 2, "heading number form")])
    assert text == "（1）在前\n（1）在后"


@pytest.mark.parametrize("name", sorted(DRAFTS))
def test_no_character_of_a_draft_is_lost(name: str, tmp_path: Path) -> None:
    draft, out = DRAFTS[name](tmp_path / "d.docx"), tmp_path / "o.docx"
    code, _stdout, stderr = _format(draft, out)
    assert code == 0, stderr
    formatted = reformat(draft)
    result = compare_text(draft_text(formatted.read.view.paras, formatted.rewrites), document_text(out))
    assert result.lost == [] and result.input_chars > 0
    # Only what the command said it moved is out of its place.
    assert result.moved == (["请于3月30日前反馈意见"] if name == "with_extras" else [])


def test_formatting_our_own_documents_is_a_fixpoint(ours: dict[str, tuple[Path, Path]],
                                                    tmp_path: Path) -> None:
    """Set in its project's house style, each of our documents comes back with the same text, passes
    every check, and formatting it again gives the same bytes."""
    assert len(ours) >= 4
    for name, (path, project) in ours.items():
        once = tmp_path / f"{name}-1.docx"
        code, _stdout, stderr = _format(path, once, "--project", str(project))
        assert code == 0, f"{name}: {stderr}"
        assert "未能作为公文要素排版" not in stderr, f"{name}: {stderr}"
        assert squeeze(document_text(once)) == squeeze(document_text(path)), name
        assert check_file(once, load_project(project).style).errors == 0, name
        twice = tmp_path / f"{name}-2.docx"
        assert _format(once, twice, "--project", str(project))[0] == 0
        assert twice.read_bytes() == once.read_bytes(), name


def test_text_that_would_be_lost_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen import reformat as module

    draft, out = notice(tmp_path / "d.docx"), tmp_path / "o.docx"
    original = module.Formatted.docx_bytes

    def dropping(self: module.Formatted) -> bytes:
        self.plan.items = [item for item in self.plan.items if not item.text.startswith("为深入")]
        return original(self)

    monkeypatch.setattr(module.Formatted, "docx_bytes", dropping)
    code, stdout, stderr = _format(draft, out)
    assert_clean_failure(code, stdout, stderr)
    assert "格式化会丢失文字 formatting would lose" in stderr and "为深入贯彻落实网络安全法" in stderr
    assert not out.exists() and not list(tmp_path.glob(".reportgen-*"))


# --- --check, bad input -----------------------------------------------------------------------


def test_check_prints_the_report_of_the_result(tmp_path: Path) -> None:
    draft, out = notice(tmp_path / "d.docx"), tmp_path / "o.docx"
    code, stdout, stderr = _format(draft, out, "--check")
    assert code == 0, stderr
    assert f"{out}: 0 个错误 errors" in stdout
    d = _default()
    _centred(d, "关于调整值班安排的通知")
    d.add_paragraph("各科室：")
    d.add_paragraph("自下周起调整值班安排。")
    undated, result = tmp_path / "undated.docx", tmp_path / "undated-out.docx"
    d.save(str(undated))
    code, stdout, _stderr = _format(undated, result, "--check")
    assert code == 1 and result.exists()  # written; the check of it finds no 成文日期
    assert "[date.missing]" in stdout


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file's signature (.doc, encrypted .docx)


def _encrypted(path: Path) -> None:
    # The start of a compound file holding MS-OFFCRYPTO's EncryptedPackage stream.
    path.write_bytes(OLE + bytes(504) + "EncryptedPackage".encode("utf-16-le")
                     + bytes(1024))


BAD = {
    "text": (lambda p: p.write_text("一、总体要求", encoding="utf-8"), "不是 .docx 文件 not a .docx file"),
    "empty": (lambda p: p.write_bytes(b""), "空文件 the file is empty (0 bytes)"),
    "broken-zip": (lambda p: p.write_bytes(notice(p).read_bytes()[:3000]), "not a .docx file"),
    "doc": (lambda p: p.write_bytes(OLE + bytes(2048)), "saved as .docx first"),
    "encrypted": (_encrypted, "文档已加密 the document is encrypted"),
    "xlsx": (lambda p: _xlsx(p), "不是 Word 文档 not a Word document"),
}


PKG = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", f'<Types xmlns="{PKG}/content-types">'
                    f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET}"/></Types>')
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{PKG}/relationships">'
                    f'<Relationship Id="r1" Type="{OFFICE}" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", "<workbook/>")


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_drafts_are_refused_cleanly(kind: str, tmp_path: Path) -> None:
    make, message = BAD[kind]
    draft = tmp_path / ("draft.doc" if kind == "doc" else "draft.docx")
    make(draft)
    out = tmp_path / "out.docx"
    code, stdout, stderr = _format(draft, out)
    assert_clean_failure(code, stdout, stderr)
    assert message in stderr and str(draft) in stderr
    assert not out.exists() and not list(tmp_path.glob(".reportgen-*"))


def test_the_output_is_never_the_input_nor_clobbered(tmp_path: Path) -> None:
    draft = notice(tmp_path / "d.docx")
    before = draft.read_bytes()
    code, stdout, stderr = _format(draft, draft, "--force")
    assert_clean_failure(code, stdout, stderr)
    assert "is an input of this command" in stderr and draft.read_bytes() == before
    out = tmp_path / "o.docx"
    out.write_bytes(b"my own edits")
    code, stdout, stderr = _format(draft, out)
    assert_clean_failure(code, stdout, stderr)
    assert "already exists" in stderr and "--force" in stderr and out.read_bytes() == b"my own edits"
    code, _stdout, stderr = _format(draft, out, "--force")
    assert code == 0, stderr
    assert zipfile.is_zipfile(out)
    code, stdout, stderr = _format(draft, tmp_path / "o.pdf")
    assert_clean_failure(code, stdout, stderr)
    assert "does not end in .docx" in stderr and not (tmp_path / "o.pdf").exists()


def test_help_shows_an_example() -> None:
    code, stdout, _stderr = run_cli("format", "--help")
    assert code == 0 and "reportgen format 草稿.docx -o 正式.docx" in stdout


# --- on paper -----------------------------------------------------------------------------------


def test_a_formatted_draft_prints_on_paper_where_the_layout_puts_it(tmp_path: Path) -> None:
    """LibreOffice prints every line of the formatted notice (without its table, which the line
    comparison does not read) on the page and grid row the layout gave it; the first body line's
    baseline lies in its row of the 22-line grid, and the page numbers are "— 1 —" where GB/T 9704
    puts them (the 版记 on page 2, the last even page)."""
    import shutil

    import pdfplumber
    from pdfmeasure import (
        AREA_BOTTOM,
        AREA_TOP,
        compare_breaks,
        find_line,
        footer_lines,
        page_number_problems,
        text_lines,
    )

    from reportgen import spec

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    draft, out = notice(tmp_path / "d.docx", table=False), tmp_path / "o.docx"
    code, stdout, stderr = _format(draft, out, "--pdf")
    assert code == 0, stderr
    assert f"pdf: {tmp_path / 'o.pdf'}" in stdout
    laid = reformat(draft).plan
    pitch = spec.LINE_PITCH / 20
    first_body = next(item for item in laid.items if item.role == "body")
    with pdfplumber.open(tmp_path / "o.pdf") as pdf:
        assert len(pdf.pages) == laid.pages == 2
        paragraphs = compare_breaks(laid, pdf, pitch)
        wrong = [p for p in paragraphs if not p.same]
        assert len(paragraphs) >= 15 and not wrong, wrong
        page, row = first_body.positions[0]
        line = find_line(text_lines(pdf.pages[page - 1], bottom_limit=AREA_BOTTOM), "为深入贯彻落实")
        assert AREA_TOP + (row - 1) * pitch < line.baseline <= AREA_TOP + row * pitch
        assert row == 4  # title, blank line, 主送, then the body
        for number, page in enumerate(pdf.pages, 1):
            assert [f.stripped for f in footer_lines(page)] == [f"—{number}—"]
            assert page_number_problems(page) == []


def test_a_field_read_twice_from_one_paragraph_is_kept_once(tmp_path: Path) -> None:
    """A 命令 template's 令号 line with blanks (第  号) is read as the 文号 and its 签发人 line; the
    layout cannot print it as typed, so it stays body text — once, and formatting again is stable."""
    from docx.shared import Pt, RGBColor

    d = _default()
    mark = _centred(d, "XXXX人民政府令", size=36)
    mark.runs[0].font.color.rgb = RGBColor(0xFF, 0, 0)
    _centred(d, "第  号", size=16, bold=False)
    d.add_paragraph("[此处输入正文内容]")
    _right(d, "[市长]  XXX")
    _right(d, "2020年2月19日")
    for p in d.paragraphs:
        for run in p.runs:
            run.font.size = run.font.size or Pt(16)
    draft, first, second = tmp_path / "d.docx", tmp_path / "a.docx", tmp_path / "b.docx"
    d.save(str(draft))
    code, _stdout, stderr = _format(draft, first)
    assert code == 0, stderr
    assert stderr.count("「第  号」") <= 1
    assert squeeze(document_text(first)).count("第号") == 1
    code, _stdout, stderr = _format(first, second)
    assert code == 0, stderr
    assert squeeze(document_text(second)) == squeeze(document_text(first))


def test_a_seal_picture_is_put_back_over_the_signature_and_date(tmp_path: Path) -> None:
    """A seal picture between the signature and the date comes out with the same bytes, floating in
    front of the text, centred on the date and a little above the two lines [7.3.5.1]; the lines
    stay where the layout put them. A picture in the body is no seal: it is named, not carried."""
    import shutil

    import pdfplumber

    from reportgen.writers.pdf import convert

    draft, out = with_extras(tmp_path / "d.docx"), tmp_path / "o.docx"
    code, _stdout, stderr = _format(draft, out)
    assert code == 0, stderr
    with zipfile.ZipFile(out) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert media == ["word/media/seal1.png"]
        assert zf.read(media[0]) == (tmp_path / "d.png").read_bytes()
        xml = zf.read("word/document.xml").decode()
    assert xml.count("<wp:anchor") == 1 and "<wp:wrapNone/>" in xml and 'r:embed="rIdSeal1"' in xml
    assert check_file(out).errors == 0
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not on PATH")
    (pdf,) = convert([out], tmp_path / "pdf")
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[-1]
        (image,) = page.images
        words = page.extract_words()
    mm = 25.4 / 72
    date = next(w for w in words if w["text"].startswith("2024年3月25日"))
    signature = next(w for w in words if w["text"].startswith("综合办公室"))
    centre_x = (image["x0"] + image["x1"]) / 2
    centre_y = (image["top"] + image["bottom"]) / 2
    assert abs(centre_x - (date["x0"] + date["x1"]) / 2) * mm < 1.0
    assert abs((image["x1"] - image["x0"]) * mm - 40) < 0.5
    # the two lines below the seal's centre, inside the seal
    assert image["top"] < signature["top"] and date["bottom"] < image["bottom"]
    assert centre_y < (signature["top"] + date["bottom"]) / 2


def test_a_picture_in_the_body_is_no_seal(tmp_path: Path) -> None:
    from docx.shared import Mm

    d = _default()
    _centred(d, "关于召开季度例会的通知")
    d.add_paragraph("各部门：")
    d.add_paragraph().add_run().add_picture(str(tmp_png(tmp_path / "p.png")), width=Mm(40))
    d.add_paragraph("定于4月1日召开季度例会，请准时参加。")
    _right(d, "综合办公室")
    _right(d, "2024年3月25日")
    draft, out = tmp_path / "d.docx", tmp_path / "o.docx"
    d.save(str(draft))
    code, _stdout, stderr = _format(draft, out)
    assert code == 0, stderr
    assert "图片未保留 picture not kept" in stderr and "图片按印章放置" not in stderr
    with zipfile.ZipFile(out) as zf:
        assert not [n for n in zf.namelist() if n.startswith("word/media/")]
