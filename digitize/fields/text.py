"""Text primitives every other module builds on: bounded NFC input, and the one folding.

Folding ("Đất ở" -> "dat o") is how the engine compares text without trusting OCR's
diacritics: labels, evidence phrases, vocabulary keys.  :func:`fold` is the only place it
is done; its keyword arguments name the variants the callers need:

- ``fold(text)``: lower case, diacritics and the bar of đ removed, spaces collapsed and
  stripped.  The key for fuzzy matching.
- ``fold(text, keep_case=True)``: diacritics removed, case and spacing kept ("Đất ở" ->
  "Dat o").  For matching only, never for output.
- ``fold(text, keep_length=True)``: folded character by character, one character for one,
  so offsets in the folded text are offsets in the original (regexes run on the folded
  text, values are cut from the original).  Lower case; a character with no Vietnamese
  base letter is kept as it is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from digitize.model import nfc

MAX_FIELD_CHARS = 2000

_SPACES = re.compile(r"\s+")


def as_text(text: object) -> str:
    """Any input as a bounded NFC string (``None`` and non-strings become '')."""
    if not isinstance(text, str):
        return ""
    if len(text) > MAX_FIELD_CHARS:
        text = text[:MAX_FIELD_CHARS]
    # Lone surrogates (from badly decoded bytes) would make later encode() calls raise.
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return nfc(text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character folded to lower-case ASCII where it is a Vietnamese letter; length kept at 1."""
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[:1].lower()
    return base if len(base) == 1 else ch


def _strip_marks(text: str) -> str:
    t = unicodedata.normalize("NFD", as_text(text))
    t = "".join(c for c in t if unicodedata.category(c) != "Mn")
    return t.replace("đ", "d").replace("Đ", "D").replace("ð", "d").replace("Ð", "D")


def fold(text: str, *, keep_case: bool = False, keep_length: bool = False) -> str:
    """``text`` without diacritics, for comparison (see the module docstring for the variants).

    ``keep_length`` folds character by character and never changes the length (nor
    bounds or NFC-normalises the input: the offsets must stay valid); it always lowers
    the case.  Otherwise the input is bounded and NFC-normalised first, and ``keep_case``
    keeps case and spacing as they are.
    """
    if keep_length:
        if keep_case:
            raise ValueError("fold(keep_length=True) always lowers the case")
        return "".join(_fold_char(c) for c in text)
    stripped = _strip_marks(text)
    if keep_case:
        return stripped
    return _SPACES.sub(" ", stripped.lower()).strip()
