"""An address split into its street part and typed administrative units, no gazetteer needed.

"Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh" -> street "Thôn Đồng Cầu"
and the segments (xa, Hải Hòa), (thi_xa, Quảng Yên), (tinh, Quảng Ninh).  Marker words are
recognised with or without their diacritics and as abbreviations (TP., TX., P., X....);
:mod:`digitize.fields.admin` looks the segments up in the gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digitize.fields.normalize import clean_text
from digitize.fields.text import fold
from digitize.fields.vietnamese import marks_compatible

WARD_TYPES = ("xa", "phuong", "thi_tran", "dac_khu")
DISTRICT_TYPES = ("huyen", "quan", "thi_xa", "thanh_pho")
PROVINCE_TYPES = ("tinh", "thanh_pho")

# Two-word markers, then one-word: (folded words, the spelling whose marks a read may lack).
_MARKERS_2 = {("thanh", "pho"): ("thanh_pho", "thành phố"), ("thi", "xa"): ("thi_xa", "thị xã"),
              ("thi", "tran"): ("thi_tran", "thị trấn"), ("dac", "khu"): ("dac_khu", "đặc khu")}
_MARKERS_1 = {"tinh": ("tinh", "tỉnh"), "huyen": ("huyen", "huyện"), "quan": ("quan", "quận"),
              "xa": ("xa", "xã"), "phuong": ("phuong", "phường")}
_ABBREV = {"tp": "thanh_pho", "tx": "thi_xa", "tt": "thi_tran", "p": "phuong", "x": "xa", "q": "quan",
           "h": "huyen", "t": "tinh"}
_GLUED_ABBREV = re.compile(r"(?<![^\W\d_])(TP|Tp|tp|TX|Tx|tx|TT|Tt|tt|P|p|X|x|Q|q|H|h|T)\.(?=\S)")
# Each unit type's printed word.
TYPE_WORDS = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu", "huyen": "huyện",
               "quan": "quận", "thi_xa": "thị xã", "thanh_pho": "thành phố", "tinh": "tỉnh"}


@dataclass(frozen=True)
class Segment:
    """A unit named in the address: ``kind`` from the marker word (None if unmarked)."""

    kind: str | None
    name: str


@dataclass(frozen=True)
class ParsedAddress:
    """The printed address split: ``street`` (hamlet, house number...) and unit segments, left to right."""

    street: str | None
    segments: list[Segment]


def _marker_at(words: list[str], i: int) -> tuple[str, int] | None:
    """(kind, words used) when a unit marker starts at ``words[i]``."""
    w = words[i]
    lw = w.lower().rstrip(".")
    if w.endswith(".") and lw in _ABBREV and (len(lw) > 1 or i + 1 < len(words)):
        return _ABBREV[lw], 1
    if lw in ("tp", "tx", "tt"):
        return _ABBREV[lw], 1
    if i + 1 < len(words):
        pair = (fold(w), fold(words[i + 1]))
        if pair in _MARKERS_2:
            kind, spelled = _MARKERS_2[pair]
            if marks_compatible(f"{w} {words[i + 1]}".lower(), spelled):
                return kind, 2
    f = fold(w)
    if f in _MARKERS_1:
        kind, spelled = _MARKERS_1[f]
        if not marks_compatible(lw, spelled):
            return None
        # 'Quan' and 'Phuong' without marks are also names (xã Quan Lạn, xã Phương Đình).
        if kind == "quan" and lw != "quận" and not (i + 1 < len(words) and words[i + 1][:1].isdigit()):
            return None
        return kind, 1
    return None


def parse_address(text: str) -> ParsedAddress:
    """Split an address into street/hamlet and typed unit segments; never raises.

    Markers: tỉnh, thành phố / TP., huyện, quận, thị xã / TX., xã, phường, thị trấn / TT.,
    đặc khu (diacritics may be missing).  Comma-separated parts without a marker become
    untyped segments.  A marker right after another marker is part of the name
    ('xã Phường ...' does not exist, 'xã Phương Đình' does).
    """
    t = clean_text(text)
    t = _GLUED_ABBREV.sub(lambda m: m.group(0) + " ", t)
    t = re.sub(r"\s*[,;]\s*", " , ", t)
    t = re.sub(r"\s+-\s+", " , ", t)
    words = t.split()
    if len(words) > 200:
        words = words[:200]
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    i = 0
    prev_marker = False
    while i < len(words):
        w = words[i]
        if w == ",":
            parts.append((None, []))
            prev_marker = False
            i += 1
            continue
        mk = None if prev_marker else _marker_at(words, i)
        if mk is not None:
            kind, used = mk
            parts.append((kind, []))
            prev_marker = True
            i += used
            continue
        prev_marker = False
        parts[-1][1].append(w)
        i += 1
    segs = [(k, " ".join(ws).strip(" .")) for k, ws in parts]
    segs = [(k, n) for k, n in segs if n]
    # The street is whatever precedes the first marked segment, or the first of several
    # untyped parts when nothing is marked.
    first_marked = next((j for j, (k, _) in enumerate(segs) if k is not None), None)
    street_parts: list[str] = []
    if first_marked is not None:
        street_parts = [n for _, n in segs[:first_marked]]
        segs = segs[first_marked:]
    street = ", ".join(street_parts) or None
    return ParsedAddress(street, [Segment(k, n) for k, n in segs])
