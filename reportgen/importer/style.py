"""The house style of a .docx, as the ``style:`` settings that differ from GB/T 9704.

Read from what the file prints (the formatting ``check`` resolves), element by element: the
body's font (and its Latin font), the title's font and size, the headings' fonts, the organ
mark's colour and size, the margins. Only settings that differ from the defaults are given, and
only values the style accepts (:class:`reportgen.spec.Style` checks each).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .. import spec
from ..check.to_model import ReadDocument

_MARGIN_TOLERANCE_MM = 0.5


def _common(values: list[Any]) -> Any:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def house_style(read: ReadDocument) -> dict[str, Any]:
    roles = read.structure.roles
    by_role: dict[str, list[Any]] = {}
    for p in read.view.paras:
        role = roles.get(p.index)
        if role is not None and not p.in_table and not p.in_box:
            by_role.setdefault(role.role, []).append(p)

    def runs(role: str) -> list[Any]:
        return [r for p in by_role.get(role, []) for r in p.runs if r.text.strip()]

    def font(role: str, slot: str = "eastAsia") -> str | None:
        return _common([(r.fonts.get(slot).name if r.fonts.get(slot) else None) for r in runs(role)])

    default = spec.DEFAULT_STYLE
    found: dict[str, Any] = {}
    fonts: dict[str, str] = {}
    for kind, role in (("fangsong", "body"), ("xiaobiaosong", "title"), ("heiti", "heading1"),
                       ("kaiti", "heading2")):
        name = font(role)
        if name and name != getattr(default.fonts, kind):
            fonts[kind] = name
    body_east, body_latin = font("body"), font("body", "ascii")
    if body_latin and body_latin != body_east and body_latin != default.fonts.latin and \
            any(ch.isascii() and ch.isalnum() for r in runs("body") for ch in r.text):
        fonts["latin"] = body_latin
    if fonts:
        found["fonts"] = fonts
    title_size = _common([r.size for r in runs("title")])
    if title_size and abs(title_size - default.title_size) > spec.SIZE_TOLERANCE_PT:
        found["title_size"] = title_size
    mark = runs("organ_mark")
    color = _common([r.color for r in mark])
    if color and color != default.red:
        found["red"] = color
    size = max((r.size for r in mark), default=None)
    if size and abs(size - default.organ_mark_size) > spec.SIZE_TOLERANCE_PT:
        found["organ_mark_size"] = size
    found.update(joint_style(read))
    cc = read.fields.get("cc")
    if cc and not cc[-1].text.rstrip().endswith(("。", ".")):
        found["cc_full_stop"] = False  # 抄送：A，B without the final 。 [7.4.2], as the original prints it
    if read.view.sections:
        margins = read.view.sections[-1].margins
        page: dict[str, float] = {}
        for key, standard in (("top", spec.MARGIN_TOP), ("bottom", spec.MARGIN_BOTTOM),
                              ("left", spec.MARGIN_LEFT), ("right", spec.MARGIN_RIGHT)):
            twips = margins.get(key)
            if twips is not None and abs(twips - standard) / spec.TWIPS_PER_MM > _MARGIN_TOLERANCE_MM:
                page[key] = round(twips / spec.TWIPS_PER_MM, 1)
        if page:
            found["page"] = page
    return _accepted(found)


def joint_style(read: ReadDocument) -> dict[str, Any]:
    """What a joint document (联合行文) prints that the model keeps as style: 文件 once beside the
    stacked marks (the suffix is no organ's name), and signatures one a line (no seals) [7.2.4, 7.3.5.2]."""
    doc, found = read.document, {}
    if doc.organ_marks and doc.organ_mark and doc.organ_mark.startswith(doc.organ_marks[0]):
        suffix = doc.organ_mark[len(doc.organ_marks[0]):]
        if suffix != spec.DEFAULT_STYLE.organ_mark_suffix:
            found["organ_mark_suffix"] = suffix
    if len(doc.signatures) > 1 and len(read.fields.get("signature", [])) >= len(doc.signatures):
        found["sealed"] = False
    return found


def _accepted(found: dict[str, Any]) -> dict[str, Any]:
    """Only the settings the style accepts (a mark colour read as 'auto', a margin of 0 are left out)."""
    kept: dict[str, Any] = {}
    for key, value in found.items():
        try:
            spec.DEFAULT_STYLE.with_overrides({**kept, key: value})
        except (KeyError, TypeError, ValueError):
            continue
        kept[key] = value
    return kept
