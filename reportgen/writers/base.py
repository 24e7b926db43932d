"""The minimal .docx package the writer starts from.

python-docx's own template carries a 350 KB styles part (most of the save time) and a
``ja-JP`` East Asian theme language that sends CJK text to Japanese fallback fonts.
This package has only what the writer uses: GB/T 9704 page defaults, a Normal style
on the 579-twip grid with widow control, hanging punctuation and autospace off, and a
Footer style.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from xml.sax.saxutils import quoteattr

from .. import spec
from ..spec import Style

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

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}">
<w:defaultTabStop w:val="420"/>
<w:evenAndOddHeaders/>
<w:characterSpacingControl w:val="doNotCompress"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>
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
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/>
<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/></w:pPr>
<w:rPr>{rfonts(f.songti)}<w:spacing w:val="0"/><w:sz w:val="{int(spec.COLOPHON_SIZE * 2)}"/><w:szCs w:val="{int(spec.COLOPHON_SIZE * 2)}"/></w:rPr></w:style>
</w:styles>"""


def font_table_xml(style: Style) -> str:
    f = style.fonts
    names = [f.fangsong, f.heiti, f.kaiti, f.xiaobiaosong, f.songti] + ([f.latin] if f.latin else [])
    fonts = "".join(f'<w:font w:name={quoteattr(n)}><w:charset w:val="86"/></w:font>'
                    for n in dict.fromkeys(names))
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
        "word/settings.xml": SETTINGS,
        "word/fontTable.xml": font_table_xml(style),
        "word/theme/theme1.xml": theme_xml(style),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text.encode("utf-8"))
    return buf.getvalue()
