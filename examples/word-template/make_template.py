"""How 红头模板.docx was made, reproducibly:

    python examples/word-template/make_template.py      # needs LibreOffice (soffice) on PATH

1. reportgen builds the 2020 cover letter (宝网信办发〔2020〕38号) with the built-in `report`
   template: a GB/T 9704 红头 with the organ mark, the 文号 over the red rule, the title,
   主送, signature, date and 版记 — the office's template as it would look in Word.
2. The figures and names are replaced by tags, as a clerk would type them over the text,
   and the letter's text by the body block `{{p "../baoji-2020/summary.md.j2" | body }}`.
3. LibreOffice Writer opens the file and saves it with its Word 2007-365 filter (what
   文件 → 另存为 → .docx does in its window), so the template is a file a word processor wrote.
   LibreOffice writes no theme part, which Word adds when it saves and Open XML validators
   require: python-docx's default theme is added, nothing else is changed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TARGET = HERE / "红头模板.docx"
THEME_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
THEME_TYPE = "application/vnd.openxmlformats-officedocument.theme+xml"
# Text of the built letter → the tag typed over it.
TAGS = (
    (">中共宝鸡市委网信办<", ">{{ document.organ_mark }}<", 1),  # the organ mark (the signature stays)
    ("宝网信办发〔2020〕38号", "{{ document.code }}〔{{ document.date.year }}〕{{ document.number }}号", 1),
    ("2020年宝鸡市互联网企业党建工作总结", "{{ document.transmitted }}", 1),
    (">省委网信办", ">{{ document.to }}", 1),
    ("现随文报来《2020年宝鸡市互联网企业党建工作总结》，请审阅。",
     '{{p "../baoji-2020/summary.md.j2" | body }}', 1),
    ("2020年12月15日", "{{ document.date | cn_date }}", 1),
    ("市委组织部", '{{ document.cc | join("，") }}', 1),
)


def default_theme() -> bytes:
    import docx

    with zipfile.ZipFile(Path(docx.__file__).parent / "templates" / "default.docx") as zf:
        return zf.read("word/theme/theme1.xml")


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path: Path, parts: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            zf.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), parts[name], zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run([sys.executable, "-m", "reportgen.cli", "render", "report",
                        str(ROOT / "data" / "baoji-2020.yaml"), "-o", str(work / "letter.docx")],
                       check=True, cwd=ROOT, capture_output=True)
        parts = read_zip(work / "letter.docx")
        xml = parts["word/document.xml"].decode()
        for text, tag, count in TAGS:
            if xml.count(text) < count:
                sys.exit(f"not in the built letter: {text}")
            xml = xml.replace(text, tag, count)
        parts["word/document.xml"] = xml.encode()
        write_zip(work / "typed.docx", parts)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "saved"),
                        str(work / "typed.docx")], check=True, capture_output=True, timeout=300)
        parts = read_zip(work / "saved" / "typed.docx")
    if "word/theme/theme1.xml" not in parts:
        parts["word/theme/theme1.xml"] = default_theme()
        rels = parts["word/_rels/document.xml.rels"].decode()
        parts["word/_rels/document.xml.rels"] = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdTheme1" Type="{THEME_REL}" Target="theme/theme1.xml"/></Relationships>',
        ).encode()
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = types.replace(
            "</Types>", f'<Override PartName="/word/theme/theme1.xml" ContentType="{THEME_TYPE}"/></Types>',
        ).encode()
    write_zip(TARGET, parts)
    print(f"{TARGET.name} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
