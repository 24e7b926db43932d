"""A draft's seal picture (印章) carried over by ``reportgen format``, placed as GB/T 9704 places it.

A draft typed in Word often holds the seal as a picture next to its signature and date. The
layout re-sets those two lines; the seal is then put back over them [7.3.5.1]: 居中下压发文机关
署名和成文日期 — centred on the date (the signature is centred over the date), its centre a little
above the two lines, so that they stand 印章中心偏下. It floats in front of the text (no wrapping),
so it moves no line the layout predicted.

Only a picture that is a seal by its place and shape is carried: in the signature's or the
date's paragraph or in an empty paragraph between or just around them, roughly square, 25 to
60 mm across. Any other picture (a logo, a scanned page, a figure in the text) is named in a
warning as before.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import spec
from .check.docxread import Para
from .check.to_model import ReadDocument

EMU_PER_MM = 36000
EMU_PER_TWIP = 635
SEAL_MIN_MM, SEAL_MAX_MM = 25.0, 60.0
# The seal's centre stands this many grid lines above the boundary between the signature line and
# the date line below it: the two lines then sit a little below the seal's centre (中心偏下).
CENTRE_ABOVE_LINES = 0.3
_ROLES = frozenset({"signature", "date", "blank", "seal"})
_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif",
          "bmp": "image/bmp", "emf": "image/x-emf", "wmf": "image/x-wmf", "tiff": "image/tiff"}
_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


@dataclass(frozen=True)
class Seal:
    """A seal picture of the draft: its bytes, file extension and size in EMU, and where it was."""

    data: bytes
    ext: str
    cx: int
    cy: int
    paragraph: int  # 第N段 of the draft


def find_seals(read: ReadDocument, path: Path) -> list[Seal]:
    """The draft's seal pictures (see the module's description); none without signature and date."""
    doc, roles = read.document, read.structure.roles
    signature, date = read.fields.get("signature") or [], read.fields.get("date") or []
    if not doc.date or not (signature or date):
        return []
    # From the blank lines right above the signature (the seal's room) to the line under the date:
    # a picture higher up stands in the text, not on the signature.
    first = min(p.index for p in signature + date)
    while first - 1 in roles and roles[first - 1].role in ("blank", "seal"):
        first -= 1
    last = max(p.index for p in signature + date) + 1
    candidates = [p for p in read.view.paras if p.images and first <= p.index <= last
                  and roles[p.index].role in _ROLES and not p.in_table and not p.in_box]
    if not candidates:
        return []
    import docx

    part = docx.Document(str(path)).part
    seals: list[Seal] = []
    for p in candidates:
        seals += _seals_of(p, part)
    return seals


def _seals_of(p: Para, part: object) -> list[Seal]:
    out = []
    for rid, cx, cy in p.images:
        if not cx or not cy or not (0.8 <= cx / cy <= 1.25):
            continue
        if not SEAL_MIN_MM <= max(cx, cy) / EMU_PER_MM <= SEAL_MAX_MM:
            continue
        image = getattr(part, "related_parts", {}).get(rid)
        if image is None:
            continue
        ext = image.partname.ext.lower()
        if ext not in _TYPES:
            continue
        out.append(Seal(image.blob, ext, cx, cy, p.index))
    return out


def with_seals(data: bytes, seals: list[Seal], date_text: str, style: spec.Style) -> bytes:
    """The written package with each seal floating over the signature and the date.

    The date's paragraph is the last one whose text is the date as printed (its right indent
    tells where it ends); each seal is centred on the date's middle. Zip members keep the
    package's order and timestamps, so the same draft gives the same bytes.
    """
    from lxml import etree

    from .layout import cells, char_twips

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        parts = {info.filename: zf.read(info) for info in infos}
    root = etree.fromstring(parts["word/document.xml"])
    w = f"{{{_NS['w']}}}"
    wanted = re.sub(r"\s|\u2060", "", date_text)
    paragraph = None
    for p in root.iter(f"{w}p"):
        if re.sub(r"\s|\u2060", "", "".join(t.text or "" for t in p.iter(f"{w}t"))) == wanted:
            paragraph = p
    if paragraph is None:
        return data
    ind = paragraph.find(f"{w}pPr/{w}ind")
    right = int(ind.get(f"{w}right") or 0) if ind is not None else 0
    width = cells(date_text) * char_twips(spec.BODY_SIZE)
    centre_x = (style.text_width - right - width / 2) * EMU_PER_TWIP
    boundary_y = -CENTRE_ABOVE_LINES * spec.LINE_PITCH * EMU_PER_TWIP  # above the date line's top
    ids = [int(v) for v in root.xpath("//wp:docPr/@id", namespaces=_NS) if str(v).isdigit()]
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    types = etree.fromstring(parts["[Content_Types].xml"])
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    for n, seal in enumerate(seals, 1):
        rid, name = f"rIdSeal{n}", f"media/seal{n}.{seal.ext}"
        parts[f"word/{name}"] = seal.data
        etree.SubElement(rels, "{http://schemas.openxmlformats.org/package/2006/relationships}"
                         "Relationship", Id=rid, Type=IMAGE_REL, Target=name)
        if not any(d.get("Extension", "").lower() == seal.ext for d in types.iter(f"{ct}Default")):
            types.insert(0, etree.Element(f"{ct}Default", Extension=seal.ext, ContentType=_TYPES[seal.ext]))
        run = _anchor(rid, seal, round(centre_x - seal.cx / 2), round(boundary_y - seal.cy / 2),
                      max(ids, default=0) + n)
        paragraph.append(run)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                standalone=True)
    parts["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                                           standalone=True)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                                  standalone=True)
    stamp = infos[0].date_time if infos else (1980, 1, 1, 0, 0, 0)
    from .writers.docx import _zip

    return _zip(parts, stamp)


def _anchor(rid: str, seal: Seal, x: int, y: int, shape_id: int):  # type: ignore[no-untyped-def]
    """A run holding the seal as a floating picture in front of the text, placed from the margin
    (across) and from its paragraph (down)."""
    from lxml import etree

    xml = (
        f'<w:r xmlns:w="{_NS["w"]}" xmlns:wp="{_NS["wp"]}" xmlns:a="{_NS["a"]}" '
        f'xmlns:pic="{_NS["pic"]}" xmlns:r="{_NS["r"]}"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        f'relativeHeight="{251660000 + shape_id}" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{seal.cx}" cy="{seal.cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{shape_id}" name="印章 {shape_id}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="seal.{seal.ext}"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{seal.cx}" cy="{seal.cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        '</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>'
    )
    return etree.fromstring(xml)
