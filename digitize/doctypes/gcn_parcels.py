"""Certificate parcels that labels alone cannot express.

- extractor ``parcel_table``: the parcel table of pre-2009 certificates (one row per parcel).
- extractor ``sketch``: the parcel label of a sketch page (its number written over its area).
- check ``shared_parcel_attributes``: attributes printed once above a parcel table belong to every parcel.
"""

from __future__ import annotations

import copy
import re

from digitize.fields.normalize import clean_text
from digitize.layout.candidate import Candidate, ExtractContext, span_candidate
from digitize.layout.reading import Span, TextStream, piece_polygon

# -- pre-2009 parcel table -------------------------------------------------------------------------

_COLUMNS = (
    # "Thửa" as OCR reads it ("Thủửa" folds to "thuua"), or the "đất số" under it
    ("so_thua", re.compile(r"\bthu\w{0,2}a\b|\bthua|\bdat\s*so\b"), "number_string", "digits"),
    ("so_to_ban_do", re.compile(r"to\W{0,2}ban|ban\s*do"), "number_string", "digits"),
    ("dien_tich", re.compile(r"dien\s*tich"), "area", "digits"),
    ("muc_dich_su_dung", re.compile(r"muc\s*dich"), "land_use", "text"),
    ("thoi_han_su_dung", re.compile(r"thoi\s*han"), "use_term", "text"),
    ("ghi_chu", re.compile(r"ghi\s*chu"), "text", "text"),
)
# The table ends at its total, the date line, the registry line, or the next numbered section.
_TABLE_END = re.compile(r"tong\s*dien\s*tich|,\s*n[a-z]{1,2}y\s*\S|vao\s*so|^\s*\.?\d\s*[.)]\s*[a-z]|:")
_TOKEN = re.compile(r"\S+")


def _token_centres(stream: TextStream, index: int) -> list[tuple[float, int, int]]:
    """(x centre, first char, end char) of each word of a line.

    A detector often reads a whole table row as one line; its words are placed by their
    share of the line's width, which is enough to tell table columns apart.
    """
    line = stream.lines[index]
    out = []
    for m in _TOKEN.finditer(line.text):
        quad = piece_polygon(line, m.start(), m.end())
        out.append(((quad[0][0] + quad[1][0]) / 2, m.start(), m.end()))
    return out


def _header_columns(stream: TextStream) -> tuple[dict[str, float], set[int]]:
    """Column centres from the table header: the row naming most columns, plus the row under it
    (header cells wrap: "Thửa / đất số"; a detector may read the whole header as one line)."""
    by_row: dict[int, dict[str, float]] = {}
    for i, line in enumerate(stream.lines):
        folded = stream.line_folded(i)
        if not folded or ":" in folded or any(c.isdigit() for c in folded):
            continue
        row = by_row.setdefault(stream.row_of_line[i], {})
        for key, pattern, _, _ in _COLUMNS:
            m = pattern.search(folded)
            if m and key not in row:
                quad = piece_polygon(line, m.start(), m.end())
                row[key] = (quad[0][0] + quad[1][0]) / 2
    if not by_row:
        return {}, set()
    best = max(by_row, key=lambda r: (len(by_row[r]), -r))
    centres = dict(by_row[best])
    rows = {best}
    for key, centre in by_row.get(best + 1, {}).items():
        centres.setdefault(key, centre)
        rows.add(best + 1)
    return centres, rows


_DATE_HEAD = re.compile(r"\d{1,2}\s*[/⁄.]\s*\d{0,2}\s*[/⁄.]?$")
_DATE_TAIL = re.compile(r"^[\d/⁄.]")


def _rejoin_split_date(stream: TextStream, cells: dict[str, list[tuple[int, int, int]]]) -> None:
    """A term's date that OCR broke with a space ("09⁄0 1/2048") can straddle the boundary of
    the next column; a date never spans two cells, so its tail goes back to the term."""
    term, note = cells.get("thoi_han_su_dung"), cells.get("ghi_chu")
    if not term or not note:
        return
    last = term[-1]
    first = note[0]
    if _DATE_HEAD.search(stream.lines[last[0]].text[last[1]:last[2]]) and _DATE_TAIL.match(
            stream.lines[first[0]].text[first[1]:first[2]]):
        term.append(note.pop(0))
        if not note:
            del cells["ghi_chu"]


def parcel_table(ctx: ExtractContext) -> list[Candidate]:
    """Rows of a ruled parcel table (old forms; 2009/2014 page 2 with several farm parcels).

    Columns are told by the x positions of their header words; each word of a body row
    goes to the nearest column; body rows are those whose parcel-number column holds a
    number, up to the total line, the date line or the next section.  Attributes printed
    once above the table (address, use form, origin) are shared by every parcel listed.
    """
    stream = ctx.stream
    centres, header_rows = _header_columns(stream)
    if len(centres) < 3 or "so_thua" not in centres:
        return []
    ordered = sorted((c, key) for key, c in centres.items())
    out: list[Candidate] = []
    parcel = 0
    for row in sorted({r for r in stream.row_of_line if r > max(header_rows)}):
        members = [i for i, r in enumerate(stream.row_of_line) if r == row and stream.lines[i].text]
        if _TABLE_END.search(" ".join(stream.line_folded(i) for i in members)):
            break
        cells: dict[str, list[tuple[int, int, int]]] = {}
        for i in members:
            for centre, a, b in _token_centres(stream, i):
                key = min(ordered, key=lambda ck: abs(ck[0] - centre))[1]
                cells.setdefault(key, []).append((i, a, b))
        number = cells.get("so_thua", [])
        if not number or not any(c.isdigit() for i, a, b in number for c in stream.lines[i].text[a:b]):
            continue  # a wrapped header row or a note, not a parcel
        _rejoin_split_date(stream, cells)
        base = f"thua_dat[{parcel}]"
        for key, _, normalizer, kind in _COLUMNS:
            pieces = cells.get(key)
            if not pieces:
                continue
            text = " ".join(stream.lines[i].text[a:b] for i, a, b in pieces)
            first, last = pieces[0], pieces[-1]
            span = Span(stream.line_start[first[0]] + first[1], stream.line_start[last[0]] + last[2], text, pieces)
            path = f"{base}.{key}" if key != "ghi_chu" else "ghi_chu"
            cand = span_candidate(ctx, path, span, normalizer, kind)
            if cand is None and key != "ghi_chu" and clean_text(text):
                # The cell holds something that is not a value ("C799."): its own crop is
                # re-read by the second reader, and stays unreadable if that fails too.
                cand = Candidate(path=path, value=None, raw=clean_text(text), span=span, kind=kind,
                                 normalizer=normalizer, char_confidences=stream.char_confidences(span),
                                 reasons=["the first reader's text is not a valid value"])
            if cand:
                cand.reasons.append("read from the parcel table")
                out.append(cand)
        parcel += 1
    return out


def parcel_indices(cands: dict[str, Candidate]) -> list[int]:
    """The parcel numbers k of the ``thua_dat[k]`` values found, in order."""
    found = {int(m.group(1)) for p in cands for m in [re.match(r"thua_dat\[(\d+)\]", p)] if m}
    return sorted(found)


_SHARED_PARCEL_KEYS = ("dia_chi", "hinh_thuc_su_dung", "nguon_goc_su_dung")


def shared_parcel_attributes(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    """Attributes printed once above a parcel table belong to every parcel in it."""
    parcels = parcel_indices(cands)
    if len(parcels) < 2:
        return
    for key in _SHARED_PARCEL_KEYS:
        first = cands.get(f"thua_dat[0].{key}")
        if first is None or first.value is None:
            continue
        for j in parcels[1:]:
            path = f"thua_dat[{j}].{key}"
            if path not in cands:
                shared = copy.copy(first)
                shared.path = path
                shared.reasons = [*first.reasons, "printed once for every parcel of the table"]
                cands[path] = shared


_INTEGER = re.compile(r"^\s*\d{1,5}[a-zA-Z]?\s*$")
_DECIMAL = re.compile(r"^\s*\d{1,3}(?:\.\d{3})*,\d{1,2}\s*$")
_SKETCH_END = re.compile(r"bang\s*ke\s*toa\s*do|he\s*toa\s*do|so\s*hieu\s*diem")


def sketch(ctx: ExtractContext) -> list[Candidate]:
    """The parcel label of a sketch page: its number written over its area ("1404" over "65,3").

    Only above the corner-coordinate table; edge lengths and point numbers sit side by
    side, never one centred over the other.
    """
    stream = ctx.stream
    if not re.search(r"so\s*do\s*thua\s*dat", stream.folded):
        return []
    limit = _SKETCH_END.search(stream.folded)
    limit_y = float("inf")
    if limit:
        pieces = stream.span(limit.start(), limit.end()).pieces
        if pieces:
            limit_y = stream.lines[pieces[0][0]].bbox()[1]
    best: tuple[float, int, int] | None = None
    for i, top in enumerate(stream.lines):
        if not _INTEGER.match(top.text) or top.bbox()[3] > limit_y:
            continue
        tx0, ty0, tx1, ty1 = top.bbox()
        height = ty1 - ty0
        for j, bottom in enumerate(stream.lines):
            if j == i or not _DECIMAL.match(bottom.text):
                continue
            bx0, by0, bx1, _ = bottom.bbox()
            centred = abs((tx0 + tx1) / 2 - (bx0 + bx1) / 2) < 0.6 * max(bx1 - bx0, tx1 - tx0)
            below = 0 <= by0 - ty1 < 1.5 * height
            if centred and below:
                digits = len(top.text.strip())
                if best is None or digits > best[0]:
                    best = (digits, i, j)
    if best is None:
        return []
    _, i, j = best
    out = []
    for index, key, normalizer in ((i, "so_thua", "number_string"), (j, "dien_tich", "area")):
        start = stream.line_start[index]
        span = stream.span(start, start + len(stream.lines[index].text))
        cand = span_candidate(ctx, f"thua_dat[0].{key}", span, normalizer, "digits")
        if cand:
            cand.reasons.append("read from the parcel sketch")
            out.append(cand)
    return out


