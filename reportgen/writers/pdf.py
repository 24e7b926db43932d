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
feature (LibreOffice's ``Name:feature`` font syntax; half-width Latin in Noto CJK), and a
LibreOffice Basic macro (resources/pdf_convert.bas) opens it, turns ``ParaIsHangingPunctuation``
and ``ParaIsCharacterDistance`` off in the defaults, every paragraph style and every paragraph,
and exports it to PDF. The rendered lines then fall where :mod:`reportgen.layout` predicts them
(tests/test_render_pdf.py measures it).

Two things the .docx carries for Word and WPS are taken out of the staged copy, because
LibreOffice 7.4 reads them otherwise: the word joiners of writers/docx.joiner_offsets (LibreOffice
keeps those places together by itself, and splits "——|——" when a joiner is there), and the 版记
floating at the bottom of the type area (LibreOffice puts a floating table at the top of the
page): the copy gets the inline 版记 after the blank lines the layout counted, recorded in the
settings part. The staged document and settings are then the XML the writer makes with
``anchored=False`` (tests/test_word_fidelity.py compares them canonicalised).

One soffice process converts every file of a build. It starts with a fresh temporary profile
whose Standard Basic library holds the macro and runs it (``macro:///Standard.Convert.Main``;
Basic needs nothing beyond LibreOffice itself, unlike Python-UNO, which Debian packages
separately). The macro reads the list of files from the file an environment variable names and
appends one status line per file, so a file LibreOffice cannot convert is reported by its name
and the others are still written. Two things keep the first start of that profile from undoing
or repeating work: it says it is set up (``ooSetupInstCompleted``), else LibreOffice copies its
presets over it, the Basic libraries included; and it records the installation's build id
(``user/extensions/buildid``), else LibreOffice clears the extension data and starts soffice.bin
a second time.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import OutputError, Place, Problem

INSTALL_HINT = ("install LibreOffice and the fonts, e.g. on Debian/Ubuntu: "
                "apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Font slots of w:rFonts that carry Latin text (digits, letters); eastAsia keeps its font.
LATIN_SLOTS = ("ascii", "hAnsi")
HALF_WIDTH_FEATURE = "hwid"
FAILED_HINT = "the .docx was written; open it in LibreOffice Writer to see whether it loads"
MACRO_URL = "macro:///Standard.Convert.Main"
JOBS_VARIABLE, STATUS_VARIABLE = "REPORTGEN_PDF_JOBS", "REPORTGEN_PDF_STATUS"


def fonts_conf() -> Path:
    return Path(__file__).resolve().parent.parent / "resources" / "fonts.conf"


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _rewrite_zip(data: bytes, parts: re.Pattern[str], edit) -> bytes:  # type: ignore[no-untyped-def]
    """Copy a zip, passing the members whose names match ``parts`` through ``edit`` (name, bytes → bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if parts.fullmatch(info.filename):
                body = edit(info.filename, body)
            dst.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


WORD_JOINER = "\u2060"


def _half_width_latin(xml: bytes) -> bytes:
    """Ask for half-width Latin glyphs in every Latin font slot of a WordprocessingML part, and
    take out the word joiners the writer puts in for Word and WPS (writers/docx.joiner_offsets).

    LibreOffice already keeps those places together by its own rules, which the layout follows;
    with a joiner in the text it splits "——|——" instead (measured, tests/test_linebreak_rules.py)."""
    from lxml import etree

    root = etree.fromstring(xml)
    for fonts in root.iter(f"{{{W_NS}}}rFonts"):
        for slot in LATIN_SLOTS:
            name = fonts.get(f"{{{W_NS}}}{slot}")
            if name and ":" not in name:
                fonts.set(f"{{{W_NS}}}{slot}", f"{name}:{HALF_WIDTH_FEATURE}")
    for t in root.iter(f"{{{W_NS}}}t"):
        if t.text and WORD_JOINER in t.text:
            t.text = t.text.replace(WORD_JOINER, "")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _colophon_pad(settings: bytes) -> tuple[bytes, int | None]:
    """The settings part without the 版记's padding variable, and the padding (None: none recorded)."""
    from lxml import etree

    from .docx import COLOPHON_PAD_VARIABLE

    root = etree.fromstring(settings)
    for variables in root.findall(f"{{{W_NS}}}docVars"):
        for var in variables.findall(f"{{{W_NS}}}docVar"):
            if var.get(f"{{{W_NS}}}name") == COLOPHON_PAD_VARIABLE:
                value = var.get(f"{{{W_NS}}}val") or ""
                variables.remove(var)
                if not len(variables):
                    root.remove(variables)
                pad = int(value) if value.isdigit() else None
                return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), pad
    return settings, None


def _padded_colophon(document: bytes, pad: int) -> bytes:
    """The floating 版记 table made inline again, after ``pad`` blank lines (writers/docx.COLOPHON_FLOAT)."""
    from lxml import etree

    from .docx import blank_line

    root = etree.fromstring(document)
    for float_pr in root.iter(f"{{{W_NS}}}tblpPr"):
        if float_pr.get(f"{{{W_NS}}}tblpYSpec") != "bottom":
            continue
        tbl_pr = float_pr.getparent()
        tbl_pr.remove(float_pr)
        for overlap in tbl_pr.findall(f"{{{W_NS}}}tblOverlap"):
            tbl_pr.remove(overlap)
        tbl = tbl_pr.getparent()
        for _ in range(pad):
            tbl.addprevious(etree.fromstring(etree.tostring(blank_line())))
        break
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def stage_docx(data: bytes) -> bytes:
    """The .docx as handed to LibreOffice: Latin fonts with the ``hwid`` feature, no word joiners,
    and the 版记 padded down the page instead of floating at its bottom (LibreOffice 7.4 puts a
    floating table at the top of the page)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        settings = zf.read("word/settings.xml") if "word/settings.xml" in zf.namelist() else b""
    pad = _colophon_pad(settings)[1] if b"docVar" in settings else None

    def edit(name: str, xml: bytes) -> bytes:
        if pad is not None and name == "word/settings.xml":
            xml = _colophon_pad(xml)[0]
        if pad is not None and name == "word/document.xml":
            xml = _padded_colophon(xml, pad)
        return _half_width_latin(xml)

    return _rewrite_zip(data, re.compile(r"word/[^/]+\.xml"), edit)


_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_DTD = '<!DOCTYPE library:{0} PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "{0}.dtd">\n'
_LIBRARY_NS = 'xmlns:library="http://openoffice.org/2000/library"'
_LIBRARIES = (_XML + _DTD.format("libraries") + f'<library:libraries {_LIBRARY_NS} '
              'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
              ' <library:library library:name="Standard" library:link="false"/>\n</library:libraries>\n')
_LIBRARY = (_XML + _DTD.format("library") + f'<library:library {_LIBRARY_NS} library:name="Standard" '
            'library:readonly="false" library:passwordprotected="false"{}\n')
_MODULE = (_XML + '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" '
           '"module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" '
           'script:name="Convert" script:language="StarBasic">{}</script:module>\n')
_REGISTRY = (_XML + '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
             'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
             '<item oor:path="/org.openoffice.Setup/Office"><prop oor:name="ooSetupInstCompleted" '
             'oor:op="fuse"><value>true</value></prop></item>\n</oor:items>\n')


def macro_source() -> str:
    return (Path(__file__).resolve().parent.parent / "resources" / "pdf_convert.bas").read_text("utf-8")


def build_id(soffice: str) -> str | None:
    """The build id of the LibreOffice installation behind ``soffice`` (its versionrc), if found."""
    program = Path(os.path.realpath(soffice)).parent
    # Linux and BSD, Windows, macOS (soffice in Contents/MacOS, the file in Contents/Resources).
    for candidate in (program / "versionrc", program / "version.ini",
                      program.parent / "Resources" / "versionrc"):
        try:
            text = candidate.read_text("utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "buildid" and value.strip():
                return value.strip()
    return None


def write_profile(root: Path, build: str | None = None) -> None:
    """A LibreOffice user profile whose Standard Basic library holds the conversion macro (module Convert).

    With the installation's ``build`` id recorded as LibreOffice records it, the first start does not
    take the profile for one of an older version, clear its extension data and start soffice.bin again.
    """
    from xml.sax.saxutils import escape

    user = root / "user"
    library = user / "basic" / "Standard"
    library.mkdir(parents=True)
    if build:
        (user / "extensions").mkdir()
        (user / "extensions" / "buildid").write_text(build, "utf-8")
    (user / "registrymodifications.xcu").write_text(_REGISTRY, "utf-8")
    for kind in ("script", "dialog"):
        (user / "basic" / f"{kind}.xlc").write_text(_LIBRARIES, "utf-8")
    (library / "dialog.xlb").write_text(_LIBRARY.format("/>"), "utf-8")
    (library / "script.xlb").write_text(
        _LIBRARY.format('>\n <library:element library:name="Convert"/>\n</library:library>'), "utf-8")
    (library / "Convert.xba").write_text(_MODULE.format(escape(macro_source())), "utf-8")


def _stop(proc: subprocess.Popen[str]) -> None:
    """Kill soffice and what it started (oosplash starts soffice.bin; both are in its session).

    Killing only the process started would leave soffice.bin running, holding the output pipes open.
    """
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError, PermissionError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=10)


def _run_soffice(soffice: str, jobs: list[tuple[Path, Path]], work: Path,
                 timeout: float) -> tuple[list[str], str]:
    """Run the macro on ``jobs`` (source .docx, target .pdf) in one soffice process.

    Returns the status lines (one per job reached) and, when soffice stopped early or timed out, why.
    """
    profile, jobs_file, status_file = work / "profile", work / "jobs.txt", work / "status.txt"
    write_profile(profile, build_id(soffice))
    jobs_file.write_text("".join(f"{src.as_uri()}\t{dst.as_uri()}\n" for src, dst in jobs), "utf-8")
    status_file.touch()
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf()),
               **{JOBS_VARIABLE: jobs_file.as_uri(), STATUS_VARIABLE: status_file.as_uri()})
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", MACRO_URL]
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
        stopped = ""
    except subprocess.TimeoutExpired:
        _stop(proc)
        stdout = stderr = ""
        stopped = f"LibreOffice did not finish within {timeout:.0f} s"
    statuses = status_file.read_text("utf-8", errors="replace").splitlines()
    if not stopped and len(statuses) < len(jobs):
        said = [line.strip() for line in (stderr + stdout).splitlines()
                if line.strip() and "javaldx" not in line]  # a warning of every start without Java
        stopped = f"LibreOffice stopped (exit status {proc.returncode})" + (f": {said[-1]}" if said else "")
    return statuses, stopped


def convert(files: list[Path], out_dir: Path, timeout: float = 300) -> list[Path]:
    """Convert .docx files written by reportgen to PDF in ``out_dir`` (see the module docstring).

    Every file that converts is written (atomically); the others are reported together, each by
    its name, in one OutputError.
    """
    from ..files import write_atomic

    soffice = find_soffice()
    if soffice is None:
        raise OutputError("LibreOffice (soffice) is not installed: cannot make PDF",
                          hint=INSTALL_HINT + "; the .docx files were written")
    if not files:
        return []
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as tmp:
        work = Path(tmp)
        jobs: list[tuple[Path, Path]] = []
        for number, f in enumerate(files):
            try:
                data = f.read_bytes()
            except OSError as exc:
                raise OutputError(f"cannot read {f.name}: {exc.strerror}", place=Place(str(f))) from None
            try:
                staged_bytes = stage_docx(data)
            except (zipfile.BadZipFile, KeyError, ValueError) as exc:
                raise OutputError(f"not a .docx file: {exc}", place=Place(str(f))) from None
            # One folder per file: LibreOffice sees the user's file name, and equal names cannot collide.
            folder = work / "files" / str(number)
            folder.mkdir(parents=True)
            (folder / f.name).write_bytes(staged_bytes)
            jobs.append((folder / f.name, folder / f"{f.stem}.pdf"))
        statuses, stopped = _run_soffice(soffice, jobs, work, timeout)
        # The file LibreOffice was busy with when it stopped without a word, if it did.
        current = None if statuses and statuses[-1].startswith("stopped") else len(statuses)
        written: list[Path] = []
        problems: list[Problem] = []
        for number, (f, (_src, pdf)) in enumerate(zip(files, jobs, strict=True)):
            kind, _, reason = (statuses[number] if number < len(statuses) else "").partition("\t")
            if kind == "ok" and pdf.is_file():
                target = out_dir / pdf.name
                try:
                    write_atomic(target, pdf.read_bytes(), files)
                except OutputError as exc:  # this PDF only: the others are still written
                    problems.extend(exc.problems)
                    continue
                written.append(target)
                continue
            if kind == "ok":
                message = "LibreOffice wrote no PDF for it"
            elif kind in ("error", "stopped"):
                message = f"LibreOffice could not convert it to PDF: {reason}"
            elif number == current:
                message = f"{stopped or 'LibreOffice stopped'} while converting it to PDF"
            else:
                message = "not converted to PDF: LibreOffice had stopped before it"
            problems.append(Problem(message, Place(str(f)), FAILED_HINT))
    if problems:
        raise OutputError(problems)
    return written
