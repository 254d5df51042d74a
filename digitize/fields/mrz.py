"""ICAO 9303 TD1 machine-readable zone (3 x 30) of the Vietnamese CCCD / Căn cước.

Line 1: 'ID' 'VNM' + the last 9 digits of the ID number + check digit + the full
12-digit number + '<<' + check digit of the 12-digit number (the Vietnamese use of the
optional data field).  Line 2: birth date YYMMDD + check, sex, expiry YYMMDD + check,
'VNM', fillers, composite check.  Line 3: name without diacritics, 'SURNAME<<GIVEN<NAMES'.
Check digits use weights 7-3-1 (digits as value, A=10 ... Z=35, '<'=0).

OCR of the MRZ font confuses O/0, I/1, S/5, B/8, Z/2 and reads '<' as K, « or (; each
position has a known alphabet, so the repair is by position, and the check digits then
say whether it worked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from digitize.fields.result import Check
from digitize.fields.text import as_text, fold

_WEIGHTS = (7, 3, 1)
_TO_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "T": "1", "Z": "2",
                           "S": "5", "B": "8", "G": "6", "<": "0"})
_TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "4": "A"})
_FILLERS = str.maketrans({"«": "<", "‹": "<", "(": "<", "[": "<", "{": "<", "≤": "<", " ": "<"})


def check_digit(data: str) -> int:
    """ICAO 9303 check digit of ``data`` (digits, A-Z, '<'); other characters count 0."""
    total = 0
    for i, c in enumerate(data):
        if c.isdigit():
            v = int(c)
        elif "A" <= c <= "Z":
            v = ord(c) - 55
        else:
            v = 0
        total += v * _WEIGHTS[i % 3]
    return total % 10


@dataclass(frozen=True)
class MrzResult:
    """A parsed TD1 MRZ.  ``checks`` holds each check digit's verdict; ``valid`` all of them."""

    lines: tuple[str, str, str]
    document_code: str
    issuing_state: str
    document_number: str
    id_number: str | None
    birth_date: str | None
    sex: str | None
    expiry_date: str | None
    nationality: str
    surname: str
    given_names: str
    checks: dict[str, bool] = field(default_factory=dict)
    repaired: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when every check digit agrees."""
        return bool(self.checks) and all(self.checks.values())

    @property
    def full_name(self) -> str:
        """'NGUYEN VAN AN' (surname then given names, no diacritics)."""
        return " ".join(p for p in (self.surname, self.given_names) if p)


def _clean_line(line: str) -> str:
    s = as_text(line).upper().translate(_FILLERS)
    s = re.sub(r"[^A-Z0-9<]", "", s)
    return s


def _split_lines(text: str) -> list[str] | None:
    raw = [ln for ln in re.split(r"[\r\n]+", as_text(text)) if ln.strip()]
    lines = [_clean_line(ln) for ln in raw]
    lines = [ln for ln in lines if len(ln) >= 10]
    if len(lines) == 1 and 85 <= len(lines[0]) <= 95:
        one = lines[0]
        lines = [one[:30], one[30:60], one[60:90]]
    if len(lines) > 3:
        # Keep the three lines that look most like MRZ (most fillers).
        keep = sorted(sorted(range(len(lines)), key=lambda i: -lines[i].count("<"))[:3])
        lines = [lines[i] for i in keep]
    if len(lines) != 3:
        return None
    out = []
    for ln in lines:
        if len(ln) > 30:
            ln = ln[:30]
        out.append(ln.ljust(30, "<"))
    return out


def _fix(s: str, kind: str) -> str:
    """Repair one field by its alphabet: 'd' digits, 'a' letters, 'f' letters or fillers."""
    if kind == "d":
        return s.translate(_TO_DIGIT)
    if kind == "a":
        return s.translate(_TO_LETTER)
    return s.translate(_TO_LETTER)


def _date(yymmdd: str, *, birth: bool, today: date | None = None) -> str | None:
    if not re.fullmatch(r"\d{6}", yymmdd):
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    today = today or date.today()
    # Birth: the latest century that does not put the date in the future.  Expiry: 20YY.
    year = (1900 + yy if yy > today.year % 100 else 2000 + yy) if birth else 2000 + yy
    try:
        return date(year, mm, dd).isoformat()
    except ValueError:
        return None


def parse_mrz(text: str, *, today: date | None = None) -> MrzResult | None:
    """Three MRZ lines (or one 90-character run) -> :class:`MrzResult`; None when not a TD1 MRZ.

    Characters are repaired by position before the check digits are computed;
    ``repaired`` says whether anything changed, ``checks`` which digits agree.
    """
    lines = _split_lines(text)
    if lines is None:
        return None
    l1, l2, l3 = lines
    if not (l1[0] in "IAC" or l1[:2] in ("ID", "1D", "I0")):
        return None
    f1 = _fix(l1[0:2], "a") + _fix(l1[2:5], "a") + _fix(l1[5:15], "d") + _fix(l1[15:27], "d") + "<<" + \
        _fix(l1[29], "d")
    f2 = _fix(l2[0:7], "d") + (l2[7] if l2[7] in "MF<" else "<") + _fix(l2[8:15], "d") + _fix(l2[15:18], "a") + \
        "<" * 11 + _fix(l2[29], "d")
    if l2[18:29].strip("<") and not re.fullmatch(r"[A-Z0-9<]{11}", l2[18:29]):
        return None
    # 'K' is how OCR reads a run of '<' in the MRZ font; an all-K/< optional field is fillers.
    opt2 = "<" * 11 if set(l2[18:29]) <= {"<", "K"} else l2[18:29]
    f2 = f2[:18] + opt2 + f2[29:]
    f3 = re.sub(r"[0-9]", lambda m: m.group(0).translate(_TO_LETTER), l3)
    # Trailing K runs are fillers read as K ('AN<<<<' -> 'ANKKKK').
    f3 = re.sub(r"(?<=<)K{2,}$|K{3,}$", lambda m: "<" * len(m.group(0)), f3)
    repaired = (f1, f2, f3) != (l1, l2, l3)
    doc = f1[5:14]
    idn = f1[15:27]
    checks = {
        "document_number": check_digit(doc) == _digit(f1[14]),
        "birth_date": check_digit(f2[0:6]) == _digit(f2[6]),
        "expiry_date": check_digit(f2[8:14]) == _digit(f2[14]),
        "composite": check_digit(f1[5:30] + f2[0:7] + f2[8:15] + f2[18:29]) == _digit(f2[29]),
    }
    reasons: list[str] = []
    id_number = idn if idn.isdigit() else None
    if id_number:
        checks["id_number"] = check_digit(id_number) == _digit(f1[29])
        if id_number[-9:] != doc:
            reasons.append("document number is not the last 9 digits of the ID number")
            checks["id_matches_document_number"] = False
    if repaired:
        reasons.append("OCR characters repaired by position")
    for k, v in checks.items():
        if not v:
            reasons.append(f"{k} check digit disagrees")
    names = f3.split("<<", 1)
    surname = names[0].replace("<", " ").strip()
    given = names[1].replace("<", " ").strip() if len(names) > 1 else ""
    given = re.sub(r"\s+", " ", given)
    sex = {"M": "Nam", "F": "Nữ"}.get(f2[7])
    return MrzResult(
        lines=(f1, f2, f3), document_code=f1[0:2].rstrip("<"), issuing_state=f1[2:5], document_number=doc,
        id_number=id_number, birth_date=_date(f2[0:6], birth=True, today=today), sex=sex,
        expiry_date=_date(f2[8:14], birth=False), nationality=f2[15:18], surname=surname, given_names=given,
        checks=checks, repaired=repaired, reasons=reasons,
    )


def _digit(c: str) -> int:
    return int(c) if c.isdigit() else -1


def mrz_name(name: str) -> str:
    """A printed name as the MRZ writes it: 'Nguyễn Văn An' -> 'NGUYEN VAN AN'."""
    return re.sub(r"[^A-Z ]", "", fold(name).upper().replace("  ", " ")).strip()


def compare_mrz(mrz: MrzResult, *, id_number: str | None = None, birth_date: str | None = None,
                sex: str | None = None, name: str | None = None) -> Check:
    """The MRZ against fields read from the printed side; skipped fields are not judged.

    ``birth_date`` ISO; ``sex`` 'Nam'/'Nữ'; ``name`` compared folded, upper case, without
    diacritics (the MRZ may truncate long names: a prefix match counts).  Reasons name
    the field, never its value.
    """
    checks: list[Check] = []
    if not mrz.valid:
        checks.append(Check(None, ["MRZ check digits disagree; comparison is weak"]))
    if id_number:
        digits = re.sub(r"\D", "", id_number)
        if mrz.id_number:
            checks.append(Check(digits == mrz.id_number, ["ID number agrees with the MRZ" if digits == mrz.id_number
                                                          else "ID number differs from the MRZ"]))
        else:
            same = digits[-9:] == mrz.document_number
            checks.append(Check(same, ["last 9 digits agree with the MRZ" if same else "ID differs from the MRZ"]))
    if birth_date and mrz.birth_date:
        same = birth_date == mrz.birth_date
        checks.append(Check(same, ["birth date agrees with the MRZ" if same else "birth date differs from the MRZ"]))
    if sex and mrz.sex:
        from digitize.fields.idnumbers import normalize_sex

        s = normalize_sex(sex)
        if s:
            checks.append(Check(s == mrz.sex, ["sex agrees with the MRZ" if s == mrz.sex else
                                               "sex differs from the MRZ"]))
    if name:
        printed = mrz_name(name)
        m = mrz.full_name
        same = bool(printed) and (printed == m or (len(m) >= 25 and printed.startswith(m)))
        checks.append(Check(same, ["name agrees with the MRZ" if same else "name differs from the MRZ"]))
    if not checks:
        return Check(None, ["nothing to compare"])
    return Check.combine(checks)
