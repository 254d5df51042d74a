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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations, product
from typing import Any

import numpy as np

from digitize.fields import idnumbers, validate
from digitize.fields.mrz import MrzResult, check_digit, mrz_name, parse_mrz
from digitize.fields.normalize import clean_text, normalize_digits
from digitize.fields.text import fold
from digitize.layout.candidate import Candidate, ExtractContext, check, extractor
from digitize.layout.reading import Span, TextStream, group_rows
from digitize.layout.template import Template, reading_order
from digitize.model import FieldStatus, Line, nfc

NO_EXPIRY = "Không thời hạn"

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

_MRZ_GLYPHS = str.maketrans({"«": "<", "‹": "<", "(": "<", "[": "<", "{": "<", "≤": "<", "‘": "",
                             "ó": "6", "ò": "6", "ö": "6", "Ó": "6", "Ò": "6", "Ö": "6", "Ø": "0", "ø": "0",
                             "¿": "4"})
_MRZ_SHAPE = re.compile(r"<<|KKK|[I1T]?[DO0]VNM|\d{6}[0-9<][MF<]")


def _mrz_clean(text: str) -> str:
    t = nfc(text).translate(_MRZ_GLYPHS).upper()
    return re.sub(r"[^A-Z0-9<]", "", t)


def _mrz_like(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    if len(compact) < 20:
        return False
    clean = _mrz_clean(text)
    return len(clean) >= 0.8 * len(compact) and _MRZ_SHAPE.search(clean) is not None


def _stream_rows(stream: TextStream) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    for i, r in enumerate(stream.row_of_line):
        rows.setdefault(r, []).append(i)
    return rows


_CONFUSE = {"3": "58", "5": "36", "8": "3690", "6": "58", "9": "8", "0": "8", "1": "7", "7": "1"}


def _variants(chars: str, max_changes: int, extra: dict[int, str] | None = None) -> list[tuple[str, int]]:
    """``chars`` with up to ``max_changes`` OCR digit confusions undone, each with its number of changes."""
    alts = {i: "".join(dict.fromkeys(_CONFUSE.get(c, "") + (extra or {}).get(i, "")).keys()).replace(c, "")
            for i, c in enumerate(chars)}
    positions = [i for i, a in alts.items() if a]
    out = [(chars, 0)]
    for k in range(1, max_changes + 1):
        for pos in combinations(positions, k):
            for subs in product(*(alts[p] for p in pos)):
                s = list(chars)
                for p, d in zip(pos, subs, strict=True):
                    s[p] = d
                out.append(("".join(s), k))
    return out


def _valid_yymmdd(s: str) -> bool:
    if not re.fullmatch(r"\d{6}", s):
        return False
    try:
        date(2000, int(s[2:4]), int(s[4:6]))
    except ValueError:
        return False
    return True


def _century(g: str) -> int:
    return 1900 + 100 * (int(g) // 2)


MAX_COST = 3  # digit changes (and alignment edits) a repair may make in all
MARGIN = 1  # another fix within this many more changes makes the MRZ ambiguous
SEARCHED = 3  # alignments of the MRZ whose digits are searched


def _group_variants(field_: str, check_char: str, max_changes: int,
                    valid: Callable[[str], bool]) -> list[tuple[str, str, int]]:
    """(value, check digit, changes) of a field whose check digit agrees: either the field's digits
    are repaired, or the check digit alone was misread (never both: that would fit almost anything)."""
    out = []
    for value, cost in _variants(field_, max_changes):
        if not valid(value):
            continue
        cd = str(check_digit(value))
        if cd == check_char:
            out.append((value, cd, cost))
        elif cost == 0 and cd in _CONFUSE.get(check_char, ""):
            out.append((value, cd, 1))
    return out


def _search_digits(f1: str, f2: str, *, max_cost: int | None = None,
                   hints: dict[str, str] | None = None) -> tuple[str, str] | None:
    """The one cheap undoing of OCR digit confusions (3/5, 6/8, 0/8, 1/7...) that makes the MRZ check out.

    Every check digit and the composite must agree, and the 12-digit number's structure
    too (a known province code; the century/sex digit matching the sex and the birth year),
    and a repaired expiry must be a renewal birthday.  At most two changes in the number,
    one in each date.  Another fix within ``MARGIN`` more changes makes the MRZ ambiguous:
    None.  ``hints`` (from a decoded QR) choose among all fixes within the budget instead.
    """
    max_cost = MAX_COST if max_cost is None else max_cost
    id_obs, doc_obs = f1[15:27], f1[5:14]
    if max_cost < 0 or not (id_obs.isdigit() and doc_obs.isdigit()):
        return None
    extra = {p: doc_obs[p - 3] for p in range(3, 12) if doc_obs[p - 3] != id_obs[p]}
    if len(extra) > 2 and not hints:
        return None  # the two printings of the number disagree too much to be repaired
    ids: list[tuple[str, str, str, int]] = []
    id_hint = (hints or {}).get("so_dinh_danh")
    if id_hint:
        # The QR code tells the number: only how far the OCR reading is from it matters.
        candidates = [id_hint] if re.fullmatch(r"\d{12}", id_hint) else []
        max_id_changes, date_changes, max_cost = 6, 2, 10
    else:
        candidates = [v for v, _ in _variants(id_obs, 2 + len(extra), extra)]
        max_id_changes, date_changes = 2, 1
    for value in candidates:
        # A position costs one when the value departs from either reading of it (the number
        # is printed twice: in full, and its last nine digits as the document number).
        changes = sum(1 for p in range(12) if value[p] != id_obs[p] or (p >= 3 and value[p] != doc_obs[p - 3]))
        if changes > max_id_changes or value[:3] not in idnumbers.CCCD_PROVINCES or value[3] not in "0123":
            continue
        c1, c2 = str(check_digit(value[3:])), str(check_digit(value))
        misread_checks = (c1 != f1[14]) + (c2 != f1[29])
        if misread_checks and (changes or not all(cd in _CONFUSE.get(obs, "") for obs, cd in
                                                  ((f1[14], c1), (f1[29], c2)) if cd != obs)):
            continue
        ids.append((value, c1, c2, changes + misread_checks))
    births = _group_variants(f2[0:6], f2[6], date_changes, _valid_yymmdd)
    sex = f2[7]
    if set(f2[8:15]) <= {"<"}:
        expiries: list[tuple[str, str, int]] = [("<<<<<<", "<", 0)]
    else:
        expiries = _group_variants(f2[8:14], f2[14], date_changes, _valid_yymmdd)
    today = date.today()
    solutions: list[tuple[int, str, str]] = []
    combos = [(i, b, e) for i, b in product(ids, births)
              for e in [*expiries, *_renewal_expiries(b[0], f2[8:15], expiries, date_changes)]]
    for (idv, c1, c2, ci), (b, cb, cbc), (e, ce, cec) in combos:
        cost = ci + cbc + cec
        if cost > max_cost or idv[4:6] != b[:2]:
            continue
        if sex in "MF" and (int(idv[3]) % 2 == 1) != (sex == "F"):
            continue
        try:
            born = date(_century(idv[3]) + int(b[:2]), int(b[2:4]), int(b[4:6]))
        except ValueError:
            continue
        head2 = f"{b}{cb}{sex}{e}{ce}"
        if born > today or (e != f2[8:14] and not _renewal_shaped(head2)):
            continue
        if e != f2[8:14] and e.isdigit() and 2000 + int(e[:2]) < CHIP_CARDS_SINCE:
            continue  # a repaired expiry before any card with an MRZ was issued
        line1 = f"IDVNM{idv[3:]}{c1}{idv}<<{c2}"
        composite = str(check_digit(line1[5:30] + head2[0:7] + head2[8:15] + "<" * 11))
        if composite != f2[29]:
            if cost or composite not in _CONFUSE.get(f2[29], ""):
                continue
            cost = 1
        solutions.append((cost, line1, f"{head2}VNM{'<' * 11}{composite}"))
    if not solutions:
        return None
    if hints:
        matching = {(a, b) for _, a, b in solutions if _matches_hints(a, b, hints)}
        return matching.pop() if len(matching) == 1 else None
    best = min(c for c, _, _ in solutions)
    close = {(a, b) for c, a, b in solutions if c <= best + MARGIN}
    if len(close) > 1:
        # A card expires on a birthday (renewal ages): prefer fixes whose expiry is one.
        close = {(a, b) for a, b in close if _renewal_shaped(b)} or close
    return close.pop() if len(close) == 1 else None


RENEWAL_AGES = (14, 25, 40, 60)
CHIP_CARDS_SINCE = 2021  # the first Vietnamese ID cards with an MRZ (chip CCCD)


def _renewal_expiries(birth: str, observed: str, known: list[tuple[str, str, int]],
                      date_changes: int) -> list[tuple[str, str, int]]:
    """Expiry fixes that only a card's structure can justify: a CCCD expires on the holder's
    birthday at a renewal age, so an expiry two digits away from such a birthday (3/5 read
    twice) is repaired when its printed check digit agrees.  One change is already searched."""
    if set(observed) <= {"<"} or len(observed) < 7:
        return []
    seen = {e for e, _, _ in known}
    out = []
    for age in RENEWAL_AGES:
        expiry = f"{(int(birth[:2]) + age) % 100:02d}{birth[2:]}"
        changes = sum(a != b for a, b in zip(expiry, observed[:6], strict=True))
        if expiry in seen or changes <= date_changes or changes > 2:
            continue
        if str(check_digit(expiry)) == observed[6]:
            out.append((expiry, observed[6], changes))
    return out


def _matches_hints(line1: str, line2: str, hints: dict[str, str]) -> bool:
    id_hint, birth_hint = hints.get("so_dinh_danh"), hints.get("ngay_sinh")
    if id_hint and line1[15:27] != id_hint:
        return False
    if birth_hint and len(birth_hint) == 10:
        return line2[0:6] == birth_hint[2:4] + birth_hint[5:7] + birth_hint[8:10]
    return True


def _renewal_shaped(line2: str) -> bool:
    """Line 2's expiry is the birthday at a renewal age (14, 25, 40, 60), or there is none."""
    birth, expiry = line2[0:6], line2[8:14]
    if set(expiry) <= {"<"}:
        return True
    return expiry[2:] == birth[2:] and (int(expiry[:2]) - int(birth[:2])) % 100 in (14, 25, 40, 60)


def _align(clean: str, index: int, at: int, first: int = 0) -> list[tuple[str, int]]:
    """Variants of an MRZ line with the character at ``index`` moved to ``at`` by deleting
    (up to two) or inserting (one) characters in ``[first, index)``, with their number of edits.
    The unchanged line comes first."""
    if index < 0 or index == at:
        return [(clean, 0)]
    shift = index - at
    out: list[tuple[str, int]] = [(clean, 0)]
    if 0 < shift <= 2:
        for pos in combinations(range(first, index), shift):
            out.append(("".join(c for i, c in enumerate(clean) if i not in pos), shift))
    elif shift == -1:
        for p in range(first, at):
            for d in "0123456789<":
                out.append((clean[:p] + d + clean[p:], 1))
    return out


_NAME_VOCAB: frozenset[str] | None = None


def _name_vocabulary() -> frozenset[str]:
    global _NAME_VOCAB
    if _NAME_VOCAB is None:
        from digitize.fields import _vocab

        words: set[str] = set()
        for entries in (_vocab.SURNAMES, _vocab.MIDDLE_NAMES, _vocab.GIVEN_NAMES):
            for entry in entries:
                words.update(fold(entry).upper().split())
        _NAME_VOCAB = frozenset(words)
    return _NAME_VOCAB


_NAME_CONFUSE = {"T": "I", "I": "TL", "L": "I", "D": "O", "Q": "O", "O": "DQ", "V": "U", "U": "V", "E": "F",
                 "F": "E", "H": "N", "N": "H", "B": "Q"}
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "4": "A"})


def _k_heuristic(s: str) -> str:
    """'<' read as K: Vietnamese syllables never end in K and K starts only KH/KI/KE/KY syllables."""
    out: list[str] = []
    i = 0
    while i < len(s):
        if s[i] not in "<K":
            out.append(s[i])
            i += 1
            continue
        j = i
        while j < len(s) and s[j] in "<K":
            j += 1
        run, nxt, prev = s[i:j], (s[j] if j < len(s) else ""), (s[i - 1] if i > 0 else "")
        if j >= len(s):
            out.append("<" * len(run))
        elif len(run) >= 2 or "<" in run:
            out.append("<" * (len(run) - 1) + "K" if run.endswith("K") and nxt in "HIEY" else "<" * len(run))
        elif prev and prev != "<" and nxt not in "HIEY":
            out.append("<")
        else:
            out.append(run)
        i = j
    return "".join(out)


_NAME_SHAPE = re.compile(r"[A-Z]+(?:<[A-Z]+)*(?:<<[A-Z]+(?:<[A-Z]+)*)?<*")


def _repair_words(line: str, too_long: bool) -> tuple[str, int, int]:
    """Name words outside the vocabulary repaired by one letter when exactly one repair is known.

    Returns (line, words still unknown, repairs made)."""
    vocab = _name_vocabulary()
    unknown = repairs = 0
    parts = re.split(r"(<+)", line)
    for k, w in enumerate(parts):
        if not w or w.startswith("<") or w in vocab:
            continue
        # "TI" for "I" is a common misreading of the MRZ font: try it first.
        options = {w[:i] + w[i + 1:] for i in range(len(w) - 1) if w[i:i + 2] == "TI"} & vocab
        if not options:
            options = {w[:i] + a + w[i + 1:] for i in range(len(w)) for a in _NAME_CONFUSE.get(w[i], "")} & vocab
        if too_long and not options:
            options = {w[:i] + w[i + 1:] for i in range(len(w))} & vocab
        if len(options) == 1:
            parts[k] = options.pop()
            repairs += 1
        else:
            unknown += 1
    return "".join(parts), unknown, repairs


def _name_line(clean: str) -> tuple[str, list[str], bool]:
    """MRZ line 3 repaired: '<' read as K, letters read as digits, one misread letter in a name word.

    Each reading of the ambiguous K's is tried; the one whose words are all in the name
    vocabulary (fewest repairs, closest to the K rule) wins.  Returns (line, reasons, every
    name word known).
    """
    s = clean.translate(_TO_LETTER)
    too_long = len(s) > 30
    heuristic = _k_heuristic(s)
    ks = [i for i, c in enumerate(s) if c == "K" and i > 0]
    readings = [heuristic]
    if 0 < len(ks) <= 6:
        for choice in product("K<", repeat=len(ks)):
            t = list(s)
            for i, c in zip(ks, choice, strict=True):
                t[i] = c
            readings.append("".join(t))
    best: tuple[tuple[int, int, int, int], str, str, int] | None = None
    for reading in dict.fromkeys(readings):
        body = reading.rstrip("<")
        shape_bad = 0 if _NAME_SHAPE.fullmatch(body + "<") else 1
        line, unknown, repairs = _repair_words(reading, too_long)
        deviation = sum(a != b for a, b in zip(reading, heuristic, strict=False))
        key = (shape_bad, unknown, repairs, deviation)
        if best is None or key < best[0]:
            best = (key, reading, line, repairs)
    assert best is not None
    (_, unknown, _, _), reading, line, repairs = best
    reasons: list[str] = []
    if reading.rstrip("<") != clean.rstrip("<"):
        reasons.append("MRZ name line: fillers read as K, or letters read as digits, restored")
    if repairs:
        reasons.append("MRZ name line: one character of a name word repaired from the name vocabulary")
    line = (line + "<" * 30)[:30]
    return line, reasons, unknown == 0


PROBABLE = "MRZ repaired (realigned, or digits changed by the check-digit search): probable, to be reviewed"


@dataclass
class CardMrz:
    """An MRZ read from a card: the three lines as printed (after repair) and what they say."""

    lines: tuple[str, str, str]
    result: MrzResult
    valid: bool
    id_number: str | None
    birth_date: str | None
    sex: str | None
    expiry: str | None  # ISO date, NO_EXPIRY, or None when unreadable
    name_known: bool = True
    reasons: list[str] = field(default_factory=list)
    repaired: bool = False  # realigned or digits searched: probable, not certain (see read_mrz)

    @property
    def value(self) -> str:
        return "\n".join(self.lines)


def _plausible(result: MrzResult, id_number: str | None, birth: str | None, expiry: str | None) -> bool:
    """Check digits are only mod 10: the dates must be dates, and the number's structure must
    fit (a known province, the century/sex digit matching the sex and the birth year)."""
    if not id_number or birth is None or expiry is None:
        return False
    if id_number[:3] not in idnumbers.CCCD_PROVINCES or id_number[3] not in "0123":
        return False
    if result.sex in ("Nam", "Nữ") and (int(id_number[3]) % 2 == 1) != (result.sex == "Nữ"):
        return False
    return id_number[4:6] == birth[2:4]


def _interpret(lines: tuple[str, str, str], reasons: list[str], name_known: bool) -> CardMrz | None:
    result = parse_mrz("\n".join(lines))
    if result is None:
        return None
    id_number = result.id_number
    birth = result.birth_date
    if id_number and birth and id_number[3] in "0123456789":
        try:
            d = date.fromisoformat(birth)
            born = date(_century(id_number[3]) + d.year % 100, d.month, d.day)
            birth = born.isoformat() if born <= date.today() else birth
        except ValueError:
            pass
    expiry: str | None = result.expiry_date
    if set(lines[1][8:15]) <= {"<"}:
        expiry = NO_EXPIRY
    valid = result.valid and _plausible(result, id_number, birth, expiry)
    return CardMrz(lines, result, valid, id_number, birth, result.sex, expiry, name_known,
                   [*reasons, *result.reasons])


def _line2_variants(clean: str) -> list[tuple[str, int]]:
    """Line 2 with its nationality moved to positions 15-17 (OCR adds or drops characters)."""
    m = re.search(r"VNM", clean) or re.search(r"[A-Z](?=NM<)|V(?=[A-Z]M<)", clean)
    return _align(clean, m.start() if m else -1, 15)


def _shape_line2(v2: str) -> str:
    # No expiry: a run of fillers (OCR reads more or fewer of them) up to the nationality.
    m = re.match(r"([0-9A-Z]{7}[MF<])[<K]{4,}[A-Z]{0,2}NM", v2)
    if m is not None and not re.match(r"[0-9A-Z]{7}[MF<][0-9]", v2):
        v2 = m.group(1) + "<" * 7 + "VNM" + v2[m.end():]
    head = (v2 + "<" * 30)[:18]
    if set(head[8:15]) <= {"<", "K"}:
        head = head[:8] + "<" * 7 + head[15:]
    if head[15:18] != "VNM" and sum(a == b for a, b in zip(head[15:18], "VNM", strict=True)) >= 1:
        head = head[:15] + "VNM"
    tail = v2[18:]
    opt = tail[:-1] if len(tail) > 1 else ""
    comp = tail[-1] if tail and tail[-1].isdigit() else "<"
    opt = "<" * 11 if set(opt) <= {"<", "K"} else (opt + "<" * 11)[:11]
    return head + opt + comp


_LINE1_CHECKS = ("document_number", "id_number", "id_matches_document_number")
_LINE2_CHECKS = ("birth_date", "expiry_date")


def _failed(parsed: MrzResult | None, keys: tuple[str, ...]) -> int:
    if parsed is None:
        return 99
    return sum(1 for k in keys if parsed.checks.get(k) is False) + (0 if parsed.id_number or "id_number" not in keys
                                                                      else 5)


def _best_line1(c1: str, c2: str, name: str, keep: int = 5) -> list[tuple[str, int]]:
    """The few alignments of line 1 whose own check digits fail least (line 2 as read)."""
    line2 = _shape_line2(c2)
    scored = []
    for v1, cost in _align(c1, c1.find("<<", 20), 27, first=5):
        line1 = (v1 + "<" * 30)[:30]
        scored.append((_failed(parse_mrz(f"{line1}\n{line2}\n{name}"), _LINE1_CHECKS), cost, line1))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [(line1, cost) for _, cost, line1 in scored[:keep]]


def _best_line2(c1: str, c2: str, name: str, keep: int = 5) -> list[tuple[str, int]]:
    """The few alignments of line 2 whose own check digits fail least (line 1 as read)."""
    line1 = (c1 + "<" * 30)[:30]
    scored = []
    for v2, cost in _line2_variants(c2):
        line2 = _shape_line2(v2)
        scored.append((_failed(parse_mrz(f"{line1}\n{line2}\n{name}"), _LINE2_CHECKS), cost, line2))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [(line2, cost) for _, cost, line2 in scored[:keep]]


def read_mrz(l1: str, l2: str, l3: str, hints: dict[str, str] | None = None) -> CardMrz | None:
    """Three raw MRZ rows -> :class:`CardMrz`: aligned, repaired by position and by check digits.

    ``hints`` (``so_dinh_danh``, ``ngay_sinh`` ISO) are values known from a decoded QR code:
    they choose between digit repairs the check digits alone cannot tell apart.  When no
    reading checks out, the MRZ is returned as read (positional repair only), invalid."""
    c1, c2, c3 = _mrz_clean(l1), _mrz_clean(l2), _mrz_clean(l3)
    m = re.search(r"[DO0]VNM", c1)
    if m is not None:
        c1 = "ID" + c1[m.start() + 1:]
    name, name_reasons, name_known = _name_line(c3)
    def reading(line1: str, line2: str, realigned: bool) -> CardMrz | None:
        parsed = parse_mrz(f"{line1}\n{line2}\n{name}")
        if parsed is None:
            return None
        f1, f2 = parsed.lines[0], parsed.lines[1]
        if set(line2[8:15]) <= {"<"}:
            f2 = f2[:8] + "<" * 7 + f2[15:]  # no expiry: fillers, not zeros
        reasons = [*name_reasons, *(["MRZ characters realigned"] if realigned else [])]
        return _interpret((f1, f2, name), reasons, name_known)

    as_read = reading((c1 + "<" * 30)[:30], _shape_line2(c2), False)
    tried: list[tuple[int, int, CardMrz]] = []  # (failed checks, alignment edits, reading)
    for (line1, cost1), (line2, cost2) in product(_best_line1(c1, c2, name), _best_line2(c1, c2, name)):
        card = reading(line1, line2, bool(cost1 or cost2))
        if card is not None:
            failed = sum(1 for ok in card.result.checks.values() if not ok) + (0 if card.id_number else 5)
            tried.append((failed, cost1 + cost2, card))
    if not tried:
        return as_read
    tried.sort(key=lambda t: (t[0], t[1]))
    if as_read is not None and as_read.valid:
        if not _renewal_shaped(as_read.lines[1]):
            as_read.repaired = True  # check digits agree, yet a card expires on a renewal birthday
            as_read.reasons.append("MRZ expiry is not a renewal birthday of its birth date")
        return as_read
    realigned = [t for t in tried if t[2].valid and _renewal_shaped(t[2].lines[1])]
    if realigned:
        best = min(realigned, key=lambda t: t[1])
        if sum(1 for t in realigned if t[1] == best[1] and t[2].lines != best[2].lines) == 0:
            best[2].repaired = True
            return best[2]
    searched = ([(0, 0, as_read)] if as_read is not None else []) + [t for t in tried if t[2] is not as_read]
    for _, edits, card in searched[:SEARCHED]:
        fixed = _search_digits(card.lines[0], card.lines[1], hints=hints, max_cost=MAX_COST - edits)
        if fixed is None:
            continue
        why = "values of the QR code" if hints else "check digits and the ID-number structure"
        repaired = _interpret((fixed[0], fixed[1], name),
                              [*card.reasons, f"MRZ digits repaired: OCR digit confusions undone (the only repair "
                               f"that the {why} agree with)"], name_known)
        if repaired is not None and repaired.valid:
            repaired.repaired = not hints
            return repaired
    return as_read


def _mrz_groups(stream: TextStream) -> list[list[int]]:
    """Line indices of each MRZ-looking line (a line OCR split in two is one group), top to bottom."""
    groups: list[list[int]] = []
    taken: set[int] = set()
    for i, line in enumerate(stream.lines):
        if _mrz_like(line.text):
            groups.append([i])
            taken.add(i)
    # Pieces of one MRZ line split by the detector: MRZ characters only, in one row.
    for indices in _stream_rows(stream).values():
        rest = [i for i in indices if i not in taken and _mrz_clean(stream.lines[i].text)
                and len(_mrz_clean(stream.lines[i].text)) >= 0.8 * len(re.sub(r"\s+", "", stream.lines[i].text))]
        if len(rest) >= 2 and _mrz_like(" ".join(stream.lines[i].text for i in rest)):
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
    first = [t for t in triples if re.search(r"[DO0]VNM", _mrz_clean(text(t[0])))]
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
    from digitize.layout.gcn import decode_region

    image = ctx.page.image if ctx.page.image is not None else ctx.page.color_image
    if image is None:
        return None
    h, w = image.shape[:2]
    regions = [(0, 0, w, h)]
    if max(h, w) > 1600:  # a card on a large scan: the whole image is shrunk before decoding
        regions += [(w // 2, 0, w, h // 2), (0, 0, w // 2, h // 2), (0, h // 2, w // 2, h), (w // 2, h // 2, w, h)]
    for region in regions:
        found = decode_region(ctx, region)
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
    card = _interpret((lines[0], lines[1], lines[2]), [], True)
    if card is None:
        return
    box = None
    if cand.span is not None:
        from digitize.layout.extract import span_region

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
        card = _interpret(tuple(cand.value.split("\n")[:3]), [], True)  # type: ignore[arg-type]
        if card is not None and card.valid and _matches_hints(card.lines[0], card.lines[1], hints):
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
