"""Reading .docx files a user hands us (``check``, a reference .docx) without trusting them.

A .docx is a zip of XML parts. A hostile one may unpack to gigabytes (a zip bomb), use a
compression method or encryption Python cannot read, carry a bad checksum, or hold XML with a
DOCTYPE whose entities expand to gigabytes (billion laughs) or point at local files. Every
member is read through :func:`read_member` and every part parsed with :data:`SAFE_PARSER`.
"""

from __future__ import annotations

import zipfile
import zlib
from typing import Any

# One part of a real document is at most a few MiB (the text of a 300-page report is under
# 5 MiB of XML); pictures are not read.
MEMBER_LIMIT = 50 * 1024 * 1024
PACKAGE_LIMIT = 200 * 1024 * 1024  # all members together, as declared in the zip's directory
READABLE_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_CHUNK = 1024 * 1024


class UnsafePackageError(Exception):
    """A zip package we refuse to read; the message says why, in the user's terms."""


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB"


def check_package(zf: zipfile.ZipFile) -> None:
    """Refuse a package before reading any member: encrypted members, compression methods
    other than stored/deflate, members or a whole that unpack past the limits."""
    total = 0
    for info in zf.infolist():
        if info.flag_bits & 0x1:
            raise UnsafePackageError(f"member {info.filename} is encrypted (password-protected)")
        if info.compress_type not in READABLE_METHODS:
            raise UnsafePackageError(f"member {info.filename} uses compression method {info.compress_type},"
                                " which Word does not write (only stored and deflate are read)")
        if info.file_size > MEMBER_LIMIT:
            raise UnsafePackageError(f"member {info.filename} unpacks to {_mib(info.file_size)}, more than"
                                     f" the {_mib(MEMBER_LIMIT)} a part of a Word document can have")
        total += info.file_size
    if total > PACKAGE_LIMIT:
        raise UnsafePackageError(f"the package unpacks to {_mib(total)}, more than {_mib(PACKAGE_LIMIT)}")


def read_member(zf: zipfile.ZipFile, name: str, limit: int = MEMBER_LIMIT) -> bytes:
    """A member's bytes, read in chunks and stopped at ``limit`` whatever its header declares
    (zipfile also stops at the declared size and checks the CRC at the end).

    Raises KeyError for a missing member and UnsafePackageError for one that is too big, damaged
    (bad CRC, broken deflate stream) or not readable."""
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise UnsafePackageError(f"member {name} unpacks to {_mib(info.file_size)}, more than {_mib(limit)}")
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UnsafePackageError(f"member {name} unpacks to more than {_mib(limit)}")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        raise UnsafePackageError(f"member {name} is damaged ({exc})") from None
    return b"".join(chunks)


def safe_parser() -> Any:
    """An lxml parser that expands no entity, loads no DTD, never touches the network and keeps
    libxml2's default size limits (no huge_tree)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False)


DOCTYPE = "an XML part declares a DOCTYPE (entities), which Word documents never have"


def parse_xml(data: bytes) -> Any:
    """Parse a part; a DOCTYPE is refused (Word never writes one; it is where entity bombs live).

    Raises lxml's XMLSyntaxError for malformed XML and UnsafePackageError for a DOCTYPE."""
    from lxml import etree

    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError:
        if b"<!DOCTYPE" in data[:4096]:
            raise UnsafePackageError(DOCTYPE) from None
        raise
    if root.getroottree().docinfo.doctype:
        raise UnsafePackageError(DOCTYPE)
    return root
