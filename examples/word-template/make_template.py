"""How 红头模板.docx was made: written as 红头模板.html, saved as .docx by LibreOffice Writer.

    python examples/word-template/make_template.py      # needs LibreOffice (soffice) on PATH

LibreOffice opens the HTML as a Writer document and saves it with its Word (2007-365)
filter, the same as 文件 → 另存为 → Word 2007-365 (.docx) in its window. LibreOffice
writes no theme part, which Word adds when it saves and Open XML validators require:
python-docx's default theme is added, nothing else is changed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "红头模板.html"
TARGET = HERE / "红头模板.docx"
THEME_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
THEME_TYPE = "application/vnd.openxmlformats-officedocument.theme+xml"


def default_theme() -> bytes:
    import docx

    with zipfile.ZipFile(Path(docx.__file__).parent / "templates" / "default.docx") as zf:
        return zf.read("word/theme/theme1.xml")


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML",
                        "--outdir", tmp, str(SOURCE)], check=True, capture_output=True, timeout=300)
        with zipfile.ZipFile(Path(tmp) / TARGET.name) as zf:
            parts = {name: zf.read(name) for name in zf.namelist()}
    if "word/theme/theme1.xml" not in parts:
        parts["word/theme/theme1.xml"] = default_theme()
        rels = parts["word/_rels/document.xml.rels"].decode()
        parts["word/_rels/document.xml.rels"] = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdTheme1" Type="{THEME_REL}" Target="theme/theme1.xml"/></Relationships>',
        ).encode()
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = re.sub(
            "</Types>", f'<Override PartName="/word/theme/theme1.xml" ContentType="{THEME_TYPE}"/></Types>',
            types).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), parts[name], zipfile.ZIP_DEFLATED)
    TARGET.write_bytes(out.getvalue())
    print(f"{TARGET.name} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
