"""PDF through LibreOffice headless, rendering the .docx files the way they are meant.

The fontconfig file shipped with the package maps the official font names to the CJK
fonts Debian installs; it is passed through FONTCONFIG_FILE so nothing under /etc changes.

LibreOffice's DOCX import (7.4, and its current source) reads three things differently from
the OOXML meaning that Word follows, and each moves line breaks off the 28-character grid:

* ``w:overflowPunct w:val="0"`` ("punctuation may not extend past the margin") becomes
  hanging punctuation *on*: writerfilter maps it to ``ParaIsHangingPunctuation = (val == 0)``,
  and an absent element leaves LibreOffice's default, also on. A line-final "，" then hangs
  16 pt into the right margin (measured: x1 537.7 pt, type area ends at 521.6 pt).
* ``w:autoSpaceDE``/``w:autoSpaceDN`` are dropped, so ``ParaIsCharacterDistance`` keeps its
  default and a fifth of the font size (3.2 pt at 三号) is put between a CJK character and
  a digit or Latin letter (measured: ``2020年12月15日`` 131.3 pt wide instead of 109.3 pt).
* Digits come from the CJK substitute for 仿宋_GB2312 (Noto Serif CJK SC), whose Latin
  glyphs are proportional (0.471–0.562 em) where 仿宋_GB2312 has half-width ones (0.5 em).

No single DOCX value can fix the first for both programs (Word needs ``val="0"`` to keep 28
characters per line, LibreOffice would need ``val="1"``), and nothing in a DOCX reaches the
second. So the .docx files keep the OOXML meaning and the conversion restores it for
LibreOffice: each document is staged with its Latin fonts asking for the OpenType ``hwid``
feature (LibreOffice's ``Name:feature`` font syntax; half-width Latin in Noto CJK), imported
to LibreOffice's own format, where every paragraph style gets ``style:text-autospace="none"``
and ``style:punctuation-wrap="simple"``, and exported to PDF. The rendered lines then fall
where :mod:`reportgen.layout` predicts them (tests/test_render_pdf.py measures it). Two
soffice calls per build, each converting every file.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import OutputError, Place

INSTALL_HINT = ("install LibreOffice and the fonts, e.g. on Debian/Ubuntu: "
                "apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
# Font slots of w:rFonts that carry Latin text (digits, letters); eastAsia keeps its font.
LATIN_SLOTS = ("ascii", "hAnsi")
HALF_WIDTH_FEATURE = "hwid"
# What every paragraph of a reportgen document says in its .docx (autoSpaceDE/DN and
# overflowPunct off), written in LibreOffice's own terms.
PARAGRAPH_FIXES = {"text-autospace": "none", "punctuation-wrap": "simple"}


def fonts_conf() -> Path:
    return Path(__file__).resolve().parent.parent / "resources" / "fonts.conf"


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _rewrite_zip(data: bytes, parts: re.Pattern[str], edit) -> bytes:  # type: ignore[no-untyped-def]
    """Copy a zip, passing the members whose names match ``parts`` through ``edit`` (bytes → bytes).

    A ``mimetype`` member (ODF) stays first and stored, as the format requires.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if parts.fullmatch(info.filename):
                body = edit(body)
            kind = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, body, compress_type=kind)
    return out.getvalue()


def _half_width_latin(xml: bytes) -> bytes:
    """Ask for half-width Latin glyphs in every Latin font slot of a WordprocessingML part."""
    from lxml import etree

    root = etree.fromstring(xml)
    for fonts in root.iter(f"{{{W_NS}}}rFonts"):
        for slot in LATIN_SLOTS:
            name = fonts.get(f"{{{W_NS}}}{slot}")
            if name and ":" not in name:
                fonts.set(f"{{{W_NS}}}{slot}", f"{name}:{HALF_WIDTH_FEATURE}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def stage_docx(data: bytes) -> bytes:
    """The .docx as handed to LibreOffice: Latin fonts with the ``hwid`` feature."""
    return _rewrite_zip(data, re.compile(r"word/[^/]+\.xml"), _half_width_latin)


def _paragraph_fixes(xml: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml)
    for props in root.iter(f"{{{STYLE_NS}}}paragraph-properties"):
        for name, value in PARAGRAPH_FIXES.items():
            props.set(f"{{{STYLE_NS}}}{name}", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def fix_odt(data: bytes) -> bytes:
    """Turn autospace and hanging punctuation off in every paragraph style of an ODF text."""
    return _rewrite_zip(data, re.compile(r"(content|styles)\.xml"), _paragraph_fixes)


def _soffice(soffice: str, target: str, files: list[Path], out_dir: Path, timeout: float,
             shown: list[Path]) -> None:
    """One soffice run converting ``files`` to ``target``; errors name ``shown`` (the user's files)."""
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf()))
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(out_dir), *[str(f) for f in files]]
        try:
            result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                                    check=False)
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice did not finish within {timeout:.0f} s",
                              place=Place(str(shown[0]))) from None
    missing = [user for f, user in zip(files, shown, strict=True)
               if not (out_dir / f"{f.stem}.{target}").is_file()]
    if result.returncode != 0 or missing:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise OutputError(f"LibreOffice failed to convert: {detail[0]}",
                          place=Place(str(missing[0] if missing else shown[0])))


def convert(files: list[Path], out_dir: Path, timeout: float = 300) -> list[Path]:
    """Convert .docx files written by reportgen to PDF in ``out_dir`` (see the module docstring)."""
    soffice = find_soffice()
    if soffice is None:
        raise OutputError("LibreOffice (soffice) is not installed: cannot make PDF",
                          hint=INSTALL_HINT + "; the .docx files were written")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as work:
        staged_dir, odt_dir = Path(work, "docx"), Path(work, "odt")
        staged_dir.mkdir()
        staged: list[Path] = []
        for f in files:
            try:
                data = f.read_bytes()
            except OSError as exc:
                raise OutputError(f"cannot read {f.name}: {exc.strerror}", place=Place(str(f))) from None
            try:
                staged_bytes = stage_docx(data)
            except (zipfile.BadZipFile, KeyError, ValueError) as exc:
                raise OutputError(f"not a .docx file: {exc}", place=Place(str(f))) from None
            staged.append(staged_dir / f.name)
            staged[-1].write_bytes(staged_bytes)
        _soffice(soffice, "odt", staged, odt_dir, timeout, files)
        odts = [odt_dir / f"{f.stem}.odt" for f in files]
        for odt in odts:
            odt.write_bytes(fix_odt(odt.read_bytes()))
        _soffice(soffice, "pdf", odts, out_dir, timeout, files)
    return [out_dir / f"{f.stem}.pdf" for f in files]
