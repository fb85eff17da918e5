"""Bytes of an article file to text, with the encoding it was written in.

A byte-order mark says UTF-8, UTF-16 or UTF-32. Without one, a file is UTF-8 when it decodes
as UTF-8 (or nearly so: a few broken bytes in UTF-8 text are replaced, not read as another
encoding); text in UTF-16 without a mark shows as zero bytes at every other place; anything else
is read as Windows-1252, the superset of Latin-1 that Western newsrooms' older files use. Bytes
that decode to control characters are binary, not text. Every encoding here maps a file to one
text, so offsets into it are well defined; the byte-order mark is not part of the text.
"""

from __future__ import annotations

import codecs
import re

BOMS = [  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
]
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]")
MAX_CONTROL_SHARE = 0.01
CP1252_ONLY = re.compile(rb"[\x80-\x9f]")
NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")


class NotText(Exception):
    """The bytes are not text in any encoding tried; the message says why."""


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding name) of a file's bytes; raises NotText for binary data."""
    for bom, codec, name in BOMS:
        if raw.startswith(bom):
            try:
                return _checked(raw[len(bom):].decode(codec)), name
            except UnicodeDecodeError as exc:
                raise NotText(f"not valid {name} text (byte {exc.start + len(bom)})") from None
    if b"\x00" in raw:
        codec = _utf16_without_mark(raw)
        if codec is None:
            raise NotText("binary file")
        try:
            return _checked(raw.decode(codec)), codec
        except UnicodeDecodeError:
            raise NotText("binary file") from None
    return _checked_text(raw)


def _checked_text(raw: bytes) -> tuple[str, str]:
    try:
        return _checked(raw.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if len(NON_ASCII.findall(text)) > 2 * broken:
        return _checked(text), f"utf-8 ({broken} undecodable byte sequence{'s' if broken > 1 else ''} replaced)"
    name = "cp1252" if CP1252_ONLY.search(raw) else "latin-1"
    return _checked(raw.decode("cp1252", errors="replace")), name


def _checked(text: str) -> str:
    controls = len(CONTROL.findall(text))
    if controls > max(2, MAX_CONTROL_SHARE * len(text)):
        raise NotText("binary file")
    return text


def _utf16_without_mark(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when zero bytes sit at every other place, as in UTF-16 text
    that is mostly Latin letters; else None."""
    if len(raw) % 2 or len(raw) < 4:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    half = len(raw) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None
