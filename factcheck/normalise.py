"""The text the stages analyse, and the way back from it to the file as written.

An article's body is read once into one canonical form: Unicode NFC (a decomposed "c" + cedilla
is one "ç", so names match however they were typed), invisible format characters left out
(zero-width space and joiners, soft hyphen, byte-order mark, direction marks: they split names
without showing), and line ends as "\\n". Where that changes more than one character for one
(a composed letter, marks put in order, a character left out, "\\r\\n"), a piece (text start,
text end, file start, file end) records it, so that `Article.file_span` can turn any offset of
the analysed text back into an offset of the file.
"""

from __future__ import annotations

import re
import unicodedata

from .models import Piece

INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# What can change: a line end with \r, and a run of non-ASCII characters with the ASCII character
# before it (a base letter that a combining mark composes with). Nothing composes across an ASCII
# character that follows, so these runs can be normalised one at a time.
CHANGEABLE = re.compile(r"\r\n?|[\x00-\x7f]?[^\x00-\x7f]+")


def normalise(body: str, offset: int = 0) -> tuple[str, list[Piece]]:
    """`body` as analysed, and the pieces where it differs from `body` other than one character for one.

    `offset` is where `body` starts in the file; the pieces hold file offsets.
    """
    if "\r" not in body and (body.isascii() or unicodedata.is_normalized("NFC", body) and not INVISIBLE.search(body)):
        return body, []
    parts, pieces = [], []
    n = f = 0  # where we are in the analysed text and in `body`
    for match in CHANGEABLE.finditer(body):
        parts.append(body[f:match.start()])
        n, f = n + match.start() - f, match.start()
        for written, analysed in _units(match.group(0)):
            if written != analysed and not len(written) == len(analysed) == 1:
                pieces.append((n, n + len(analysed), offset + f, offset + f + len(written)))
            parts.append(analysed)
            n, f = n + len(analysed), f + len(written)
    parts.append(body[f:])
    return "".join(parts), pieces


def canonical(text: str) -> str:
    """The analysed form of a short string (a title, a name from front matter)."""
    return normalise(text)[0]


def _units(run: str) -> list[tuple[str, str]]:
    """(as written, as analysed) pairs covering `run`, as small as can be told apart.

    Each invisible character is a unit of its own, and each character with the combining marks
    after it is one; when normalising those one by one does not give the normal form of the
    whole run (rare compositions across them), the run is one unit.
    """
    if run[0] == "\r":
        return [(run, "\n")]
    whole = unicodedata.normalize("NFC", INVISIBLE.sub("", run))
    if whole == run:
        return [(run, run)]
    units = _clusters(run)
    if "".join(analysed for _, analysed in units) != whole:
        return [(run, whole)]
    return units


def _clusters(run: str) -> list[tuple[str, str]]:
    """Invisible characters alone, other characters with the combining marks after them."""
    out: list[tuple[str, str]] = []
    for char in run:
        if INVISIBLE.fullmatch(char):
            out.append((char, ""))
        elif out and out[-1][1] and unicodedata.combining(char):
            written = out[-1][0] + char
            out[-1] = (written, unicodedata.normalize("NFC", written))
        else:
            out.append((char, unicodedata.normalize("NFC", char)))
    return out
