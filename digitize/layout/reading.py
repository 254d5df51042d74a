"""Reading order: OCR lines into rows, rows into one searchable text stream.

Label-value extraction works on a :class:`TextStream`: the page's text in reading order,
with a diacritic-free lower-case shadow of the same length, so a regex found on the
folded text gives the span of the original text and the lines (and boxes) it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from digitize.fields.text import fold
from digitize.model import Line


def _centre_y(line: Line) -> float:
    _x0, y0, _x1, y1 = line.bbox()
    return (y0 + y1) / 2


def _height(line: Line) -> float:
    _x0, y0, _x1, y1 = line.bbox()
    return max(1.0, y1 - y0)


def _overlaps_horizontally(line: Line, row: list[Line]) -> bool:
    """True when ``line`` shares more than a third of its (or a member's) width with a member of ``row``."""
    x0, _, x1, _ = line.bbox()
    for other in row:
        o0, _, o1, _ = other.bbox()
        shared = min(x1, o1) - max(x0, o0)
        if shared > 0.33 * max(1.0, min(x1 - x0, o1 - o0)):
            return True
    return False


def group_rows(lines: list[Line]) -> list[list[Line]]:
    """Group lines whose vertical centres are within half a line height; rows top to bottom, lines left to right.

    Two lines one above the other (they share their horizontal extent) never share a row,
    however close their centres: a slightly skewed page must not interleave its lines.
    """
    ordered = sorted((ln for ln in lines if ln.polygon), key=_centre_y)
    rows: list[list[Line]] = []
    row_centres: list[float] = []
    for line in ordered:
        cy, h = _centre_y(line), _height(line)
        if (rows and abs(cy - row_centres[-1]) <= 0.5 * max(h, np.median([_height(x) for x in rows[-1]]))
                and not _overlaps_horizontally(line, rows[-1])):
            rows[-1].append(line)
            row_centres[-1] = float(np.mean([_centre_y(x) for x in rows[-1]]))
        else:
            rows.append([line])
            row_centres.append(cy)
    return [sorted(row, key=lambda ln: ln.bbox()[0]) for row in rows]


SPREAD_MIN_ASPECT = 1.2  # text extent width / height of two facing portrait pages
SPREAD_MIN_LINES = 6  # per page


def split_spread(lines: list[Line]) -> tuple[list[Line], list[Line]] | None:
    """Two facing pages read as one image: the lines left and right of the gutter, or ``None``.

    Only when the text is much wider than tall, a vertical band in its middle third is
    crossed by no line at all, and both sides hold a page's worth of lines; a card (its
    header and MRZ cross the middle) or a single page never splits.  Without this, rows of
    the two pages at the same height would be read as one row.
    """
    boxes = [ln.bbox() for ln in lines if ln.polygon]
    if len(boxes) < 2 * SPREAD_MIN_LINES:
        return None
    x0 = min(b[0] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y0 = min(b[1] for b in boxes)
    y1 = max(b[3] for b in boxes)
    width, height = x1 - x0, max(1.0, y1 - y0)
    if width < SPREAD_MIN_ASPECT * height:
        return None
    covered = np.zeros(int(width) + 1, bool)
    for bx0, _, bx1, _ in boxes:
        covered[int(bx0 - x0):int(bx1 - x0) + 1] = True
    lo, hi = int(0.3 * width), int(0.7 * width)
    free = np.flatnonzero(~covered[lo:hi + 1]) + lo
    if free.size == 0:
        return None
    gutter = x0 + float(free[np.argmin(np.abs(free - width / 2))])
    left = [ln for ln in lines if ln.polygon and ln.bbox()[2] <= gutter]
    right = [ln for ln in lines if ln.polygon and ln.bbox()[0] >= gutter]
    if len(left) < SPREAD_MIN_LINES or len(right) < SPREAD_MIN_LINES:
        return None
    return left, right


@dataclass
class Span:
    """Characters [start, end) of the stream and the pieces of lines they cover."""

    start: int
    end: int
    text: str
    pieces: list[tuple[int, int, int]] = field(default_factory=list)  # (line index, char start, char end)


ROW_GAP = "\t"  # between two lines of one row in a TextStream


@dataclass
class TextStream:
    """Lines in reading order joined into one string; ``folded`` has the same length."""

    lines: list[Line]
    text: str
    folded: str
    line_of_char: list[int]  # line index per char (-1 for separators)
    offset_in_line: list[int]
    row_of_line: list[int]
    line_start: list[int]  # stream index of each line's first character

    @classmethod
    def from_lines(cls, lines: list[Line]) -> TextStream:
        """Rows in reading order; two facing pages in one image are read one after the other."""
        pages = split_spread(lines)
        if pages is not None:
            return cls.from_rows([*group_rows(pages[0]), [], *group_rows(pages[1])])
        return cls.from_rows(group_rows(lines))

    @classmethod
    def from_rows(cls, rows: list[list[Line]]) -> TextStream:
        """Rows already in reading order (an empty row is a blank line: it ends multi-row values)."""
        ordered: list[Line] = []
        row_of_line: list[int] = []
        line_start: list[int] = []
        chars: list[str] = []
        line_of_char: list[int] = []
        offset: list[int] = []
        for r, row in enumerate(rows):
            for i, line in enumerate(row):
                if i > 0:
                    # a tab, not a space: patterns can tell where one detected line ends and
                    # the next begins on the same row (a note running into the place/date line)
                    chars.append(ROW_GAP)
                    line_of_char.append(-1)
                    offset.append(-1)
                index = len(ordered)
                ordered.append(line)
                row_of_line.append(r)
                line_start.append(len(chars))
                for k, ch in enumerate(line.text):
                    chars.append(ch)
                    line_of_char.append(index)
                    offset.append(k)
            chars.append("\n")
            line_of_char.append(-1)
            offset.append(-1)
        text = "".join(chars)
        folded = fold(text, keep_length=True)
        return cls(ordered, text, folded, line_of_char, offset, row_of_line, line_start)

    def line_folded(self, index: int) -> str:
        """The folded text of one line."""
        start = self.line_start[index]
        return self.folded[start:start + len(self.lines[index].text)]

    def span(self, start: int, end: int) -> Span:
        """The original text of [start, end) with the line pieces it covers."""
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        pieces: list[tuple[int, int, int]] = []
        for pos in range(start, end):
            li = self.line_of_char[pos]
            if li < 0:
                continue
            k = self.offset_in_line[pos]
            if pieces and pieces[-1][0] == li and pieces[-1][2] == k:
                pieces[-1] = (li, pieces[-1][1], k + 1)
            else:
                pieces.append((li, k, k + 1))
        return Span(start, end, self.text[start:end], pieces)

    def char_confidences(self, span: Span) -> list[float]:
        confs: list[float] = []
        for li, a, b in span.pieces:
            line = self.lines[li]
            cc = line.char_confidences
            if cc and len(cc) == len(line.text):
                confs.extend(cc[a:b])
            else:
                confs.extend([line.confidence] * (b - a))
        return confs


def piece_polygon(line: Line, start: float, end: float) -> list[tuple[float, float]]:
    """The part of a line quad covering characters [start, end), by proportion of characters."""
    if len(line.polygon) != 4 or not line.text:
        return list(line.polygon)
    tl, tr, br, bl = (np.asarray(p, dtype=float) for p in line.polygon)
    n = len(line.text)
    a, b = start / n, end / n
    top_a, top_b = tl + (tr - tl) * a, tl + (tr - tl) * b
    bot_a, bot_b = bl + (br - bl) * a, bl + (br - bl) * b
    return [tuple(map(float, p)) for p in (top_a, top_b, bot_b, bot_a)]  # type: ignore[misc]
