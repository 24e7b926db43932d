"""How 红头模板.docx was made, reproducibly:

    python examples/word-template/make_template.py      # needs LibreOffice (soffice) on PATH

1. reportgen builds the 2020 cover letter (宝网信办发〔2020〕38号) with the built-in `report`
   template: a GB/T 9704 红头 with the organ mark, the 文号 over the red rule, the title,
   主送, signature, date and 版记 — the office's template as it would look in Word.
2. The figures and names are replaced by tags, as a clerk would type them over the text,
   and the letter's text by the body block `{{p "../baoji-2020/summary.md.j2" | body }}`;
   the organ mark moves into a frameless text box across the type area (where offices keep
   their 红头), and a ruled table follows the body with one row per founded organisation
   (a `{%tr for f in founded %}` row loop).
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


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
EMU_PER_TWIP = 635
# The organ mark in a text box, as offices keep their 红头: a frameless box across the type
# area, anchored to the paragraph that holds the mark's room (its exact line height).
TEXT_BOX = """<w:r xmlns:w="{w}"><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0" locked="0"
 layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
<wp:docPr id="1" name="发文机关标志"/><wp:cNvGraphicFramePr/>
<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">
<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:cNvSpPr txBox="1"/>
<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
<a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr>
<wps:txbx><w:txbxContent><w:p><w:pPr><w:spacing w:lineRule="exact" w:line="{line}" w:before="0" w:after="0"/>
<w:jc w:val="center"/></w:pPr>{run}</w:p></w:txbxContent></wps:txbx>
<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t">
<a:noAutofit/></wps:bodyPr>
</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"""


def organ_mark_in_text_box(xml: str) -> str:
    """Move the run holding the organ mark's tag into a text box anchored in its paragraph."""
    from lxml import etree

    root = etree.fromstring(xml.encode())
    for p in root.iter(f"{{{W}}}p"):
        if "".join(p.itertext()) == "{{ document.organ_mark }}":
            run = p.find(f"{{{W}}}r")
            line = p.find(f"{{{W}}}pPr/{{{W}}}spacing").get(f"{{{W}}}line")
            box = TEXT_BOX.format(w=W, cx=8845 * EMU_PER_TWIP, cy=int(line) * EMU_PER_TWIP, line=line,
                                  run=etree.tostring(run, encoding="unicode"))
            p.replace(run, etree.fromstring(box))
            return etree.tostring(root, encoding="unicode")
    sys.exit("no organ mark paragraph in the built letter")


# One row per organisation founded this year: a row loop, as docxtpl writes it ({%tr %}).
FOUNDED_TABLE = (("序号", "新成立的网络社会组织", "同步建立党组织"),
                 ("{%tr for f in founded %}", "", ""),
                 ("{{ loop.index }}", "{{ f.name }}", '{{ "是" if f.party_org else "否" }}'),
                 ("{%tr endfor %}", "", ""))
COLUMNS = (1000, 5389, 2456)  # twips; together the type area's 8845


def _cell(text: str, width: int) -> str:
    run = (f'<w:r><w:rPr><w:rFonts w:ascii="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:eastAsia="仿宋_GB2312"/>'
           f'<w:sz w:val="32"/></w:rPr><w:t>{text}</w:t></w:r>') if text else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:lineRule="exact" w:line="579" w:before="0"'
            f' w:after="0"/><w:jc w:val="center"/></w:pPr>{run}</w:p></w:tc>')


def founded_table() -> str:
    """A ruled table with the founded organisations, one row each."""
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in COLUMNS)
    rows = "".join("<w:tr>" + "".join(_cell(text, w) for text, w in zip(row, COLUMNS, strict=True))
                   + "</w:tr>" for row in FOUNDED_TABLE)
    return (f'<w:tbl xmlns:w="{W}"><w:tblPr><w:tblW w:w="8845" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>')


def table_after_body(xml: str) -> str:
    """The founded organisations' table right after the body block."""
    from lxml import etree

    root = etree.fromstring(xml.encode())
    for p in root.iter(f"{{{W}}}p"):
        if "| body }}" in "".join(p.itertext()):
            p.addnext(etree.fromstring(founded_table()))
            return etree.tostring(root, encoding="unicode")
    sys.exit("no body block in the typed letter")


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
        parts["word/document.xml"] = table_after_body(organ_mark_in_text_box(xml)).encode()
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
