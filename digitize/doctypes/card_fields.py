"""ID card fields that labels alone cannot express: CCCD 2016/2021, Căn cước 2024, CMND.

Label fields (name, birth date, sex, addresses, dates) come from the card templates
(``models/templates/cccd_*.toml``, ``can_cuoc_2024_*.toml``, ``cmnd.toml``); this module
adds, for the card families (:mod:`digitize.doctypes.cccd`, :mod:`digitize.doctypes.cancuoc`,
:mod:`digitize.doctypes.cmnd`):

- reading order ``card_columns``: the 2016/2021 front prints "Có giá trị đến" and its
  date under the photo, level with the last address row; the photo column's lines are
  read as a block of their own, after the fields column, so they never run into a value.
- extractor ``card_number``: the 12-digit (or 9-digit CMND) number after its label
  ("Số / No.:", "Số định danh cá nhân"), on the same row or the next; when the label is
  unreadable, the only number of the right length on the card.
- extractor ``card_name``: the holder's name by its place (the capitals line between the
  number and the birth date) when its label is unreadable.
- extractor ``card_mrz``: the three 30-character MRZ lines, read and repaired by
  :func:`digitize.fields.mrz_repair.read_mrz`.  Check digits are mod 10, so a repair is
  only *probable*: it fills values for review and never corrects a printed one, unless the
  card's QR code confirms it (:mod:`digitize.doctypes.card_checks`).
"""

from __future__ import annotations

import re
from itertools import product
from typing import Any

import numpy as np

from digitize.fields.mrz_repair import (
    PROBABLE,
    CardMrz,
    clean_mrz_text,
    looks_like_mrz,
    read_mrz,
)
from digitize.fields.normalize import clean_text, normalize_digits
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext
from digitize.layout.reading import Span, TextStream, group_rows
from digitize.layout.template import Template
from digitize.model import FieldStatus, Line

# Evidence (see Candidate.evidence) and thresholds of the card extractors.
# The only number of the right length on a card whose number label is unreadable: probably it.
UNLABELLED_NUMBER_EVIDENCE = 0.75
# A name found by its place must be printed in capitals (at least this share of its letters)
# and still read as a name (its normaliser's score at least this).
NAME_CAPITALS_SHARE = 0.85
NAME_BY_POSITION_MIN_SCORE = 0.5
# A line split in pieces is an MRZ line when at least this share of its characters are MRZ characters.
MRZ_CHARS_SHARE = 0.8
# An MRZ whose name row has words outside the name vocabulary (no check digit covers that row).
UNKNOWN_NAME_ROW_EVIDENCE = 0.7
# An MRZ the check-digit search repaired: probable, not certain (its values go to review).
REPAIRED_MRZ_EVIDENCE = 0.6

# -- reading order ----------------------------------------------------------------------------------


def _median_height(lines: list[Line]) -> float:
    heights = [ln.bbox()[3] - ln.bbox()[1] for ln in lines]
    return float(np.median(heights)) if heights else 1.0


def card_columns(lines: list[Line], template: Template) -> TextStream:
    """Rows of the fields column, a blank row, then the rows of the column left of it (photo, expiry).

    The fields column is where most label lines start (their left edges cluster); a line
    lying entirely left of that edge, below the first label, belongs to the photo column.
    With fewer than three labels read, or nothing left of them, rows run across the card.
    """
    placed = [ln for ln in lines if ln.polygon]
    patterns = [re.compile(p) for p in template.all_labels]
    starts: list[tuple[float, float]] = []  # (x0, y0) of lines that begin with a label
    for ln in placed:
        folded = fold(ln.text, keep_length=True)
        for rx in patterns:
            m = rx.search(folded)
            if m is not None and m.start() <= 3:
                x0, y0, _, _ = ln.bbox()
                starts.append((x0, y0))
                break
    if len(starts) < 3:
        return TextStream.from_lines(lines)
    h = _median_height(placed)
    tol = 1.5 * h
    xs = sorted(x for x, _ in starts)
    best_i = max(range(len(xs)), key=lambda i: (sum(1 for x in xs if xs[i] <= x <= xs[i] + tol), -i))
    main_x = xs[best_i]
    members = [(x, y) for x, y in starts if main_x <= x <= main_x + tol]
    if len(members) < 2:
        return TextStream.from_lines(lines)
    top = min(y for _, y in members)
    left = [ln for ln in placed if ln.bbox()[2] < main_x - 0.3 * h and ln.bbox()[1] >= top - h]
    if not left:
        return TextStream.from_lines(lines)
    left_ids = {id(ln) for ln in left}
    main = [ln for ln in placed if id(ln) not in left_ids]
    return TextStream.from_rows([*group_rows(main), [], *group_rows(left)])


# -- helpers ---------------------------------------------------------------------------------------


def _row_end(text: str, start: int, rows: int) -> int:
    pos = start
    for _ in range(rows):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    return pos - 1


def codes_config(template: Template) -> dict[str, Any]:
    """The template's ``[codes]`` table: which fields the MRZ and the QR code may fill."""
    codes = template.meta.get("codes", {})
    return codes if isinstance(codes, dict) else {}


# -- card number -------------------------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"(?<![\w])[0-9OoQDIl|SB](?:[ .\-]?[0-9OoQDIl|SB]){7,15}(?![\w])")


def _number_in(ctx: ExtractContext, start: int, end: int, lengths: tuple[int, ...],
               skip_lines: set[int]) -> Candidate | None:
    stream = ctx.stream
    for m in _DIGIT_RUN.finditer(stream.text, start, end):
        if stream.line_of_char[m.start()] in skip_lines:
            continue
        value = normalize_digits(m.group(0), lengths)
        if value is None:
            continue
        span = stream.span(m.start(), m.end())
        return Candidate(path="so_dinh_danh", value=value, raw=clean_text(span.text), span=span, kind="digits",
                         normalizer="id_number", char_confidences=stream.char_confidences(span))
    return None


def card_number(ctx: ExtractContext) -> list[Candidate]:
    """The card's ID number: after its label, else the only number of the right length on the card."""
    conf = ctx.template.meta.get("number", {})
    labels = [re.compile(p) for p in conf.get("labels", [])] if isinstance(conf, dict) else []
    lengths = tuple(int(n) for n in conf.get("lengths", [12])) if isinstance(conf, dict) else (12,)
    stream = ctx.stream
    skip = {i for g in _mrz_groups(stream) for i in g}
    matches = sorted((m for rx in labels for m in rx.finditer(stream.folded)), key=lambda m: m.start())
    label_span: Span | None = None
    for m in matches:
        li = stream.line_of_char[m.start()] if m.start() < len(stream.line_of_char) else -1
        if li in skip:
            continue
        cand = _number_in(ctx, m.end(), _row_end(stream.text, m.end(), 2), lengths, skip)
        if cand is not None:
            return [cand]
        if label_span is None:
            label_span = stream.span(m.end(), _row_end(stream.text, m.end(), 1))
    found: dict[str, Candidate] = {}
    pos = 0
    while True:
        cand = _number_in(ctx, pos, len(stream.text), lengths, skip)
        if cand is None or cand.span is None:
            break
        found.setdefault(cand.value, cand)
        pos = cand.span.end
    if len(found) == 1:
        cand = next(iter(found.values()))
        cand.evidence = UNLABELLED_NUMBER_EVIDENCE
        cand.reasons.append("number found without its label (label unreadable)")
        return [cand]
    if len(found) > 1:
        return []  # several numbers and no label: never guess
    if label_span is not None and clean_text(label_span.text):
        # The second reader gets the row to read; unreadable when it cannot either.
        return [Candidate(path="so_dinh_danh", value=None, raw=clean_text(label_span.text), span=label_span,
                          kind="digits", normalizer="id_number", char_confidences=stream.char_confidences(label_span),
                          reasons=["label found but the first reader's number is not a valid one"])]
    return []


# -- name by position ------------------------------------------------------------------------------

_NOT_A_NAME = re.compile(r"cong\s*hoa|viet\s*nam|doc\s*lap|can\s*cuoc|identity|citizen|socialist|republic"
                         r"|independence|chung\s*minh|giay|cong\s*an|cuc\s*truong|ministry|director")
_DATE_TEXT = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}")


def card_name(ctx: ExtractContext) -> list[Candidate]:
    """The holder's name when its label is unreadable: the capitals line between the number and the birth date.

    Used only when the template's label did not give a name (the first candidate of a path wins).
    """
    from digitize.layout.values import normalize

    stream = ctx.stream
    skip = {i for g in _mrz_groups(stream) for i in g}
    number_row = date_row = None
    for i, line in enumerate(stream.lines):
        if i in skip:
            continue
        r = stream.row_of_line[i]
        if number_row is None and any(normalize_digits(m.group(0), (9, 12)) for m in _DIGIT_RUN.finditer(line.text)):
            number_row = r
        elif number_row is not None and r > number_row and _DATE_TEXT.search(line.text):
            date_row = r
            break
    if number_row is None or date_row is None:
        return []
    labels = [re.compile(p) for p in ctx.template.all_labels]
    for i, line in enumerate(stream.lines):
        r = stream.row_of_line[i]
        if not number_row < r < date_row or i in skip:
            continue
        text = line.text.strip(" _-.,:;`'\"“”~")
        letters = [c for c in text if c.isalpha()]
        capitals = sum(c.isupper() for c in letters)
        if len(letters) < 4 or any(c.isdigit() for c in text) or capitals < NAME_CAPITALS_SHARE * len(letters):
            continue
        folded = stream.line_folded(i)
        if not 2 <= len(text.split()) <= 7 or _NOT_A_NAME.search(folded) or any(p.search(folded) for p in labels):
            continue
        value = normalize("card_name", text)
        if value is None or value.score < NAME_BY_POSITION_MIN_SCORE:
            continue
        first = stream.line_start[i] + line.text.index(text)
        span = stream.span(first, first + len(text))
        return [Candidate(path="ho_ten", value=value.value, raw=clean_text(text), span=span, kind="text",
                          normalizer="card_name", char_confidences=stream.char_confidences(span),
                          reasons=[*value.reasons, "name found by its place on the card (label unreadable)"],
                          evidence=min(value.score, 0.8))]
    return []


# -- MRZ -------------------------------------------------------------------------------------------

def _stream_rows(stream: TextStream) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    for i, r in enumerate(stream.row_of_line):
        rows.setdefault(r, []).append(i)
    return rows


def _mrz_groups(stream: TextStream) -> list[list[int]]:
    """Line indices of each MRZ-looking line (a line OCR split in two is one group), top to bottom."""
    groups: list[list[int]] = []
    taken: set[int] = set()
    for i, line in enumerate(stream.lines):
        if looks_like_mrz(line.text):
            groups.append([i])
            taken.add(i)
    # Pieces of one MRZ line split by the detector: MRZ characters only, in one row.
    for indices in _stream_rows(stream).values():
        rest = [i for i in indices if i not in taken and clean_mrz_text(stream.lines[i].text)
                and len(clean_mrz_text(stream.lines[i].text))
                >= MRZ_CHARS_SHARE * len(re.sub(r"\s+", "", stream.lines[i].text))]
        if len(rest) >= 2 and looks_like_mrz(" ".join(stream.lines[i].text for i in rest)):
            groups.append(rest)
    return sorted(groups, key=lambda g: float(np.mean([np.mean([p[1] for p in stream.lines[i].polygon]) for i in g])))


def card_mrz(ctx: ExtractContext) -> list[Candidate]:
    """The MRZ (three lines at the bottom of the back), as a ``mrz`` value with its reading."""
    stream = ctx.stream
    groups = _mrz_groups(stream)
    if len(groups) < 3:
        return []

    def text(g: list[int]) -> str:
        return " ".join(stream.lines[i].text for i in g)

    triples = [groups[k:k + 3] for k in range(len(groups) - 2)]
    first = [t for t in triples if re.search(r"[DO0]VNM", clean_mrz_text(text(t[0])))]
    chosen = (first or triples)[-1]
    texts = [text(g) for g in chosen]
    card = read_mrz(texts[0], texts[1], texts[2])
    if card is None:
        return []
    indices = [i for g in chosen for i in g]
    start = min(stream.line_start[i] for i in indices)
    span = Span(start, start, "\n".join(texts), [(i, 0, len(stream.lines[i].text)) for i in indices])
    cand = Candidate(path="mrz", value=None, raw="\n".join(clean_text(t) for t in texts), span=span,
                     kind="none", char_confidences=stream.char_confidences(span), line_groups=chosen)
    set_mrz_reading(cand, card)
    return [cand]


def set_mrz_reading(cand: Candidate, card: CardMrz, reader_note: str | None = None) -> None:
    """``cand`` (the ``mrz`` candidate) takes ``card``'s value and verdict."""
    cand.value = card.value
    cand.reasons = list(dict.fromkeys([*([reader_note] if reader_note else []), *card.reasons]))
    cand.source = "mrz" if card.valid else "ocr"
    cand.evidence = 1.0 if card.name_known else UNKNOWN_NAME_ROW_EVIDENCE
    cand.valid = None
    if card.valid:
        cand.confirm("MRZ check digits agree")
        if card.repaired:
            cand.reasons.append(PROBABLE)
            cand.evidence = min(cand.evidence, REPAIRED_MRZ_EVIDENCE)
            cand.status = FieldStatus.NEEDS_REVIEW  # whatever the score: the repair is a guess to be checked
    else:
        cand.invalidate("MRZ check digits disagree: not used to fill or correct fields")
    if not card.name_known:
        cand.reasons.append("MRZ name line has words outside the name vocabulary (no check digit covers it)")
        if cand.status is None:
            cand.status = FieldStatus.NEEDS_REVIEW  # the one row no check digit vouches for


def mrz_name_row_settled(cand: Candidate) -> None:
    """The QR code vouches for the MRZ name row: review is no longer needed on its account."""
    if cand.status == FieldStatus.NEEDS_REVIEW and PROBABLE not in cand.reasons:
        cand.status = None


def reread_mrz(cand: Candidate, readings: list[list[str]]) -> bool:
    """The second reader's rows of an MRZ whose first reading fails its check digits: taken when
    they check out (the check digits are the proof).  Returns whether they were taken."""
    if cand.valid is not False or len(readings) != 3:
        return False
    second = [" ".join(parts) for parts in readings]
    first = cand.raw.split("\n")
    if len(first) != 3:
        first = second
    # Each row from either reader: the check digits judge the first two rows, the name
    # vocabulary the third (no check digit covers it).
    best: tuple[tuple[int, int, int], CardMrz, list[str]] | None = None
    for picks in product((0, 1), repeat=3):
        rows = [(first, second)[k][row] for row, k in enumerate(picks)]
        card = read_mrz(rows[0], rows[1], rows[2])
        if card is None or not card.valid:
            continue
        rank = (int(card.name_known), int(not card.repaired), -sum(picks))
        if best is None or rank > best[0]:
            best = (rank, card, rows)
    if best is None:
        return False
    _, card, rows = best
    cand.raw = "\n".join(rows)
    set_mrz_reading(cand, card, "MRZ read again by the second reader (the first reading failed its check digits)")
    cand.readers += 1
    return True


