"""MRZ repair: three OCR'd rows of an ID card's machine-readable zone made to check out.

:mod:`digitize.fields.mrz` parses and checks an MRZ; this module repairs one as OCR reads
it before parsing: characters realigned by position, the name row's fillers and letters
restored from the name vocabulary, and OCR digit confusions (3/5, 6/8, 0/8, 1/7...) undone
when exactly one cheap repair makes every check digit, the ID number's structure and the
renewal-age expiry agree.  :func:`read_mrz` is the entry point; :class:`CardMrz` what it
returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations, product

from digitize.fields import idnumbers
from digitize.fields.mrz import MrzResult, check_digit, parse_mrz
from digitize.fields.mrz_name import repair_name_row
from digitize.fields.text import fold
from digitize.model import nfc

NO_EXPIRY = "Không thời hạn"  # the printed expiry of a card valid for life (and the value it extracts to)

_MRZ_GLYPHS = str.maketrans({"«": "<", "‹": "<", "(": "<", "[": "<", "{": "<", "≤": "<", "‘": "",
                             "ó": "6", "ò": "6", "ö": "6", "Ó": "6", "Ò": "6", "Ö": "6", "Ø": "0", "ø": "0",
                             "¿": "4", "£": "E"})
_MRZ_SHAPE = re.compile(r"<<|KKK|[I1T]?[DO0]VNM|\d{6}[0-9<][MF<]")


def clean_mrz_text(text: str) -> str:
    """``text`` as MRZ characters: look-alike glyphs mapped, upper case, anything else dropped.

    A letter the OCR read with a Vietnamese accent ("LẾ", "LÔNG") keeps its base letter: the
    MRZ has fixed positions, and dropping the letter would shift the rest of the name row.
    """
    t = fold(nfc(text).translate(_MRZ_GLYPHS), keep_case=True).upper()
    return re.sub(r"[^A-Z0-9<]", "", t)


def looks_like_mrz(text: str) -> bool:
    """A line of at least 20 characters that is mostly MRZ characters, with an MRZ-shaped run."""
    compact = re.sub(r"\s+", "", text)
    if len(compact) < 20:
        return False
    clean = clean_mrz_text(text)
    return len(clean) >= 0.8 * len(compact) and _MRZ_SHAPE.search(clean) is not None


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
        matching = {(a, b) for _, a, b in solutions if mrz_matches_hints(a, b, hints)}
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


def mrz_matches_hints(line1: str, line2: str, hints: dict[str, str]) -> bool:
    """Whether MRZ lines 1-2 carry the ID number and birth date that ``hints`` (from a QR code) give."""
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
    return expiry[2:] == birth[2:] and (int(expiry[:2]) - int(birth[:2])) % 100 in RENEWAL_AGES


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


def interpret_mrz(lines: tuple[str, str, str], reasons: list[str], name_known: bool) -> CardMrz | None:
    """Three aligned MRZ lines (no repair) -> :class:`CardMrz`, its birth century taken from the ID number."""
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
    c1, c2, c3 = clean_mrz_text(l1), clean_mrz_text(l2), clean_mrz_text(l3)
    m = re.search(r"[DO0]VNM", c1)
    if m is not None:
        c1 = "ID" + c1[m.start() + 1:]
    name, name_reasons, name_known = repair_name_row(c3)
    def reading(line1: str, line2: str, realigned: bool) -> CardMrz | None:
        parsed = parse_mrz(f"{line1}\n{line2}\n{name}")
        if parsed is None:
            return None
        f1, f2 = parsed.lines[0], parsed.lines[1]
        if set(line2[8:15]) <= {"<"}:
            f2 = f2[:8] + "<" * 7 + f2[15:]  # no expiry: fillers, not zeros
        reasons = [*name_reasons, *(["MRZ characters realigned"] if realigned else [])]
        return interpret_mrz((f1, f2, name), reasons, name_known)

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
        repaired = interpret_mrz((fixed[0], fixed[1], name),
                              [*card.reasons, f"MRZ digits repaired: OCR digit confusions undone (the only repair "
                               f"that the {why} agree with)"], name_known)
        if repaired is not None and repaired.valid:
            repaired.repaired = not hints
            return repaired
    return as_read
