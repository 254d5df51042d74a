"""ID cards: CCCD 2016/2021, Căn cước 2024 and the old CMND.

Label fields (name, birth date, sex, addresses, dates) come from the card templates
(``models/templates/cccd_*.toml``, ``can_cuoc_2024_*.toml``, ``cmnd.toml``); this module
adds what labels cannot express and the checks that make card data trustworthy:

- reading order ``card_columns``: the 2016/2021 front prints "Có giá trị đến" and its
  date under the photo, level with the last address row; the photo column's lines are
  read as a block of their own, after the fields column, so they never run into a value.
- extractor ``card_number``: the 12-digit (or 9-digit CMND) number after its label
  ("Số / No.:", "Số định danh cá nhân"), on the same row or the next; when the label is
  unreadable, the only number of the right length on the card.
- extractor ``card_name``: the holder's name by its place (the capitals line between the
  number and the birth date) when its label is unreadable.
- extractor ``card_mrz``: the three 30-character MRZ lines, repaired by position
  (:func:`digitize.fields.mrz.parse_mrz`; '<' read as «, K, (), the name line against the
  name vocabulary, and, when check digits still fail, by realigning a dropped or added
  character or undoing a few OCR digit confusions (3/5, 6/8, ...) where exactly one fix
  makes every check digit, the dates and the ID-number structure agree.  Check digits are
  mod 10, so such a repair is only *probable*: it fills values for review and never
  corrects a printed one, unless the card's QR code confirms it.
- check ``card``: the MRZ and the QR code (decoded from the card image) against the
  printed fields: agreement confirms, a close disagreement (an OCR-like error) is
  corrected from the code and says so, a far one is a ``conflict``; the codes fill the
  fields the template lists under ``[codes]`` when OCR missed them.  Then the ID number
  against the birth year and sex, plausible dates, and the expiry against the renewal
  ages (the card expires on the birthday at 25, 40 or 60; 14 too for 2024 cards).

Reasons name the field that disagreed, never a value (names and ID numbers are personal).
"""

from __future__ import annotations

import re
from datetime import date
from itertools import product
from typing import Any

import numpy as np

from digitize.fields import idnumbers, validate
from digitize.fields.mrz import mrz_name
from digitize.fields.mrz_repair import (
    NO_EXPIRY,
    PROBABLE,
    CardMrz,
    clean_mrz_text,
    interpret_mrz,
    looks_like_mrz,
    mrz_matches_hints,
    read_mrz,
)
from digitize.fields.normalize import clean_text, normalize_digits
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext, check, extractor
from digitize.layout.reading import Span, TextStream, group_rows
from digitize.layout.regions import decode_region, span_region
from digitize.layout.template import Template, reading_order
from digitize.model import FieldStatus, Line, nfc

# -- reading order ----------------------------------------------------------------------------------


def _median_height(lines: list[Line]) -> float:
    heights = [ln.bbox()[3] - ln.bbox()[1] for ln in lines]
    return float(np.median(heights)) if heights else 1.0


@reading_order("card_columns")
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


def _codes_config(template: Template) -> dict[str, Any]:
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


@extractor("card_number")
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
        cand.evidence = 0.75
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


@extractor("card_name")
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
        if len(letters) < 4 or any(c.isdigit() for c in text) or capitals < 0.85 * len(letters):
            continue
        folded = stream.line_folded(i)
        if not 2 <= len(text.split()) <= 7 or _NOT_A_NAME.search(folded) or any(p.search(folded) for p in labels):
            continue
        value = normalize("card_name", text)
        if value is None or value.score < 0.5:
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
                and len(clean_mrz_text(stream.lines[i].text)) >= 0.8 * len(re.sub(r"\s+", "", stream.lines[i].text))]
        if len(rest) >= 2 and looks_like_mrz(" ".join(stream.lines[i].text for i in rest)):
            groups.append(rest)
    return sorted(groups, key=lambda g: float(np.mean([np.mean([p[1] for p in stream.lines[i].polygon]) for i in g])))


@extractor("card_mrz")
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
    cand.evidence = 1.0 if card.name_known else 0.7
    cand.valid = None
    if card.valid:
        cand.confirm("MRZ check digits agree")
        if card.repaired:
            cand.reasons.append(PROBABLE)
            cand.evidence = min(cand.evidence, 0.6)
            cand.status = FieldStatus.NEEDS_REVIEW  # whatever the score: the repair is a guess to be checked
    else:
        cand.invalidate("MRZ check digits disagree: not used to fill or correct fields")
    if not card.name_known:
        cand.reasons.append("MRZ name line has words outside the name vocabulary (no check digit covers it)")
        if cand.status is None:
            cand.status = FieldStatus.NEEDS_REVIEW  # the one row no check digit vouches for


def _name_row_settled(cand: Candidate) -> None:
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


# -- QR --------------------------------------------------------------------------------------------


def _decode_card_qr(ctx: ExtractContext) -> tuple[str, list[float]] | None:
    """The first QR payload on the card image and its box on the ORIGINAL image."""
    image = ctx.page.image if ctx.page.image is not None else ctx.page.color_image
    if image is None:
        return None
    h, w = image.shape[:2]
    regions = [(0, 0, w, h)]
    if max(h, w) > 1600:  # a card on a large scan: the whole image is shrunk before decoding
        regions += [(w // 2, 0, w, h // 2), (0, 0, w // 2, h // 2), (0, h // 2, w // 2, h), (w // 2, h // 2, w, h)]
    for region in regions:
        found = decode_region(ctx.page, region)
        if found:
            return found[0]
    return None


# -- the card check ---------------------------------------------------------------------------------


def _close_digits(a: str, b: str, limit: int = 2) -> bool:
    da, db = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    return len(da) == len(db) and 0 < sum(x != y for x, y in zip(da, db, strict=True)) <= limit


def _close_text(a: str, b: str, threshold: float = 80.0) -> bool:
    from rapidfuzz import fuzz

    return fuzz.ratio(fold(a), fold(b)) >= threshold


def _same(key: str, a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    if key in ("ho_ten", "noi_thuong_tru", "que_quan", "noi_dang_ky_khai_sinh"):
        # Case and punctuation aside, diacritics count: a misread tone mark is a difference.
        return " ".join(re.sub(r"[^\w\s]", " ", nfc(str(a)).lower()).split()) == \
            " ".join(re.sub(r"[^\w\s]", " ", nfc(str(b)).lower()).split())
    if key == "so_dinh_danh":
        return re.sub(r"\D", "", str(a)) == re.sub(r"\D", "", str(b))
    return " ".join(str(a).split()) == " ".join(str(b).split())


def _close(key: str, printed: Any, code: Any) -> bool:
    """Whether a disagreement looks like an OCR error (then the code's value replaces the reading)."""
    if key in ("so_dinh_danh", "ngay_sinh", "ngay_cap", "ngay_het_han"):
        return NO_EXPIRY not in (printed, code) and _close_digits(str(printed), str(code))
    if key in ("ho_ten", "noi_thuong_tru", "que_quan", "noi_dang_ky_khai_sinh"):
        return _close_text(str(printed), str(code), 80.0 if key == "ho_ten" else 85.0)
    return False


_CODE_NAMES = {"mrz": "the MRZ", "qr": "the QR code"}


def _as_printed(key: str, code_value: Any, printed: Any) -> Any:
    """A code's value in the card's printed form (names in capitals when printed so)."""
    if key == "ho_ten" and isinstance(code_value, str) and (
            printed is None or (isinstance(printed, str) and printed.isupper())):
        return code_value.upper()
    return code_value


def _reconcile(cands: dict[str, Candidate], key: str, code_value: Any, source: str, box: list[float] | None,
               raw: str, *, fill: bool, probable: bool = False) -> None:
    """One value carried by a code (MRZ with passing check digits, or a decoded QR) against the printed one.

    A ``probable`` code (an MRZ that needed repairing) fills with a value to review and never
    corrects a printed value."""
    if code_value is None:
        return
    name = _CODE_NAMES[source]
    cand = cands.get(key)
    if cand is None or cand.value is None:
        if not fill:
            return
        value = _as_printed(key, code_value, None)
        reasons = [f"read from {name}" + (" (repaired: review it)" if probable else "")]
        if cand is not None:
            reasons.insert(0, "the printed value could not be read")
        cands[key] = Candidate(path=key, value=value, raw=raw, span=None, kind="none", box=box, valid=True,
                               source=source, reasons=reasons, evidence=0.6 if probable else 1.0,
                               status=FieldStatus.NEEDS_REVIEW if probable else None)
        return
    if _same(key, cand.value, code_value):
        cand.confirm(f"agrees with {name}")
        cand.readers += 1
        return
    if not probable and _close(key, cand.value, code_value):
        cand.alternatives.append(cand.value)
        cand.value = _as_printed(key, code_value, cand.value)
        cand.source = source
        cand.valid = True
        cand.agree = None
        cand.reasons.append(f"OCR reading corrected from {name} (they differed slightly)")
        return
    cand.alternatives.append(_as_printed(key, code_value, cand.value))
    cand.status = FieldStatus.CONFLICT
    cand.invalidate(f"differs from {name}")


def _mrz_name_agrees(printed: str, line3: str) -> bool | None:
    """The printed name against MRZ line 3 (no diacritics; long names truncated)."""
    target = mrz_name(printed)
    if not target:
        return None
    mrz = re.sub(r"<+$", "", line3)
    surname, _, given = mrz.partition("<<")
    words = [w for w in [surname.replace("<", " "), given.replace("<", " ")] if w]
    read = " ".join(" ".join(words).split())
    if read == target:
        return True
    return len(mrz) >= 29 and target.replace(" ", "").startswith(read.replace(" ", ""))


def _check_mrz(cands: dict[str, Candidate], ctx: ExtractContext, fill: set[str]) -> None:
    cand = cands.get("mrz")
    if cand is None or not isinstance(cand.value, str):
        return
    lines = cand.value.split("\n")
    if len(lines) != 3:
        return
    card = interpret_mrz((lines[0], lines[1], lines[2]), [], True)
    if card is None:
        return
    box = None
    if cand.span is not None:
        box, _ = span_region(ctx.page, ctx.stream, cand.span)
    values = {"so_dinh_danh": card.id_number, "ngay_sinh": card.birth_date, "gioi_tinh": card.sex,
              "ngay_het_han": card.expiry}
    if card.valid:
        probable = PROBABLE in cand.reasons
        for key, value in values.items():
            _reconcile(cands, key, value, "mrz", box, cand.raw, fill=key in fill, probable=probable)
    else:
        # Check digits fail: the MRZ cannot correct anything, but two readings that agree still count.
        for key, value in values.items():
            printed = cands.get(key)
            if printed is not None and printed.value is not None and _same(key, printed.value, value):
                printed.confirm("agrees with the MRZ (whose check digits fail)")
                printed.readers += 1
    name = cands.get("ho_ten")
    if name is not None and isinstance(name.value, str):
        agrees = _mrz_name_agrees(name.value, card.lines[2])
        if agrees is True:
            name.confirm("agrees with the MRZ name line")
        elif agrees is False and card.valid and card.name_known:
            name.invalidate("name differs from the MRZ name line")


def _check_qr(cands: dict[str, Candidate], payload: str, box: list[float], fill: set[str]) -> None:
    from digitize.fields.qr import parse_cccd_qr

    parsed = parse_cccd_qr(payload)
    qr = Candidate(path="qr", value=nfc(payload).strip(), raw="(QR code)", span=None, kind="none", box=box,
                   source="qr", reasons=["decoded from the QR code"])
    if parsed is None:
        qr.reasons.append("QR payload is not the chip-card format: its fields were not used")
        cands.setdefault("qr", qr)
        return
    qr.valid = True
    cands["qr"] = qr
    for key in ("so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "noi_thuong_tru", "ngay_cap"):
        _reconcile(cands, key, parsed.get(key), "qr", box, "(QR code)", fill=key in fill)


def _mrz_from_qr(cands: dict[str, Candidate], parsed: dict[str, Any]) -> None:
    """A decoded QR settles what the MRZ's check digits cannot: digit repairs, and the name line."""
    cand = cands.get("mrz")
    if cand is None or not isinstance(cand.value, str) or len(cand.value.split("\n")) != 3:
        return
    hints = {k: str(parsed[k]) for k in ("so_dinh_danh", "ngay_sinh") if parsed.get(k)}
    if PROBABLE in cand.reasons:
        card = interpret_mrz(tuple(cand.value.split("\n")[:3]), [], True)  # type: ignore[arg-type]
        if card is not None and card.valid and mrz_matches_hints(card.lines[0], card.lines[1], hints):
            cand.reasons = [r for r in cand.reasons if r != PROBABLE] + ["MRZ repair confirmed by the QR code"]
            cand.evidence = 1.0
    elif cand.valid is not True and cand.raw.count("\n") == 2:
        raw = cand.raw.split("\n")
        card = read_mrz(raw[0], raw[1], raw[2], hints=hints)
        if card is not None and card.valid:
            cand.value = card.value
            cand.valid = True
            cand.source = "mrz"
            cand.reasons = [*card.reasons, "MRZ check digits agree after the repair"]
    name = parsed.get("ho_ten")
    if not isinstance(name, str) or not name.strip():
        return
    words = mrz_name(name).split()
    if len(words) < 2:
        return
    expected = (words[0] + "<<" + "<".join(words[1:]) + "<" * 30)[:30]
    lines = cand.value.split("\n")
    if lines[2] == expected:
        cand.reasons.append("MRZ name line agrees with the QR code")
        cand.readers += 1
        _name_row_settled(cand)
    elif _close_text(lines[2].replace("<", " "), expected.replace("<", " "), 80.0):
        cand.value = "\n".join([lines[0], lines[1], expected])
        cand.evidence = 1.0
        cand.reasons = [r for r in cand.reasons if "outside the name vocabulary" not in r]
        cand.reasons.append("MRZ name line corrected from the QR code (OCR misread letters)")
        _name_row_settled(cand)
    else:
        cand.reasons.append("MRZ name line differs from the QR code's name")
        cand.evidence = min(cand.evidence, 0.5)


def _safe(reasons: list[str]) -> list[str]:
    """Validator reasons with the numbers they quote taken out (reasons never carry values)."""
    out = []
    for r in reasons:
        if "birth year" in r and "encodes" in r:
            out.append("the ID number's birth-year digits disagree with the birth date")
        elif "province code" in r and "not one of" in r:
            out.append("the ID number's province code is not a birth-registration code")
        elif "century digit" in r:
            out.append("the ID number's century/sex digit is implausible")
        else:
            out.append(re.sub(r"\d{3,}", "…", r))
    return out


def _apply(cand: Candidate, result: validate.Check) -> None:
    if result.ok is True:
        cand.confirm()
        cand.reasons.extend(_safe(result.reasons))
    elif result.ok is False:
        for reason in _safe(result.reasons) or ["failed validation"]:
            cand.invalidate(reason)


def _from_code(cand: Candidate | None) -> bool:
    """Whether an MRZ or QR code supplied or confirmed the value."""
    return cand is not None and (cand.source in ("mrz", "qr") or any(
        r.startswith("agrees with the MRZ") or r.startswith("agrees with the QR") for r in cand.reasons))


def _iso(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def renewal_expiry(birth: date, issued: date, ages: tuple[int, ...]) -> date | str | None:
    """The expiry a card issued on ``issued`` must print: the birthday at the first renewal age
    more than two years after issue; ``NO_EXPIRY`` past the last one (Law 59/2014 art. 21,
    Law 26/2023 art. 21)."""
    for age in ages:
        try:
            due = birth.replace(year=birth.year + age)
        except ValueError:  # 29 February
            due = date(birth.year + age, 2, 28)
        try:
            window = due.replace(year=due.year - 2)
        except ValueError:
            window = date(due.year - 2, 2, 28)
        if issued < window:
            return due
    return NO_EXPIRY


def _check_values(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    doc_type = ctx.page.doc_type.value if ctx.page.doc_type else ctx.template.doc_types[0]
    number = cands.get("so_dinh_danh")
    birth = cands.get("ngay_sinh")
    sex = cands.get("gioi_tinh")
    issued = cands.get("ngay_cap")
    expiry = cands.get("ngay_het_han")
    if number is not None and isinstance(number.value, str):
        digits = number.value
        if len(digits) == 12:
            birth_year = birth.value[:4] if birth is not None and isinstance(birth.value, str) else None
            result = idnumbers.check_cccd(digits, birth_year=birth_year,
                                          sex=sex.value if sex is not None and isinstance(sex.value, str) else None)
            if result.ok is False:
                _apply(number, result)
                # The other side of a disagreement is suspect too, unless a code confirmed it.
                for other, word in ((birth, "birth"), (sex, "sex")):
                    if other is None or _from_code(other):
                        continue
                    if any(word in r for r in result.reasons):
                        other.invalidate("disagrees with the ID number's structure")
            elif result.ok is True:
                number.confirm("ID number structure agrees with the birth date and sex")
                # Read separately, the number's century/sex digit and birth-year digits
                # confirm the printed values (the year far more strongly than the sex).
                if birth is not None and birth_year is not None and not _from_code(birth):
                    birth.confirm("its year agrees with the ID number")
                if sex is not None and isinstance(sex.value, str) and not _from_code(sex):
                    sex.confirm("agrees with the ID number's sex digit")
        elif len(digits) == 9:
            if doc_type != "cmnd":
                number.invalidate("a 9-digit CMND number on a CCCD / Căn cước card")
            else:
                _apply(number, validate.check_cmnd(digits))
    issue_value = issued.value if issued is not None else None
    if birth is not None and isinstance(birth.value, str):
        _apply(birth, validate.check_birth_date(birth.value, issue_date=issue_value))
    if issued is not None and isinstance(issued.value, str):
        _apply(issued, validate.check_issue_date(issued.value, document="cccd" if doc_type != "cmnd" else "gcn"))
    if expiry is not None and isinstance(expiry.value, str) and expiry.value != NO_EXPIRY and issue_value:
        _apply(expiry, validate.check_expiry(issue_value, expiry.value))
    # The renewal-age rule, where the birth and issue dates are both known (printed or from a code).
    ages = (14, 25, 40, 60) if doc_type.startswith("can_cuoc_2024") else (25, 40, 60)
    qr = cands.get("qr")
    qr_fields = _qr_fields(qr)
    b = _iso(birth.value) if birth is not None else _iso(qr_fields.get("ngay_sinh"))
    i = _iso(issue_value) or _iso(qr_fields.get("ngay_cap"))
    if expiry is not None and isinstance(expiry.value, str) and b is not None and i is not None and doc_type != "cmnd":
        due = renewal_expiry(b, i, ages)
        expected = due.isoformat() if isinstance(due, date) else due
        if expected == expiry.value:
            expiry.confirm("expiry follows the renewal-age rule from the birth and issue dates")
        else:
            expiry.invalidate("expiry does not follow the renewal-age rule from the birth and issue dates")


def _qr_fields(qr: Candidate | None) -> dict[str, Any]:
    if qr is None or not isinstance(qr.value, str):
        return {}
    from digitize.fields.qr import parse_cccd_qr

    return parse_cccd_qr(qr.value) or {}


@check("card")
def card_check(cands: dict[str, Candidate], ctx: ExtractContext) -> None:
    """QR and MRZ against the printed fields (confirm, correct, conflict, fill), then plausibility."""
    from digitize.fields.qr import parse_cccd_qr

    codes = _codes_config(ctx.template)
    decoded = _decode_card_qr(ctx) if codes.get("qr", True) is not False else None
    parsed = parse_cccd_qr(decoded[0]) if decoded is not None else None
    if parsed is not None:
        _mrz_from_qr(cands, parsed)
    _check_mrz(cands, ctx, set(codes.get("fill_from_mrz", [])))
    if decoded is not None:
        _check_qr(cands, decoded[0], decoded[1], set(codes.get("fill_from_qr", [])))
    _check_values(cands, ctx)
