"""The registry number ("Số vào sổ cấp GCN"), read as the two shapes certificates print.

* 2009 and later: a book prefix (CH, CS, CT, CN, VP, BC ...) and a serial of (in every specimen
  seen) five digits, often handwritten: "CS 05494" -> "CS05494".
* Before 2009: "<5 digits> QSDĐ/<decision>/QĐ-UB" ("07001QSDĐ/2514/QĐ-UB"): the letters, the
  slashes and the dash are printed formula, the numbers are written in.

The formula parts are put back by pattern (a misread "QSDB", "QD.UB", a lost "/"), with the
reason; digits never are: a number with digits missing keeps what was read and is flagged
(:func:`registry_problems`), so that it goes to review.
"""

from __future__ import annotations

import re

from digitize.fields.normalize import clean_text, normalize_registry_number
from digitize.fields.result import Correction

# Digits of the serial after a 2009+ prefix ("CS 05494") and of an old book's number
# ("07001 QSDĐ"): five in every specimen and in the domain notes' examples.  Fewer means digits
# were lost (a handwritten digit unread, a cut line); more is accepted (books may run longer).
REGISTRY_DIGITS = 5
# A bare number this long is not a registry number (which always carries its prefix or the
# "QSDĐ" formula): it is another number of the page (the certificate code, a serial's digits).
BARE_NUMBER_MAX_DIGITS = 6

# The old book's formula as OCR breaks it: Đ read B/D, Q read O/0, S read 5/$, dots or spaces
# between letters, the "/" before the second "QĐ" lost, "-" read "." or lost.
_OLD_BOOK = re.compile(
    r"(?P<n>\d+)\W{0,2}[QO0]\W?[S5$]\W?D\W?[DĐđÐB]{1,2}\W{0,2}/?\W?(?P<decision>\d+)\W{0,2}"
    r"[QO0][DĐđÐB]{1,2}\W{0,2}(?P<body>UBND|UB)(?![A-Za-z])",
    re.IGNORECASE,
)
# "CH7793.9": one stray dot inside the digits of a modern number (a dot of the leader read).
_STRAY_DOT = re.compile(r"(?P<prefix>[A-Z]{2,3})(?P<a>\d{3,4})\.(?P<b>\d{1,2})")


def old_book(text: str) -> Correction | None:
    """'07001QSDB/2514/QD-UB' -> '07001QSDĐ/2514/QĐ-UB' (formula letters and slashes restored)."""
    compact = re.sub(r"\s+", "", clean_text(text))
    m = _OLD_BOOK.search(compact)
    if m is None:
        return None
    value = f"{m['n']}QSDĐ/{m['decision']}/QĐ-{m['body'].upper()}"
    reasons = ["registry number without a CH/CS/... prefix (older book)"]
    if value != m.group(0):
        reasons.append("'QSDĐ', 'QĐ-UB' and '/' of the old book number restored as printed (formula, by pattern)")
    return Correction(value, value != compact, 0.8, reasons)


def modern(text: str) -> Correction | None:
    """'CS 05494' -> 'CS05494'; 'CH7793.9' -> 'CH77939' (a stray dot inside five digits)."""
    value = normalize_registry_number(text)
    if value is None:
        return None
    m = _STRAY_DOT.fullmatch(value)
    if m is not None and len(m["a"]) + len(m["b"]) == REGISTRY_DIGITS:
        fixed = f"{m['prefix']}{m['a']}{m['b']}"
        return Correction(fixed, True, 0.85, ["a stray '.' inside the registry number's digits removed"])
    return Correction(value, False, 1.0, [])


def bare_number(text: str) -> Correction | None:
    """A number read without its prefix ('60728'): kept for review when it could be the serial
    of a registry number; ``None`` when it is too long to be one ('04419265')."""
    m = re.search(r"(?<![\w])\d{3,}(?![\w])", clean_text(text))
    if m is None:
        return None
    if len(m.group(0)) > BARE_NUMBER_MAX_DIGITS:
        return None
    return Correction(m.group(0), True, 0.4, ["registry number read without its prefix (CH, CS, VP...): "
                                              "the prefix is not invented"])


def registry_problems(value: str) -> list[str]:
    """Why ``value`` cannot be a whole registry number (empty when it can)."""
    m = _OLD_BOOK.fullmatch(value)
    if m is not None:
        if len(m["n"]) < REGISTRY_DIGITS:
            return [f"old book number has {len(m['n'])} digits, fewer than {REGISTRY_DIGITS}: digits missing"]
        return []
    reg = normalize_registry_number(value)
    if reg is None or reg != value.replace(" ", ""):
        return ["no known prefix + digits"]
    digits = re.match(r"[A-Z]+(\d+)", reg)
    if digits is None or len(digits.group(1)) < REGISTRY_DIGITS:
        return [f"fewer than {REGISTRY_DIGITS} digits after the prefix: digits missing"]
    return []
