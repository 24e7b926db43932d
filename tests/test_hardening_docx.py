"""Hostile input to the .docx side: front matter, house style, reference .docx, ``check`` on
damaged packages, heading numbers past 99, and schema validity of what the writer makes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, assert_clean_failure, run_cli

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if (p / "reportgen.yaml").is_file())


# --- schema validity of every example's output ------------------------------------------

@pytest.mark.parametrize("project", EXAMPLES, ids=lambda p: p.name)
def test_example_output_is_schema_valid(project: Path, tmp_path: Path) -> None:
    """Every part the writer makes (settings, styles, theme, sectPr, pPr/rPr, tblPr) follows the
    Office 2007 and 2016 schemas, element order included: no validator finding at all."""
    from openxml_audit import FileFormat, OpenXmlValidator

    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(project), "-o", str(out))
    assert code == 0, stderr
    files = sorted(out.glob("*.docx"))
    assert files
    template = next(project.glob("*.docx"), None)  # a template made in a word processor
    for fmt in (FileFormat.OFFICE_2007, FileFormat.OFFICE_2016):
        validator = OpenXmlValidator(file_format=fmt, max_errors=100)
        # What an office's own template already holds is theirs: reportgen copies what it did not
        # make (LibreOffice and Word 2010+ write tblLook attributes the 2007 schema lacks), and
        # adds nothing that is not valid. Every part reportgen writes itself has no finding at all.
        allowed = (set() if template is None
                   else {_finding_kind(e) for e in validator.validate(str(template)).errors})
        for path in files:
            result = validator.validate(str(path))
            assert [str(e) for e in result.errors if _finding_kind(e) not in allowed] == [], (fmt, path.name)
    if template is not None:
        result = OpenXmlValidator(file_format=FileFormat.OFFICE_2016).validate(str(files[0]))
        assert [str(e) for e in result.errors] == []


def _finding_kind(error: object) -> str:
    """A validator finding without its place: the element and what is wrong with it."""
    text = str(error)
    path, _, message = text.partition(": ")
    element = path.rsplit("/", 1)[-1].split("[")[0]
    return f"{element}: {message}"


def test_settings_children_in_schema_order(tmp_path: Path) -> None:
    from conftest import docx_xml

    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(EXAMPLES[0]), "-o", str(out))
    assert code == 0, stderr
    settings = docx_xml(next(out.glob("*.docx")), "word/settings.xml")
    names = [el.tag.split("}")[1] for el in settings]
    assert names.index("defaultTabStop") < names.index("evenAndOddHeaders") < names.index("compat")


# --- check on hostile .docx ------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The members of a document reportgen wrote (the kitchen-sink notice)."""
    out = tmp_path_factory.mktemp("sample")
    code, _stdout, stderr = run_cli("build", str(ROOT / "examples" / "kitchen-sink"), "-o", str(out),
                                    "--doc", "notice")
    assert code == 0, stderr
    with zipfile.ZipFile(out / "notice.docx") as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _patched(parts: dict[str, bytes], part: str, old: bytes, new: bytes, count: int = -1) -> dict[str, bytes]:
    assert old in parts[part], old
    return {**parts, part: parts[part].replace(old, new, count)}


RUN = b'<w:rPr><w:rFonts w:ascii="\xe4\xbb\xbf'  # a run in 仿宋 (body text)


def _laughs() -> bytes:
    """A DOCTYPE whose entities expand to 10⁹ characters."""
    entities = [b'<!ENTITY e0 "llllllllll">']
    for k in range(1, 10):
        entities.append(b'<!ENTITY e%d "%s">' % (k, (b"&e%d;" % (k - 1)) * 10))
    return b'<?xml version="1.0"?><!DOCTYPE d [' + b"".join(entities) + b"]>"


def _with_laughs(parts: dict[str, bytes], part: str) -> dict[str, bytes]:
    """``part`` with its XML declaration replaced by an entity bomb's DOCTYPE."""
    return {**parts, part: _laughs() + parts[part].split(b"?>", 1)[1]}


def _hostile(parts: dict[str, bytes]) -> dict[str, bytes]:
    """name → .docx bytes of damaged documents (``check`` reports or refuses each)."""
    doc = parts["word/document.xml"]

    def body_colour(value: bytes) -> bytes:
        return _zip(_patched(parts, "word/document.xml", RUN, RUN.replace(
            b"<w:rPr>", b'<w:rPr><w:color w:val="' + value + b'"/>')))

    no_document = {k: v for k, v in parts.items() if k != "word/document.xml"}
    table: dict[str, bytes] = {
        "colour-ZZZZZZ": body_colour(b"ZZZZZZ"),
        "colour-auto": body_colour(b"auto"),
        "colour-short": body_colour(b"F00"),
        "colour-empty": body_colour(b""),
        "colour-long": body_colour(b"FF00000"),
        "size-abc": _zip(_patched(parts, "word/document.xml", b'w:sz w:val="32"', b'w:sz w:val="abc"')),
        "size-nan": _zip(_patched(parts, "word/styles.xml", b'w:sz w:val="32"', b'w:sz w:val="nan"')),
        "size-negative": _zip(_patched(parts, "word/document.xml", b'w:sz w:val="32"', b'w:sz w:val="-32"')),
        "width-1e999": _zip(_patched(parts, "word/document.xml", b'<w:pgSz w:w="11906"',
                                     b'<w:pgSz w:w="1e999"')),
        "margin-inf": _zip(_patched(parts, "word/document.xml", b'w:top="2098"', b'w:top="inf"')),
        "line-huge": _zip(_patched(parts, "word/document.xml", b'w:line="579"', b'w:line="1e300"')),
        "grid-zero": _zip(_patched(parts, "word/document.xml", b'w:linePitch="579"', b'w:linePitch="0"')),
        "border-bad": _zip(_patched(parts, "word/document.xml", b'w:sz="8"', b'w:sz="-1e400"')),
    }
    refused = {
        "no-document-xml": _zip(no_document),
        "laughs-document": _zip(_with_laughs(parts, "word/document.xml")),
        "laughs-styles": _zip(_with_laughs(parts, "word/styles.xml")),
        "external-entity": _zip({**parts, "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d '
                                 b'[<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                 + doc.split(b"?>", 1)[1].replace(b"<w:t>", b"<w:t>&x;", 1)}),
        "invalid-utf8": _zip(_patched(parts, "word/document.xml", b"<w:t>", b"<w:t>\xff\xfe", 1)),
        "not-xml": _zip({**parts, "word/document.xml": b"\x00\x01 not xml"}),
        "truncated-zip": _zip(parts)[:3000],
        "not-a-zip": b"PK\x03\x04 this is no zip",
        "empty": b"",
    }
    table.update(refused)
    return table


def _raw_patch(data: bytes, local: int, central: int, value: bytes) -> bytes:
    """Overwrite a field at the given offset of every local and central zip header."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        at = out.find(signature)
        while at != -1:
            out[at + offset: at + offset + len(value)] = value
            at = out.find(signature, at + 4)
    return bytes(out)


def test_check_runs_over_a_table_of_hostile_docx(sample_parts: dict[str, bytes], tmp_path: Path) -> None:
    """One ``check`` call over every hostile file: each is reported or refused with its name,
    none stops the files after it, no traceback, exit 1; a sound file at the end is still checked."""
    stored = _zip(sample_parts, zipfile.ZIP_STORED)
    table = _hostile(sample_parts)
    refused = {name for name, data in table.items() if name.startswith(
        ("no-", "laughs", "external", "invalid", "not-", "truncated", "empty"))}
    # Raw damage to the zip itself: a bad CRC, an unknown method, an encrypted member.
    table["bad-crc"] = stored.replace("抄送".encode(), "抄达".encode(), 1)
    table["unknown-method"] = _raw_patch(stored, 8, 10, b"\x63\x00")
    table["encrypted"] = _raw_patch(stored, 6, 8, b"\x01\x00")
    refused |= {"bad-crc", "unknown-method", "encrypted"}
    paths = []
    for name, data in table.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(data)
        paths.append(path)
    sound = tmp_path / "zz-sound.docx"
    sound.write_bytes(_zip(sample_parts))
    code, stdout, stderr = run_cli("check", *map(str, paths), str(sound))
    assert_clean_failure(code, stdout, stderr)
    for name in table:
        if name in refused:
            line = next((x for x in stderr.splitlines() if f"{name}.docx" in x), "")
            assert "error" in line, (name, stderr)
        else:
            assert f"{name}.docx: " in stdout, (name, stdout, stderr)
    assert "内部错误" not in stderr
    assert "zz-sound.docx: 0 个错误" in stdout
    for name in ("laughs-document", "laughs-styles", "external-entity"):
        assert "DOCTYPE" in next(x for x in stderr.splitlines() if f"{name}.docx" in x)
    assert "root:" not in stdout + stderr  # /etc/passwd never read into a message


def _bomb_member(zf: zipfile.ZipFile, name: str, mib: int) -> None:
    """A deflated member of ``mib`` MiB of spaces (about 1000:1)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as member:
        for _ in range(mib):
            member.write(b" " * (1 << 20))


def test_check_zip_bomb_refused_from_header_and_while_reading(sample_parts: dict[str, bytes],
                                                              tmp_path: Path) -> None:
    """A small file that unpacks to gigabytes is refused before it is unpacked; one whose header
    lies about the size is stopped while reading."""
    from reportgen import ooxml

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sample_parts.items():
            if name != "word/document.xml":
                zf.writestr(name, data)
        _bomb_member(zf, "word/document.xml", 60)
    assert bomb.stat().st_size < 1_000_000
    code, stdout, stderr = run_cli("check", str(bomb))
    assert_clean_failure(code, stdout, stderr)
    assert "bomb.docx" in stderr and "MiB" in stderr
    # Many members each under the cap but too much together.
    many = tmp_path / "many.docx"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sample_parts.items():
            zf.writestr(name, data)
        for k in range(5):
            _bomb_member(zf, f"word/media/pad{k}.bin", 45)
    code, stdout, stderr = run_cli("check", str(many))
    assert_clean_failure(code, stdout, stderr)
    assert "unpacks to" in stderr
    # A header that declares less than the member holds: the reader stops at the limit.
    small = io.BytesIO()
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.xml", b"x" * 5000)
    with zipfile.ZipFile(io.BytesIO(small.getvalue())) as zf:
        with pytest.raises(ooxml.UnsafePackageError, match="more than"):
            ooxml.read_member(zf, "a.xml", limit=1000)
        zf.getinfo("a.xml").file_size = 10  # a lying header
        with pytest.raises(ooxml.UnsafePackageError):
            ooxml.read_member(zf, "a.xml", limit=1000)


def test_check_internal_error_is_per_file(sample_parts: dict[str, bytes], tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception nobody foresaw in one file's rules: that file gets an internal-error
    message, the next file is still checked, exit 1."""
    from reportgen.check import rules

    original = rules.Checker.run

    def run(self):  # type: ignore[no-untyped-def]
        if "first" in str(self.view.path):
            raise ZeroDivisionError("boom")
        return original(self)

    monkeypatch.setattr(rules.Checker, "run", run)
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    first.write_bytes(_zip(sample_parts))
    second.write_bytes(_zip(sample_parts))
    code, stdout, stderr = run_cli("check", str(first), str(second))
    assert_clean_failure(code, stdout, stderr)
    assert "first.docx" in stderr and "内部错误 internal error" in stderr and "ZeroDivisionError" in stderr
    assert "second.docx: 0 个错误" in stdout
    code, stdout, _stderr = run_cli("check", "--format", "json", str(first), str(second))
    assert code == 1 and '"ok": false' in stdout


# --- front matter ----------------------------------------------------------------------------

FRONT = """---
kind: 通知
organ_mark: 某某市网信办
number: 某网信发〔2021〕5号
title: 关于做好某某工作的通知
to: 各县区委网信办
signature: 某某市网信办
date: 2021-03-15
cc: [市委组织部, 市财政局]
printer: 某某市网信办
print_date: 2021-03-15
---
请各单位认真做好某某工作。

# 工作要求

按时报送材料。
"""


def _doc_project(tmp_path: Path, template: str, style: str = "") -> Path:
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    (root / "doc.md.j2").write_text(template, encoding="utf-8")
    (root / "reportgen.yaml").write_text(f"{style}documents:\n  - name: doc\n    template: doc.md.j2\n",
                                         encoding="utf-8")
    return root


def _build_fails(tmp_path: Path, template: str, *needles: str, style: str = "") -> str:
    root = _doc_project(tmp_path, template, style)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert_clean_failure(code, stdout, stderr)
    assert not (out / "doc.docx").exists()
    for needle in needles:
        assert needle in stderr, (needle, stderr)
    return stderr


def _front(old: str, new: str) -> str:
    assert old in FRONT
    return FRONT.replace(old, new, 1)


@pytest.mark.parametrize(("old", "new", "needles"), [
    # Dates that do not exist, written bare (a YAML timestamp) or quoted (text).
    ("date: 2021-03-15", "date: 2020-02-30", ("doc.md.j2:8:7 date:", "not a real date")),
    ("date: 2021-03-15", "date: 2021-13-01", ("doc.md.j2:8:7 date:", "not a real date")),
    ("print_date: 2021-03-15", "print_date: 2021-02-29", ("doc.md.j2:11:13 print_date:", "not a real date")),
    ("date: 2021-03-15", 'date: "2020-02-30"', ("doc.md.j2:8 date: not a date", "02-29")),
    ("date: 2021-03-15", "date: 下周一", ("date: not a date",)),
    ("date: 2021-03-15", "date: true", ("date: not a date",)),
    ("date: 2021-03-15", "date: [2021-03-15]", ("date: not a date",)),
    # Dates a .docx cannot carry.
    ("date: 2021-03-15", "date: 2108-01-01", ("doc.md.j2:8 date: 2108-01-01 is outside",)),
    ("date: 2021-03-15", "date: 9999-12-31", ("outside the years 1980–2107",)),
    ("date: 2021-03-15", "date: 1979-12-31", ("outside the years 1980–2107",)),
    ("print_date: 2021-03-15", "print_date: 0001-01-01", ("doc.md.j2:11 print_date: 0001-01-01 is outside",)),
    # A number, a boolean or a mapping where a list is expected.
    ("cc: [市委组织部, 市财政局]", "cc: 5", ("doc.md.j2:9 cc: must be one name or a list of names, got 5",)),
    ("cc: [市委组织部, 市财政局]", "cc: true", ("cc: must be one name or a list of names, got True",)),
    ("cc: [市委组织部, 市财政局]", "cc: {市委: 1}", ("cc: must be one name or a list of names",)),
    ("cc: [市委组织部, 市财政局]", "cc: [[a, b], c]", ("cc[0]: must be text, got a list",)),
    ("cc: [市委组织部, 市财政局]", "cc: [市委, {a: 1}]", ("doc.md.j2:9 cc[1]: must be text, got a mapping",)),
    ("cc: [市委组织部, 市财政局]", "cc: 3.5", ("cc: must be one name",)),
    # Lists, mappings and booleans where text is expected.
    ("to: 各县区委网信办", "to: true", ("doc.md.j2:6 to: must be text, got true/false",)),
    ("title: 关于做好某某工作的通知", "title: [甲, {a: b}]",
     ("doc.md.j2:5 title[1]: must be text, got a mapping",)),
    ("signature: 某某市网信办", "signature: {a: b}", ("signature: must be text, got a mapping",)),
    ("organ_mark: 某某市网信办", "organ_mark: false",
     ("doc.md.j2:3 organ_mark: must be text, got true/false",)),
    # Control characters and lone surrogates in every kind of field.
    ("print_date: 2021-03-15", 'print_date: 2021-03-15\nnote: "说明\\x01"', ("doc.md.j2:12 note: contains",)),
    ("print_date: 2021-03-15", 'print_date: 2021-03-15\nnote: "说明\\ud800"', ("note: contains the control "
                                                                         "character U+D800",)),
    ("title: 关于做好某某工作的通知", 'title: "关于\\x1b做好某某工作的通知"',
     ("title: contains the control",)),
    ("to: 各县区委网信办", 'to: "各县区\\x00委网信办"', ("to: contains the control character U+0000",)),
    ("cc: [市委组织部, 市财政局]", 'cc: [市委组织部, "市财\\x0c政局"]', ("cc[1]: contains the control",)),
    ("printer: 某某市网信办", 'printer: "某某\\uffff"', ("doc.md.j2:10 printer: contains", "U+FFFF")),
    ("number: 某网信发〔2021〕5号", 'number: "某网信发〔2021〕5号\\udfff"', ("number: contains",)),
])
def test_bad_front_matter(tmp_path: Path, old: str, new: str, needles: tuple[str, ...]) -> None:
    _build_fails(tmp_path, _front(old, new), *needles)


def test_front_matter_figures_are_text(tmp_path: Path) -> None:
    """A figure where text is expected is printed as written (份号 1 → 000001)."""
    root = _doc_project(tmp_path, _front("kind: 通知", "kind: 通知\ncopy_number: 1"))
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert code == 0, stderr
    from conftest import body_texts

    assert "000001" in body_texts(out / "doc.docx")


@pytest.mark.parametrize("field", ["title", "signature", "printer"])
def test_long_fields_print_whole_and_cut_only_the_core_property(tmp_path: Path, field: str) -> None:
    """Over 255 characters: the page prints the text whole; docProps/core.xml (limited to 255
    characters by Word) gets its first 255."""
    from conftest import body_texts, docx_xml

    long = "关于" + "某" * 300 + "的通知" if field == "title" else "某" * 300
    old = {"title": "title: 关于做好某某工作的通知", "signature": "signature: 某某市网信办",
           "printer": "printer: 某某市网信办"}[field]
    template = _front(old, f"{field}: {long}")
    if field == "printer":
        template = template.replace("signature: 某某市网信办\n", "")
    root = _doc_project(tmp_path, template)
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert code == 0, stderr
    core = docx_xml(out / "doc.docx", "docProps/core.xml")
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    stored = core.findtext("dc:title" if field == "title" else "dc:creator", namespaces=ns)
    assert stored == long[:255]
    printed = "".join(body_texts(out / "doc.docx")).replace("\n", "")
    assert long in printed


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "1e9", "٣٠٠", "99999999999999999999", "4354819200",
                                   "0x10"])
def test_bad_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    stderr = _build_fails(tmp_path, FRONT, "SOURCE_DATE_EPOCH", "is not whole seconds since 1970")
    assert "4354819199" in stderr


@pytest.mark.parametrize(("value", "year"), [("0", 1980), ("315532799", 1980), ("1608076800", 2020),
                                             ("4354819199", 2107), (" 1608076800 ", 2020)])
def test_good_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str,
                                year: int) -> None:
    """An undated document is stamped with SOURCE_DATE_EPOCH's day; before 1980: 1980-01-01."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    root = _doc_project(tmp_path, FRONT.replace("signature: 某某市网信办\ndate: 2021-03-15\n", "", 1))
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert code == 0, stderr
    with zipfile.ZipFile(out / "doc.docx") as zf:
        assert {info.date_time[0] for info in zf.infolist()} == {year}


# --- heading numbers past 99 -----------------------------------------------------------------

def test_spec_heading_numbers_any_count() -> None:
    from reportgen.spec import cn_small, heading_number

    expected = {1: "一", 10: "十", 11: "十一", 20: "二十", 99: "九十九", 100: "一百", 101: "一百零一",
                110: "一百一十", 115: "一百一十五", 200: "二百", 999: "九百九十九", 1000: "一千",
                1001: "一千零一", 1010: "一千零一十", 1100: "一千一百", 10000: "一万", 10001: "一万零一",
                100000: "十万", 123456: "十二万三千四百五十六", 100000000: "一亿"}
    assert {n: cn_small(n) for n in expected} == expected
    assert [heading_number(level, 100) for level in (1, 2, 3, 4)] == ["一百、", "（一百）", "100.", "（100）"]
    assert heading_number(2, 101) == "（一百零一）"
    assert len({cn_small(n) for n in range(1, 3000)}) == 2999  # no two numbers read alike
    with pytest.raises(ValueError):
        cn_small(0)
    from reportgen.gongwen import cn_value

    assert all(cn_value(cn_small(n)) == n for n in range(1, 10000))
    assert [cn_value(t) for t in ("一十二", "十十", "百", "千零一", "一百零", "二〇")] == [None] * 6


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_a_hundred_and_more_headings_at_one_level(tmp_path: Path, level: int) -> None:
    """A loop over 120 enterprises: every heading is numbered, the 100th 一百、/（一百）/100./（100）."""
    from conftest import body_texts

    parents = "".join(f"{'#' * k} 上级标题\n\n" for k in range(1, level))
    loop = "{% for i in range(120) %}" + "#" * level + " 企业{{ i + 1 }}情况\n\n正文。\n\n{% endfor %}"
    template = FRONT.split("---\n请各单位")[0] + "---\n" + parents + loop
    root = _doc_project(tmp_path, template)
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert code == 0, stderr
    texts = body_texts(out / "doc.docx")
    marker = {1: ("一百、", "一百二十、"), 2: ("（一百）", "（一百二十）"), 3: ("100.", "120."),
              4: ("（100）", "（120）")}[level]
    assert any(t.startswith(marker[0] + "企业100情况") for t in texts), texts[-5:]
    assert any(t.startswith(marker[1] + "企业120情况") for t in texts)
    # check reads the numbers back: no 序号 finding on the writer's own numbering.
    code, stdout, stderr = run_cli("check", str(out / "doc.docx"))
    assert code == 0 and "0 个错误" in stdout, stdout + stderr


# --- house style -----------------------------------------------------------------------------

@pytest.mark.parametrize(("setting", "needles"), [
    ("signature_blank_lines: 3000000", ("signature_blank_lines", "between 0 and 10")),
    ("signature_blank_lines: -1", ("signature_blank_lines", "between 0 and 10")),
    ("signature_blank_lines: .inf", ("signature_blank_lines must be a whole number",)),
    ("signature_blank_lines: 1.5", ("signature_blank_lines must be a whole number",)),
    ("red_rule_sz: -100", ("red_rule_sz", "between 2 and 96 eighths of a point")),
    ("red_rule_sz: 0", ("red_rule_sz", "between 2 and 96")),
    ("red_rule_sz: 100000", ("red_rule_sz", "between 2 and 96")),
    ("colophon_thick_sz: .nan", ("colophon_thick_sz must be a whole number",)),
    ("colophon_thin_sz: -6", ("colophon_thin_sz", "between 2 and 96")),
    ("colophon_thin_sz: 20", ("colophon_thin_sz (20) must not be thicker than colophon_thick_sz (8)",)),
    ("title_size: .nan", ("title_size", "between 16 and 26 pt")),
    ("title_size: .inf", ("title_size", "between 16 and 26 pt")),
    ("title_size: 0", ("title_size", "between 16 and 26 pt")),
    ("organ_mark_size: 1000", ("organ_mark_size", "between 16 and 42 pt")),
    ("organ_mark_size: -.inf", ("organ_mark_size", "between 16 and 42 pt")),
    ("page: {top: .inf}", ("page.top", "between 0 and 100 millimetres")),
    ("page: {left: .nan}", ("page.left", "between 0 and 100 millimetres")),
    ("page: {bottom: -5}", ("page.bottom", "between 0 and 100")),
    ("page: {right: 1e300}", ("page.right", "between 0 and 100")),
    ("page: {left: 90, right: 90}", ("page margins leave", "at least 20 × 15")),
    ("page: {top: 100, bottom: 100}", ("page margins leave",)),
    ('fonts: {heiti: "黑\\x01体"}', ("fonts.heiti contains the control character U+0001",)),
    ('fonts: {latin: "Times\\x7fNew"}', ("fonts.latin contains the control character U+007F",)),
    ("fonts: {kaiti: " + "楷" * 40 + "}", ("fonts.kaiti is 40 characters long; at most 31",)),
    ('organ_mark_suffix: "文\\x07件"', ("organ_mark_suffix contains the control character U+0007",)),
    ("organ_mark_suffix: " + "文" * 30, ("organ_mark_suffix is 30 characters long",)),
    ("red: ZZZZZZ", ("red must be six hex digits",)),
    ("red: F00", ("red must be six hex digits",)),
])
def test_bad_house_style_names_setting_line_and_range(tmp_path: Path, setting: str,
                                                      needles: tuple[str, ...]) -> None:
    """Each setting has one range, checked in spec; the message names the setting at its
    reportgen.yaml line and says what is allowed; nothing is written."""
    style = f"style:\n  bold_ordinals: true\n  {setting}\n"
    stderr = _build_fails(tmp_path, FRONT, *needles, style=style)
    assert "reportgen.yaml:3" in stderr or "page margins leave" in stderr, stderr


def test_bad_document_style_is_named(tmp_path: Path) -> None:
    root = _doc_project(tmp_path, FRONT)
    (root / "reportgen.yaml").write_text(
        "documents:\n  - name: doc\n    template: doc.md.j2\n    style:\n      red_rule_sz: -100\n",
        encoding="utf-8")
    code, stdout, stderr = run_cli("build", str(root), "-o", str(tmp_path / "out"))
    assert_clean_failure(code, stdout, stderr)
    assert "reportgen.yaml" in stderr and "red_rule_sz must be between 2 and 96" in stderr


@pytest.mark.parametrize("setting", ["red_rule_sz: 2", "red_rule_sz: 96", "colophon_thick_sz: 96",
                                     "signature_blank_lines: 0", "signature_blank_lines: 10",
                                     "page: {top: 0, bottom: 0, left: 0, right: 0}", "title_size: 16"])
def test_house_style_range_ends_give_valid_xml(tmp_path: Path, setting: str) -> None:
    """The ends of every range still give a document the schema accepts."""
    from openxml_audit import FileFormat, OpenXmlValidator

    root = _doc_project(tmp_path, FRONT, style=f"style:\n  {setting}\n")
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert code == 0, stderr
    result = OpenXmlValidator(file_format=FileFormat.OFFICE_2016).validate(str(out / "doc.docx"))
    assert [str(e) for e in result.errors] == []


# --- reference .docx -------------------------------------------------------------------------

def _reference_fails(tmp_path: Path, data: bytes, *needles: str) -> str:
    root = _doc_project(tmp_path, FRONT, style="style:\n  reference: house.docx\n")
    (root / "house.docx").write_bytes(data)
    stderr = _build_fails(tmp_path, FRONT, "house.docx", *needles, style="style:\n  reference: house.docx\n")
    assert "reportgen.yaml:2" in stderr
    return stderr


@pytest.mark.parametrize(("old", "new", "needle"), [
    (b'w:top="2098"', b'w:top="inf"', "w:pgMar w:top='inf' is not a length"),
    (b'w:left="1587"', b'w:left="-inf"', "w:left='-inf'"),
    (b'w:bottom="1984"', b'w:bottom="nan"', "w:bottom='nan'"),
    (b'w:right="1474"', b'w:right="1e30"', "w:right='1e30'"),
    (b'<w:pgSz w:w="11906"', b'<w:pgSz w:w="1e999"', "w:pgSz w:w='1e999'"),
    (b'w:left="1587"', b'w:left="5000"', "page margins leave"),
])
def test_reference_with_impossible_page(sample_parts: dict[str, bytes], tmp_path: Path, old: bytes,
                                        new: bytes, needle: str) -> None:
    _reference_fails(tmp_path, _zip(_patched(sample_parts, "word/document.xml", old, new)), needle)


def test_reference_damaged_packages(sample_parts: dict[str, bytes], tmp_path: Path) -> None:
    stored = _zip(sample_parts, zipfile.ZIP_STORED)
    cases = {
        "bad-crc": (stored.replace("仿宋".encode(), "仿宗".encode(), 1), "damaged"),
        "unknown-method": (_raw_patch(stored, 8, 10, b"\x63\x00"), "compression method 99"),
        "encrypted": (_raw_patch(stored, 6, 8, b"\x01\x00"), "encrypted"),
        "not-a-zip": (b"this is no zip", "not a .docx file"),
        "truncated": (_zip(sample_parts)[:2000], "not a .docx file"),
        "laughs": (_zip(_with_laughs(sample_parts, "word/styles.xml")), "DOCTYPE"),
        "styles-not-xml": (_zip({**sample_parts, "word/styles.xml": b"<w:styles"}), "not valid XML"),
    }
    for name, (data, needle) in cases.items():
        case = tmp_path / name
        case.mkdir()
        _reference_fails(case, data, needle)


def test_reference_zip_bomb(sample_parts: dict[str, bytes], tmp_path: Path) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sample_parts.items():
            if name != "word/styles.xml":
                zf.writestr(name, data)
        _bomb_member(zf, "word/styles.xml", 60)
    assert len(bomb.getvalue()) < 1_000_000
    _reference_fails(tmp_path, bomb.getvalue(), "unpacks to 60 MiB, more than")


FULL = """---
kind: 请示
copy_number: 1
secrecy: 秘密
urgency: 特急
organ_mark: 某某市网信办
number: 某网信〔2021〕3号
signers: [张建国, 李明]
title: 关于某某事项的请示
to: 某某省网信办
attachments: [经费测算表]
signature: 某某市网信办
date: 2021-03-01
note: 联系人：张三，电话：1234567
cc: [市委组织部, 市财政局]
printer: 某某市网信办
print_date: 2021-03-02
---
工作有三个特点：一是起步早，二是措施实。Latin text 2021.

# 主要做法

## 抓好落实

### 层层压实

#### 细化分工

{% for i in range(paragraphs) %}第{{ i + 1 }}段正文，内容从略。

{% endfor %}
| 项目 | 金额 |
|---|---|
| 培训 | 10 |

妥否，请批示。

::: 附件 经费测算表

| 项目 | 金额（万元） |
|---|---|
| 培训 | 10 |
"""


# A body that fills two pages: the 版记 goes after a blank page, in a section of its own.
BLANK_PAGE = "---\ntitle: 标题\ncc: [甲]\n---\n" + "\n\n".join(["字" * 54] * 21)


@pytest.mark.parametrize("paragraphs", [0, 16, 40, -1])
def test_every_element_and_house_style_is_schema_valid(tmp_path: Path, paragraphs: int) -> None:
    """Every element of the writer (版头 to 版记, tables, attachments, four heading levels, the
    blank-page section before a 版记) with a house style that changes every part: no finding."""
    from conftest import docx_xml
    from openxml_audit import FileFormat, OpenXmlValidator

    style = ("style:\n  sealed: false\n  bold_ordinals: true\n  heading_bold: [true, true, true, true]\n"
             "  fonts: {latin: Times New Roman, heiti: 方正黑体_GBK}\n  red: C00000\n  red_rule_sz: 16\n"
             "  page: {top: 30, bottom: 30, left: 25, right: 25}\n")
    template = FULL.replace("range(paragraphs)", f"range({paragraphs})") if paragraphs >= 0 else BLANK_PAGE
    root = _doc_project(tmp_path, template, style if paragraphs >= 0 else "")
    out = tmp_path / "out"
    code, _stdout, stderr = run_cli("build", str(root), "-o", str(out))
    assert code == 0, stderr
    if paragraphs < 0:
        assert len(docx_xml(out / "doc.docx").findall(".//w:sectPr", {"w": W_NS})) == 2
    for fmt in (FileFormat.OFFICE_2007, FileFormat.OFFICE_2016):
        result = OpenXmlValidator(file_format=fmt).validate(str(out / "doc.docx"))
        assert [str(e) for e in result.errors] == [], fmt


def test_check_refuses_more_paragraphs_than_any_document(sample_parts: dict[str, bytes],
                                                         tmp_path: Path) -> None:
    """A 30 kB file of 200 000 empty paragraphs would keep ``check`` busy for minutes."""
    from reportgen.check.docxread import PARAGRAPH_LIMIT

    many = _zip(_patched(sample_parts, "word/document.xml", b"<w:body>",
                         b"<w:body>" + b"<w:p/>" * (PARAGRAPH_LIMIT + 1), 1))
    path = tmp_path / "many.docx"
    path.write_bytes(many)
    sound = tmp_path / "sound.docx"
    sound.write_bytes(_zip(sample_parts))
    code, stdout, stderr = run_cli("check", str(path), str(sound))
    assert_clean_failure(code, stdout, stderr)
    assert "many.docx" in stderr and f"more than the {PARAGRAPH_LIMIT}" in stderr
    assert "sound.docx: 0 个错误" in stdout
