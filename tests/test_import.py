"""reportgen import: a project from documents an office already has, and the round trip.

The documents imported are built here from our own examples (no outside files): the built
project must print the same text, paragraph by paragraph, and hold the same figures.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import (
    DATA,
    EXAMPLE,
    KITCHEN_SINK,
    REPORT_NAME,
    ROLLUP,
    SUMMARY_NAME,
    assert_clean_failure,
    body_texts,
    run_cli,
)

from reportgen.filters import approx
from reportgen.importer.figures import FactBook, scan
from reportgen.importer.project import literal_markup, literal_value
from reportgen.importer.textread import parse_text
from reportgen.markup import parse
from reportgen.model import MERGE_LEFT, MERGE_UP, Attachment, Document, Heading, Paragraph, Run, Table
from reportgen.writers.markup import write


def squeeze(texts: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", t) for t in texts]


def import_and_build(tmp_path: Path, inputs: list[Path], *extra: str) -> tuple[Path, Path, str]:
    project, out = tmp_path / "imported", tmp_path / "rebuilt"
    code, _stdout, stderr = run_cli("import", *map(str, inputs), "-o", str(project), *extra)
    assert code == 0, stderr
    code, _out, build_err = run_cli("build", str(project), "-o", str(out))
    assert code == 0, build_err
    return project, out, stderr


def data_of(project: Path) -> dict:
    (data_file,) = (project / "data").glob("*.yaml")
    return yaml.safe_load(data_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def baoji(built: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The 2020 cover letter and summary, built from the example, imported and built again."""
    tmp = tmp_path_factory.mktemp("baoji-import")
    project, out, _ = import_and_build(tmp, [built / REPORT_NAME, built / SUMMARY_NAME])
    return project, out


# --- the round trip on the shipped example ----------------------------------------------------------

@pytest.mark.parametrize("name", [REPORT_NAME, SUMMARY_NAME])
def test_example_comes_back_paragraph_by_paragraph(built: Path, baoji: tuple[Path, Path], name: str) -> None:
    _project, out = baoji
    assert squeeze(body_texts(out / name)) == squeeze(body_texts(built / name))


def test_example_figures_are_the_example_data(baoji: tuple[Path, Path]) -> None:
    """Every figure of data/baoji-2020.yaml that the documents print is a fact, key names aside;
    the approximate ones hold the figure as printed (300余 → 300)."""
    project, _out = baoji
    source = yaml.safe_load(DATA.read_text(encoding="utf-8"))

    def printed_value(words: str) -> int:  # 300余 → 300, 170多万 → 1700000
        m = re.fullmatch(r"(\d+)[余多]?(万?)[余多]?", words)
        assert m, words
        return int(m[1]) * (10000 if m[2] else 1)

    expected = [source["document"]["number"], int(source["industry_committee"]["founded"].split("-")[1]),
                *source["registry"].values(), *source["party_orgs"].values(),
                len(source["founded"]), sum(f["party_org"] for f in source["founded"]),
                source["liaison"]["min_per_leader"], source["instructors"], source["work_model"],
                source["training"]["classes"], printed_value(approx(source["training"]["trainees"])),
                source["livestream"]["sessions"],
                printed_value(approx(source["livestream"]["orders"], 2, "万")),
                printed_value(approx(source["livestream"]["sales_yuan"], 2, "万")),
                source["model_sites"]["city"], source["model_sites"]["per_county_min"],
                source["staffing"]["county_min"], source["staffing"]["county_max"],
                source["document"]["date"], source["promotion_meeting"]]
    data = data_of(project)
    assert data.pop("year") == source["year"]
    assert Counter(map(repr, data.values())) == Counter(map(repr, expected))


def test_example_template_writes_years_and_approximations_as_expressions(baoji: tuple[Path, Path]) -> None:
    project, _out = baoji
    summary = (project / "summary.md.j2").read_text(encoding="utf-8")
    assert "力争{{ year + 1 }}年" in summary  # 2021 in a 2020 document
    assert "现就{{ year }}年度" in summary
    assert re.search(r"直接培训\{\{ \w+ \| approx\(1, marked=true\) }}人次", summary)
    assert re.search(r"扶贫带货\{\{ \w+ \| approx\(2, \"万\", marked=true\) }}单", summary)
    assert not re.search(r"(?<![{\w])\d", re.sub(r"\{\{.*?}}|\{#.*?#}|^#+ ", "", summary, flags=re.M | re.S))
    report = (project / "report.md.j2").read_text(encoding="utf-8")
    assert "宝网信办发〔\" ~ (year) ~ \"〕\" ~ (" in report


def test_example_sum_becomes_a_contract_rule(baoji: tuple[Path, Path], tmp_path: Path) -> None:
    project, _out = baoji
    contract = yaml.safe_load((project / "facts.contract.yaml").read_text(encoding="utf-8"))
    data = data_of(project)
    (rule,) = [r["rule"] for r in contract["rules"]]
    total, parts = rule.split(" == ")
    assert data[total] == 13 and sorted(data[p] for p in parts.split(" + ")) == [3, 10]
    assert contract["schema"]["properties"][total]["type"] == "integer"
    copy = tmp_path / "p"
    shutil.copytree(project, copy)
    (data_file,) = (copy / "data").glob("*.yaml")
    text = data_file.read_text(encoding="utf-8")
    data_file.write_text(re.sub(rf"^{total}: 13", f"{total}: 14", text, flags=re.M), encoding="utf-8")
    code, _stdout, stderr = run_cli("validate", str(copy))
    assert code == 1 and "rule not met" in stderr and total in stderr


def test_imported_project_validates_and_keeps_the_house_style(baoji: tuple[Path, Path]) -> None:
    project, _out = baoji
    code, _stdout, stderr = run_cli("validate", str(project))
    assert code == 0, stderr
    assert "no template uses" not in stderr
    config = yaml.safe_load((project / "reportgen.yaml").read_text(encoding="utf-8"))
    # The letter prints 抄送：市委组织部 without 。; the summary has no 抄送: the setting is the letter's.
    assert "style" not in config
    assert [d.get("style") for d in config["documents"]] == [{"cc_full_stop": False}, None]
    assert [d["output"] for d in config["documents"]] == ["宝网信办发〔{{ year }}〕{{ 发文字号_号 }}号.docx",
                                                          "{{ year }}年宝鸡市互联网企业党建工作总结.docx"]


def test_new_on_imported_data_gives_next_years_scaffold(baoji: tuple[Path, Path], tmp_path: Path) -> None:
    project, _out = baoji
    copy = tmp_path / "p"
    shutil.copytree(project, copy)
    (data_file,) = (copy / "data").glob("*-2020.yaml")
    code, _stdout, stderr = run_cli("new", str(data_file))
    assert code == 0, stderr
    scaffold = data_file.with_name(data_file.name.replace("2020", "2021")).read_text(encoding="utf-8")
    assert scaffold.splitlines()[2].startswith("year: 2021")
    line = next(x for x in scaffold.splitlines() if x.startswith("互联网企业_户:"))
    assert re.match(r"互联网企业_户:\s+# 2020: 31\s+# 「目前，全市符合登记条件的互联网企业31户", line)


def test_a_renamed_fact_is_reported_where_it_was_left(baoji: tuple[Path, Path], tmp_path: Path) -> None:
    """Renamed in the data and the contract but not in the template: an error at the template line;
    renamed in the template but not in the data: the old key is a fact no template uses."""
    project, _out = baoji
    copy = tmp_path / "p"
    shutil.copytree(project, copy)
    template = copy / "summary.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("{{ 党员_人 }}", "{{ 党员人数 }}"),
                        encoding="utf-8")
    code, _stdout, stderr = run_cli("validate", str(copy))
    assert code == 1 and "'党员人数' is not in the data" in stderr
    for path in [*(copy / "data").glob("*.yaml"), copy / "facts.contract.yaml"]:
        path.write_text(path.read_text(encoding="utf-8").replace("党员_人", "党员人数"), encoding="utf-8")
    code, _stdout, stderr = run_cli("validate", str(copy))
    assert code == 0 and "no template uses" not in stderr
    template.write_text(template.read_text(encoding="utf-8").replace("{{ 党员人数 }}", "{{ 党员总数 }}"),
                        encoding="utf-8")
    for path in [*(copy / "data").glob("*.yaml"), copy / "facts.contract.yaml"]:
        text = path.read_text(encoding="utf-8").replace("党员人数", "党员总数")
        path.write_text(text + ("旧名: 79\n" if path.suffix == ".yaml" and "data" in path.parts else ""),
                        encoding="utf-8")
    code, stdout, stderr = run_cli("validate", str(copy))
    assert code == 0 and re.search(r"\.yaml:\d+:1 旧名: no template uses this fact", stderr)
    code, stdout, _stderr = run_cli("validate", str(copy), "--strict")
    assert code == 1 and "✗ data: 1 警告 warnings" in stdout


# --- kitchen sink and plain text ----------------------------------------------------------------------

def test_a_style_of_one_input_stays_with_its_document(tmp_path: Path) -> None:
    """Joint documents with and without seals in one import: ``sealed: false`` and 文件 beside
    the stack are read from each file; the unsealed one's setting must not reach the sealed one."""
    source = tmp_path / "source"
    code, _stdout, stderr = run_cli("build", str(KITCHEN_SINK), "-o", str(source), "--doc", "joint-two",
                                    "--doc", "joint-stacked")
    assert code == 0, stderr
    project, out, _ = import_and_build(tmp_path, sorted(source.glob("*.docx")))
    config = yaml.safe_load((project / "reportgen.yaml").read_text(encoding="utf-8"))
    assert config["style"] == {"organ_mark_suffix": "文件"}
    styles = {d["output"]: d.get("style") for d in config["documents"]}
    assert styles == {"joint-stacked.docx": {"sealed": False}, "joint-two.docx": None}
    for name in styles:
        assert squeeze(body_texts(out / name)) == squeeze(body_texts(source / name)), name


def test_kitchen_sink_documents_come_back(tmp_path: Path) -> None:
    """Every element GB/T 9704 defines (份号, 密级, 紧急程度, signers, 附件说明, 附注, attachments, 版记,
    an article's subtitle and byline, joint marks and signatures, a 函 in 信函格式, a 命令 with its
    签发人职务, a 纪要 with its attendance lines), every document of the example in one project."""
    source = tmp_path / "source"
    code, _stdout, stderr = run_cli("build", str(KITCHEN_SINK), "-o", str(source))
    assert code == 0, stderr
    inputs = sorted(source.glob("*.docx"))
    documents = yaml.safe_load((KITCHEN_SINK / "reportgen.yaml").read_text(encoding="utf-8"))["documents"]
    assert len(inputs) == len(documents) >= 10
    project, out, _ = import_and_build(tmp_path, inputs)
    for path in inputs:
        assert squeeze(body_texts(out / path.name)) == squeeze(body_texts(path)), path.name
    config = yaml.safe_load((project / "reportgen.yaml").read_text(encoding="utf-8"))
    assert len({d["name"] for d in config["documents"]}) == len(inputs)
    fronts = "\n".join(p.read_text(encoding="utf-8") for p in project.glob("*.md.j2"))
    for key in ("format: 信函", "signature_title:", "attendance:", "organ_mark: ["):
        assert key in fronts or (key == "format: 信函" and "kind: \"函\"" in fronts), key


def test_plain_text_comes_back(built: Path, tmp_path: Path) -> None:
    """A .txt with one paragraph a line (as pasted from a PDF) imports as the .docx does."""
    inputs = []
    for name in (REPORT_NAME, SUMMARY_NAME):
        text = tmp_path / (Path(name).stem + ".txt")
        text.write_text("\n".join(body_texts(built / name)) + "\n", encoding="utf-8")
        inputs.append(text)
    project, out, _ = import_and_build(tmp_path, inputs)
    for name in (REPORT_NAME, SUMMARY_NAME):
        assert squeeze(body_texts(out / name)) == squeeze(body_texts(built / name))
    assert len(data_of(project)) == 29  # the same 28 facts as from the .docx, and year


def test_text_reader_elements() -> None:
    doc = parse_text("中共某某县委办公室文件\n某办发〔2024〕7号\n关于做好\n2024年某某工作的通知\n各乡镇：\n"
                     "现将有关事项通知如下。\n一、总体要求\n（一）工作目标\n1.摸清底数。全县共有企业120家。\n"
                     "附件：1.任务分工\n2.联系表\n中共某某县委办公室\n2024年3月5日\n（联系人：张三）\n"
                     "附件1\n任务分工\n各单位分工如下。\n抄送：县人大办，县政府办。\n"
                     "中共某某县委办公室 2024年3月6日印发\n")
    assert (doc.organ_mark, doc.doc_number, doc.title_lines, doc.to) == (
        "中共某某县委办公室文件", "某办发〔2024〕7号", ("关于做好", "2024年某某工作的通知"), "各乡镇：")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Heading", "Heading", "Heading"]
    heading = doc.blocks[3]
    assert isinstance(heading, Heading) and heading.number == "1."
    assert heading.tail[0].text == "全县共有企业120家。"
    assert doc.attachment_note == ["任务分工", "联系表"]
    assert (doc.signature, doc.date, doc.note) == ("中共某某县委办公室", dt.date(2024, 3, 5), "联系人：张三")
    assert [(a.title, a.blocks[0].text) for a in doc.attachments] == [("任务分工", "各单位分工如下。")]
    assert (doc.cc, doc.printer, doc.print_date) == (["县人大办", "县政府办"], "中共某某县委办公室",
                                                      dt.date(2024, 3, 6))
    assert doc.kind == "通知"


# --- text the markup or Jinja would misread -----------------------------------------------------------

def tricky_document() -> Document:
    return Document(
        kind="通知", title="关于{{做好}}**重点**工作的通知", to="各单位：",
        blocks=[
            Paragraph([Run("# 不是标题，| 不是表格 |，{% 不是标签 %}，{# 不是注释 #}，\\ 反斜杠，"),
                       Run("加粗", True), Run("，**星号**。")]),
            Paragraph([Run("::: 附件 不是附件")]),
            Paragraph([Run("---")]),
            Heading(2, "（一）", [Run("以句号结束的标题。")]),
            Paragraph([Run("这是标题下的另一段，不是标题的一部分。")]),
            Heading(3, "3.", [Run("跳过了编号的标题。")], [Run("其后的文字。")]),
            Heading(1, "", [Run("没有编号的标题")]),
            Table([[[Run("项目")], [Run("数量")], []], [[Run("<")], [Run("|12|")], [Run("^")]]], 1,
                  merges={(0, 2): MERGE_LEFT}),
            Paragraph([Run("<")]),
        ],
        signature="某某办公室", date=dt.date(2024, 5, 6),
        attachments=[Attachment("某某表", [Table([[[Run("甲")], [Run("乙")]], [[], [Run("丙")]]], 0,
                                                 merges={(1, 0): MERGE_UP})])])


def test_markup_writer_round_trip() -> None:
    doc = tricky_document()
    back = parse(write(doc))
    assert [b.text for b in back.blocks] == [b.text for b in doc.blocks]
    assert [type(b) for b in back.blocks] == [type(b) for b in doc.blocks]
    # （一） is what the numbering gives; 3. is not (it would be 1.): kept as typed on an unnumbered heading
    numbers = [(b.level, b.number) for b in back.blocks if isinstance(b, Heading)]
    assert numbers == [(2, "（一）"), (3, ""), (1, "")]
    assert back.blocks[0].runs[1] == Run("加粗", True)
    assert (back.title, back.to, back.signature, back.date) == (doc.title, doc.to, doc.signature, doc.date)
    assert back.blocks[7].merges == doc.blocks[7].merges
    assert back.attachments[0].blocks[0].merges == {(1, 0): MERGE_UP}


def test_tricky_text_survives_import_and_build(tmp_path: Path) -> None:
    """The same text through a .docx, the importer's template (Jinja, figures) and a build."""
    source = tmp_path / "src"
    source.mkdir()
    template = write(tricky_document(), lambda text, where: text if where == "attachment_title" else
                     literal_markup(text), lambda text, key: literal_value(text))
    (source / "tricky.md").write_text(template, encoding="utf-8")
    code, _stdout, stderr = run_cli("render", str(source / "tricky.md"), str(DATA),
                                    "-o", str(source / "t.docx"))
    assert code == 0, stderr
    _project, out, _ = import_and_build(tmp_path, [source / "t.docx"], "--year", "2024")
    assert squeeze(body_texts(out / "t.docx")) == squeeze(body_texts(source / "t.docx"))


# --- figures ---------------------------------------------------------------------------------------

def test_figures_are_found_with_the_filter_that_reprints_them() -> None:
    text = ("举办了2期专题培训班，直接培训300余人次，扶贫带货170多万单，销售额2035万元，增长12.5%，"
            "11月26日召开，2020年12月15日印发，2019年底，共2,953个，5G基站、A6x手机，3.50亿元，电话0917-1234567，"
            "县区只有2至3人。")
    found = {f.printed: (f.value, f.filter, f.kind) for f in scan(text, 2020)}
    assert found["300余"] == (300, "approx(1, marked=true)", "integer")
    assert found["170多万"] == (1700000, 'approx(2, "万", marked=true)', "integer")
    assert found["2035万"] == (20350000, "wan(0)", "integer")
    assert found["12.5%"][1:] == ("pct(1)", "ratio") and str(found["12.5%"][0]) == "0.125"
    assert found["11月26日"] == (dt.date(2020, 11, 26), "cn_month_day", "date")
    assert found["2020年12月15日"] == (dt.date(2020, 12, 15), "cn_date", "date")
    assert found["2019"] == (None, "", "year")
    assert found["2,953"] == (2953, "num(group=True)", "integer")
    assert found["3.50"] == ("3.50", "", "text")  # 3.5 would print without its 0
    assert found["0917-1234567"] == ("0917-1234567", "", "text")
    assert "5" not in found and "6" not in found  # 5G, A6x are names


def test_keys_come_from_the_words_around_and_repeat_as_one_fact() -> None:
    book = FactBook(2020)
    book.template("全市互联网企业31户，网络社会组织13个。"
                  "建立党组织13个，其中单独组建党支部10个，联合党支部3个。", "a")
    book.template("现有互联网企业31户。县区网信工作力量普遍只有2至3人。举办了2期专题培训班。", "a")
    assert book.facts["互联网企业_户"].uses == 2
    assert {k: f.value for k, f in book.facts.items()} == {
        "互联网企业_户": 31, "网络社会组织_个": 13, "建立党组织_个": 13, "单独组建党支部_个": 10,
        "联合党支部_个": 3, "县区网信工作力量_人": 2, "县区网信工作力量_人_上限": 3, "专题培训班_期": 2}
    assert [r.expression for r in book.rules] == ["建立党组织_个 == 单独组建党支部_个 + 联合党支部_个"]
    same = FactBook(2020)
    same.template("全市互联网企业32户。", "a")
    assert list(same.facts) == ["互联网企业_户"]  # stable: the same words give the same key


@pytest.mark.parametrize(("sentence", "key"), [
    ("目前全市向互联网企业和网络社会组织选派党建指导员11人。", "选派党建指导员_人"),
    ("全年在各县区互联网企业和网络社会组织中开展网络直播带货2953场次。", "开展网络直播带货_场次"),
    ("各县区结合实际在重点互联网企业党组织中评选表彰优秀党务工作者12人。", "优秀党务工作者_人"),
])
def test_a_long_phrase_is_cut_where_a_word_starts(sentence: str, key: str) -> None:
    """A key keeps at most eight characters of the words before its figure, starting at a word:
    after a joining word, else at the verb that governs the noun (not 织选派党建指导员)."""
    book = FactBook(2020)
    book.template(sentence, "a")
    assert list(book.facts) == [key]


def test_a_figure_with_other_words_or_value_is_another_fact() -> None:
    book = FactBook(2020)
    book.template("企业31户，党员31人，企业32户。", "a")
    assert {k: f.value for k, f in book.facts.items()} == {"企业_户": 31, "党员_人": 31, "企业_户_2": 32}


# --- placeholders and bad input -------------------------------------------------------------------

def test_placeholders_are_imported_and_reported(tmp_path: Path) -> None:
    text = tmp_path / "template.txt"
    text.write_text("XX发〔20XX〕XX号\n关于做好某某工作的通知\n各单位：\n全县共有企业120家，其中××家已建立党组织。\n"
                    "某某办公室\n2024年X月X日\n", encoding="utf-8")
    code, _stdout, stderr = run_cli("import", str(text), "-o", str(tmp_path / "p"), "--year", "2024")
    assert code == 0, stderr
    assert "placeholder kept as text" in stderr and "××" in stderr
    template = (tmp_path / "p" / "notice.md.j2").read_text(encoding="utf-8")
    assert "其中××家" in template and "XX发〔20XX〕XX号" in template


def test_a_non_empty_folder_is_refused_and_force_replaces_imported_files(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "mine.txt").write_text("keep", encoding="utf-8")
    code, stdout, stderr = run_cli("import", str(built / REPORT_NAME), "-o", str(target))
    assert_clean_failure(code, stdout, stderr)
    assert "is not empty" in stderr and "--force" in stderr
    assert [p.name for p in target.iterdir()] == ["mine.txt"]
    code, _stdout, stderr = run_cli("import", str(built / REPORT_NAME), "-o", str(target), "--force")
    assert code == 0, stderr
    assert (target / "mine.txt").read_text(encoding="utf-8") == "keep" and (target / "report.md.j2").is_file()


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    fake = tmp_path / "not-word.docx"
    fake.write_text("plain text", encoding="utf-8")
    code, stdout, stderr = run_cli("import", str(fake), "-o", str(tmp_path / "p"))
    assert_clean_failure(code, stdout, stderr)
    assert "not-word.docx" in stderr and not (tmp_path / "p").exists()
    code, stdout, stderr = run_cli("import", str(tmp_path / "missing.docx"), "-o", str(tmp_path / "p"))
    assert_clean_failure(code, stdout, stderr)
    assert "missing.docx" in stderr
    undated = tmp_path / "undated.txt"
    undated.write_text("关于某某工作的通知\n各单位：\n请按时报送。\n", encoding="utf-8")
    code, stdout, stderr = run_cli("import", str(undated), "-o", str(tmp_path / "p"))
    assert_clean_failure(code, stdout, stderr)
    assert "--year" in stderr and not (tmp_path / "p").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".reportgen-")]


def test_example_project_is_untouched(baoji: tuple[Path, Path]) -> None:
    """Importing never writes beside its inputs (the example's folder keeps its three files)."""
    files = sorted(p.name for p in EXAMPLE.iterdir())
    assert files == ["facts.contract.yaml", "reportgen.yaml", "summary.md.j2"]


def test_house_style_is_read_where_it_differs_from_the_standard(tmp_path: Path) -> None:
    project = tmp_path / "styled"
    shutil.copytree(EXAMPLE, project)
    config = project / "reportgen.yaml"
    house = ("  cc_full_stop: false\n  fonts: {fangsong: 方正仿宋_GBK, heiti: 方正黑体_GBK}\n"
             "  red: C00000\n  title_size: 20\n  page: {top: 40, left: 30}")
    text = config.read_text(encoding="utf-8").replace("../../data/baoji-2020.yaml", str(DATA))
    config.write_text(text.replace("  cc_full_stop: false", house), encoding="utf-8")
    source = tmp_path / "source"
    code, _stdout, stderr = run_cli("build", str(project), "-o", str(source), "--doc", "report")
    assert code == 0, stderr
    imported, out, _ = import_and_build(tmp_path, [source / REPORT_NAME])
    style = yaml.safe_load((imported / "reportgen.yaml").read_text(encoding="utf-8"))["style"]
    assert style == {"fonts": {"fangsong": "方正仿宋_GBK"}, "title_size": 20, "red": "C00000",
                     "page": {"top": 40.0, "left": 30.0}, "cc_full_stop": False}
    assert squeeze(body_texts(out / REPORT_NAME)) == squeeze(body_texts(source / REPORT_NAME))


def test_a_table_comes_back_with_its_figures_named_by_row_and_column(tmp_path: Path) -> None:
    source = tmp_path / "source"
    code, _stdout, stderr = run_cli("build", str(ROLLUP), "-o", str(source))
    assert code == 0, stderr
    (built_file,) = source.glob("*.docx")
    project, out, _ = import_and_build(tmp_path, [built_file])
    assert squeeze(body_texts(out / built_file.name)) == squeeze(body_texts(built_file))
    template = next(project.glob("*.md.j2")).read_text(encoding="utf-8")
    total_row = next(line for line in template.splitlines() if line.startswith("| 合计"))
    assert re.fullmatch(r"\| 合计 \| < (\| \{\{ 合计_\w+ }} )+\|", total_row), total_row
    contract = yaml.safe_load((project / "facts.contract.yaml").read_text(encoding="utf-8"))
    rules = [r["rule"] for r in contract.get("rules", [])]
    assert any(rule.startswith("合计_企业户 == ") and rule.count("+") >= 1 for rule in rules), rules
    code, _stdout, stderr = run_cli("validate", str(project))
    assert code == 0, stderr
    assert "| 1 | 甲区 | {{ 甲区_企业户 }} | {{ 甲区_党员人 }} |" in template  # 序号 counts rows: text
