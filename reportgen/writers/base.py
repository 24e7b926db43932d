"""The minimal .docx package the writer starts from.

python-docx's own template carries a 350 KB styles part (most of the save time) and a
``ja-JP`` East Asian theme language that sends CJK text to Japanese fallback fonts.
This package has only what the writer uses: GB/T 9704 page defaults, a Normal style
on the 579-twip grid with widow control, hanging punctuation and autospace off, and a
Footer style; and what Word and WPS need to lay it out as the layout does: a font table whose
entries let them substitute a missing GB font by a like one (FONT_DATA, FALLBACKS), the layout's
kinsoku lists and Word's compatibility block in the settings, a minimal theme.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache

from .. import spec
from ..spec import Style


def quoteattr(value: str) -> str:
    """An XML attribute value with its quotes. (xml.sax.saxutils has one, but importing it
    imports urllib, http and email: a fifth of a cold build's start.)"""
    escaped = (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               .replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))
    return f'"{escaped}"'

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>
</Relationships>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title></dc:title><dc:creator>reportgen</dc:creator></cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>reportgen</Application></Properties>"""

WORD_URI = "http://schemas.microsoft.com/office/word"
# The compatibility block as Word 2013–365 writes it for a new document (compatibilityMode 15 and
# the four settings it adds; seen verbatim in the corpus' Word files), with the two legacy flags
# Word and WPS zh-CN files carry that can matter here: doNotExpandShiftReturn (a justified line
# ending in w:br is not stretched, 17.15.3.5) and useFELayout (East Asian layout rules).
COMPAT = ("<w:compat><w:doNotExpandShiftReturn/><w:useFELayout/>" + "".join(
    f'<w:compatSetting w:name="{name}" w:uri="{WORD_URI}" w:val="{val}"/>' for name, val in (
        ("compatibilityMode", "15"), ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"), ("doNotFlipMirrorIndents", "1"),
        ("differentiateMultirowTableHeaders", "1"))) + "</w:compat>")


def kinsoku_lists() -> tuple[str, str]:
    """(no line start, no line end): reportgen.layout's own 禁则 lists, in code-point order.

    Written as w:noLineBreaksBefore/After (17.15.1.58, 17.15.1.59), they replace Word's built-in
    zh-CN lists, which differ from the layout's (Word's keeps "…" and "·" off a line start and
    "·" off a line end, and lacks "‰℃"…)."""
    from ..layout import NO_LINE_END, NO_LINE_START

    return "".join(sorted(NO_LINE_START)), "".join(sorted(NO_LINE_END))


def settings_xml() -> str:
    """Document settings, children in CT_Settings order: even/odd footers; no kerning of CJK
    punctuation (Word kerns it when w:kern is on and this is absent, 17.15.1.60; LibreOffice does
    not, and the layout assumes full-width marks); no compression of punctuation; the kinsoku
    lists; compatibility; the East Asian theme language."""
    start, end = kinsoku_lists()
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}">
<w:defaultTabStop w:val="420"/>
<w:evenAndOddHeaders/>
<w:noPunctuationKerning/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:noLineBreaksAfter w:lang="zh-CN" w:val={quoteattr(end)}/>
<w:noLineBreaksBefore w:lang="zh-CN" w:val={quoteattr(start)}/>
{COMPAT}
<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>
</w:settings>"""


A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"


def theme_xml(style: Style) -> str:
    """The smallest theme the schema accepts (Open XML validators require a main document to
    have one). Its fonts are the house fonts, so a user who picks a theme font in Word gets
    小标宋 for headings and 仿宋 for text; the writer itself never refers to the theme."""
    f = style.fonts

    def fonts(kind: str, name: str) -> str:
        return (f"<a:{kind}><a:latin typeface={quoteattr(f.latin or name)}/><a:ea typeface={quoteattr(name)}/>"
                f'<a:cs typeface=""/></a:{kind}>')

    colours = "".join(f'<a:{slot}><a:srgbClr val="{rgb}"/></a:{slot}>' for slot, rgb in (
        ("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "000000"), ("lt2", "FFFFFF"),
        ("accent1", style.red), ("accent2", "000000"), ("accent3", "000000"), ("accent4", "000000"),
        ("accent5", "000000"), ("accent6", "000000"), ("hlink", "0000FF"), ("folHlink", "800080")))
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="{A_NS}" name="reportgen"><a:themeElements>
<a:clrScheme name="reportgen">{colours}</a:clrScheme>
<a:fontScheme name="reportgen">{fonts("majorFont", f.xiaobiaosong)}{fonts("minorFont", f.fangsong)}</a:fontScheme>
<a:fmtScheme name="reportgen"><a:fillStyleLst>{fill * 3}</a:fillStyleLst><a:lnStyleLst>{line * 3}</a:lnStyleLst>\
<a:effectStyleLst>{effect * 3}</a:effectStyleLst><a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>
</a:themeElements></a:theme>"""


def document_xml(style: Style) -> str:
    """An empty body with the section: A4, the style's margins, footer 7 mm below the type area."""
    page = style.page
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body><w:sectPr>
<w:pgSz w:w="{spec.PAGE_WIDTH}" w:h="{spec.PAGE_HEIGHT}"/>
<w:pgMar w:top="{page.top}" w:right="{page.right}" w:bottom="{page.bottom}" w:left="{page.left}" w:header="{spec.HEADER_DISTANCE}" w:footer="{style.footer_distance}" w:gutter="0"/>
<w:cols w:space="425"/>
<w:docGrid w:type="lines" w:linePitch="{spec.LINE_PITCH}"/>
</w:sectPr></w:body></w:document>"""


def rfonts(name: str, latin: str | None = None) -> str:
    """All four rFonts slots with the eastAsia hint, no theme fonts [notes: Fonts]."""
    lat = quoteattr(latin or name)
    cjk = quoteattr(name)
    return f'<w:rFonts w:ascii={lat} w:hAnsi={lat} w:eastAsia={cjk} w:cs={lat} w:hint="eastAsia"/>'


#: Word's and WPS's built-in heading styles (标题 1–4 in a Chinese Office): their English
#: w:name is how both programs know them as built-in, so the navigation pane and the table
#: of contents pick up the paragraphs that use them.
HEADING_STYLE_IDS = ("Heading1", "Heading2", "Heading3", "Heading4")


def heading_styles_xml() -> str:
    """The four heading styles: nothing but the outline level on top of Normal.

    Every heading paragraph carries its whole look directly (fonts, size, bold, indents,
    spacing), so the styles change no line of the page. They still say what a program's own
    defaults for its headings would add (LibreOffice keeps its headings with the next
    paragraph and bolds them): off, unless the paragraph itself says otherwise.
    """
    return "\n".join(
        f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="heading {level + 1}"/>'
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>'
        f'<w:pPr><w:keepNext w:val="0"/><w:keepLines w:val="0"/><w:outlineLvl w:val="{level}"/></w:pPr>'
        '<w:rPr><w:b w:val="0"/><w:bCs w:val="0"/></w:rPr></w:style>'
        for level, sid in enumerate(HEADING_STYLE_IDS))


def styles_xml(style: Style) -> str:
    f = style.fonts
    body_size = int(spec.BODY_SIZE * 2)
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
<w:rPrDefault><w:rPr>{rfonts(f.fangsong, f.latin)}<w:kern w:val="2"/><w:sz w:val="{body_size}"/><w:szCs w:val="{body_size}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{spec.LINE_PITCH}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>
<w:pPr><w:widowControl w:val="0"/><w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{spec.LINE_PITCH}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr>
<w:rPr>{rfonts(f.fangsong, f.latin)}<w:spacing w:val="{spec.BODY_TRACKING}"/><w:sz w:val="{body_size}"/><w:szCs w:val="{body_size}"/></w:rPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:semiHidden/></w:style>
{heading_styles_xml()}
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>
<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr>
<w:rPr>{rfonts(f.songti)}<w:spacing w:val="0"/><w:sz w:val="{int(spec.COLOPHON_SIZE * 2)}"/><w:szCs w:val="{int(spec.COLOPHON_SIZE * 2)}"/></w:rPr></w:style>
</w:styles>"""


@dataclass(frozen=True)
class FontData:
    """What word/fontTable.xml says about a font so that Word can pick a look-alike when the font
    is missing (ECMA-376 Part 1 17.8.3; Part 3, font substitution): the charset, the family and
    pitch, and for fonts whose data is known the PANOSE number and the Unicode/code-page signature."""

    charset: str  # 86 = GB2312, 00 = ANSI
    family: str  # roman, swiss, modern, script, decorative, auto
    pitch: str  # fixed, variable, default
    panose: str | None = None
    sig: tuple[str, str, str, str, str, str] | None = None  # usb0..usb3, csb0, csb1


# Values as Word 2016 itself stored them for these fonts in the fontTable.xml of Word-authored
# 公文 templates (the project's corpus, /work/shared/corpus: billysince_gg_1.docx for 仿宋_GB2312,
# 仿宋, 黑体, 宋体, 方正小标宋简体 and Times New Roman; billysince_hyjy_1.docx for 楷体_GB2312;
# billysince_cz_1.docx for 楷体). The GB fonts are not installed here, so fc-query cannot read
# them; the Noto CJK stand-ins LibreOffice uses have other PANOSE numbers.
_GB_SIG = ("00000001", "080E0000", "00000010", "00000000", "00040000", "00000000")
_WIN_CJK_SIG = ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")
FONT_DATA: dict[str, FontData] = {
    "仿宋_GB2312": FontData("86", "modern", "fixed", "02010609030101010101", _GB_SIG),
    "楷体_GB2312": FontData("86", "modern", "fixed", "02010609030101010101", _GB_SIG),
    "方正小标宋简体": FontData("86", "script", "fixed", "03000509000000000000", _GB_SIG),
    "仿宋": FontData("86", "modern", "fixed", "02010609060101010101", _WIN_CJK_SIG),
    "楷体": FontData("86", "modern", "fixed", "02010609060101010101", _WIN_CJK_SIG),
    "黑体": FontData("86", "modern", "fixed", "02010609060101010101", _WIN_CJK_SIG),
    "宋体": FontData("86", "auto", "variable", "02010600030101010101",
                   ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000")),
    "Times New Roman": FontData("00", "roman", "variable", "02020603050405020304",
                                ("E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000")),
}
# A font of a kind whose data is not known: what the kind's usual font has, without PANOSE
# and signature (a wrong PANOSE would lead Word's matching astray).
KIND_DATA: dict[str, FontData] = {
    "fangsong": FontData("86", "modern", "fixed"),
    "kaiti": FontData("86", "modern", "fixed"),
    "heiti": FontData("86", "modern", "fixed"),
    "xiaobiaosong": FontData("86", "script", "fixed"),
    "songti": FontData("86", "auto", "variable"),
    "latin": FontData("00", "auto", "variable"),
}
# altName: a font every Chinese Windows (7 to 11) installs, with the same metrics class, for
# Word to use when the named one is missing (without it Word picks 宋体 or 微软雅黑, whose digits
# are wider). Word stores 黑体 and 宋体 with their English names as altName; a house style names
# its own choice per kind (Style.font_fallbacks), e.g. 华文中宋 for 小标宋 where Chinese Office is
# installed.
FALLBACKS: dict[str, str] = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体",
                             "黑体": "SimHei", "宋体": "SimSun"}
KIND_FALLBACKS: dict[str, str | None] = {"fangsong": "仿宋", "kaiti": "楷体", "heiti": "黑体",
                                         "xiaobiaosong": "宋体", "songti": "宋体", "latin": None}
FONT_KINDS = ("fangsong", "heiti", "kaiti", "xiaobiaosong", "songti", "latin")


def font_entry(name: str, kind: str, fallback: str | None = None) -> str:
    """One w:font of the font table, children in schema order (altName, panose1, charset,
    family, pitch, sig). ``fallback`` overrides the built-in altName."""
    data = FONT_DATA.get(name) or KIND_DATA[kind]
    alt = fallback or FALLBACKS.get(name) or KIND_FALLBACKS[kind]
    parts = [f"<w:font w:name={quoteattr(name)}>"]
    if alt and alt != name:
        parts.append(f"<w:altName w:val={quoteattr(alt)}/>")
    if data.panose:
        parts.append(f'<w:panose1 w:val="{data.panose}"/>')
    parts.append(f'<w:charset w:val="{data.charset}"/><w:family w:val="{data.family}"/>'
                 f'<w:pitch w:val="{data.pitch}"/>')
    if data.sig:
        names = ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1")
        parts.append("<w:sig " + " ".join(f'w:{k}="{v}"' for k, v in zip(names, data.sig, strict=True)) + "/>")
    parts.append("</w:font>")
    return "".join(parts)


def font_table_xml(style: Style) -> str:
    """Every font the writer names, once (the first kind that uses a name decides its entry)."""
    entries: dict[str, str] = {}
    for kind in FONT_KINDS:
        name = getattr(style.fonts, kind)
        if name and name not in entries:
            entries[name] = font_entry(name, kind, getattr(style.font_fallbacks, kind))
    fonts = "".join(entries.values())
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{W_NS}">{fonts}</w:fonts>'


@lru_cache(maxsize=8)
def base_docx(style: Style) -> bytes:
    """The package bytes for a style (cached: styles differ only per project)."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/core.xml": CORE,
        "docProps/app.xml": APP,
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/document.xml": document_xml(style),
        "word/styles.xml": styles_xml(style),
        "word/settings.xml": settings_xml(),
        "word/fontTable.xml": font_table_xml(style),
        "word/theme/theme1.xml": theme_xml(style),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))
    return buf.getvalue()
