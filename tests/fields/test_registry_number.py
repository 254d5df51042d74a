"""Registry numbers: formula parts restored, digits never invented (issue 12, item 3).

Readings imitate OCR of a typed old book number and of handwritten 2009+ numbers.
"""

from __future__ import annotations

from digitize.fields.registry_number import bare_number, modern, old_book, registry_problems
from digitize.fields.validate import check_registry_number
from digitize.layout.values import normalize


def test_old_book_formula_letters_and_slash_restored() -> None:
    found = old_book("03312QSDB/1187QD.UB")
    assert found is not None and found.value == "03312QSDĐ/1187/QĐ-UB"
    assert any("restored" in r for r in found.reasons)
    found = old_book("04100 0SDD/77/QĐ-UBND")
    assert found is not None and found.value == "04100QSDĐ/77/QĐ-UBND"


def test_old_book_with_leading_digits_lost_goes_to_review() -> None:
    found = old_book("412QSDD/905/QD-UB")
    assert found is not None and found.value == "412QSDĐ/905/QĐ-UB"  # nothing invented
    assert registry_problems(found.value)
    assert check_registry_number(found.value).ok is False


def test_stray_dot_inside_five_digits_removed() -> None:
    found = modern("CS 0412.7")
    assert found is not None and found.value == "CS04127"
    assert not registry_problems(found.value)


def test_short_modern_number_is_kept_and_flagged() -> None:
    found = modern("CH 064")
    assert found is not None and found.value == "CH064"
    assert check_registry_number(found.value).ok is False


def test_bare_numbers() -> None:
    short = bare_number("31047")
    assert short is not None and short.value == "31047" and short.score < 0.5
    assert check_registry_number(short.value).ok is False
    # A long bare number is another number of the page, not a registry number.
    assert bare_number("08815302") is None
    assert normalize("registry", "08815302") is None


def test_whole_numbers_pass() -> None:
    for value in ("CS05494", "VP10472", "CH00123/2016", "02210QSDĐ/318/QĐ-UB"):
        assert check_registry_number(value).ok is True, value
