"""Hostile input to the .docx side: front matter, house style, reference .docx, ``check`` on
damaged packages, heading numbers past 99, and schema validity of what the writer makes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, assert_clean_failure, run_cli

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
    for fmt in (FileFormat.OFFICE_2007, FileFormat.OFFICE_2016):
        validator = OpenXmlValidator(file_format=fmt, max_errors=100)
        for path in files:
            result = validator.validate(str(path))
            assert [str(e) for e in result.errors] == [], (fmt, path.name)


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
PROLOG = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>"


def _laughs() -> bytes:
    """A DOCTYPE whose entities expand to 10⁹ characters."""
    entities = [b'<!ENTITY e0 "llllllllll">']
    for k in range(1, 10):
        entities.append(b'<!ENTITY e%d "%s">' % (k, (b"&e%d;" % (k - 1)) * 10))
    return b'<?xml version="1.0"?><!DOCTYPE d [' + b"".join(entities) + b"]>"


def _hostile(parts: dict[str, bytes]) -> dict[str, bytes | None]:
    """name → .docx bytes; None: the expected outcome is a report, not a refusal."""
    doc = parts["word/document.xml"]
    styles = parts["word/styles.xml"]
    def body_colour(value: bytes) -> bytes:
        return _zip(_patched(parts, "word/document.xml", RUN, RUN.replace(
            b"<w:rPr>", b'<w:rPr><w:color w:val="' + value + b'"/>')))

    no_document = {k: v for k, v in parts.items() if k != "word/document.xml"}
    table: dict[str, bytes | None] = {
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
        "laughs-document": _zip(_patched(parts, "word/document.xml", PROLOG, _laughs())),
        "laughs-styles": _zip(_patched(parts, "word/styles.xml", PROLOG.replace(b"'", b'"'), _laughs())
                              if PROLOG.replace(b"'", b'"') in styles
                              else {**parts, "word/styles.xml": _laughs() + styles.split(b"?>", 1)[1]}),
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
