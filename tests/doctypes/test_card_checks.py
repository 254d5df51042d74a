"""The card check's rules: renewal ages."""

from __future__ import annotations

from datetime import date

from digitize.doctypes.card_checks import renewal_expiry
from digitize.fields.mrz_repair import NO_EXPIRY


def test_renewal_expiry() -> None:
    ages = (25, 40, 60)
    assert renewal_expiry(date(1985, 11, 21), date(2021, 6, 1), ages) == date(2025, 11, 21)
    assert renewal_expiry(date(1967, 7, 16), date(2024, 4, 11), ages) == date(2027, 7, 16)
    assert renewal_expiry(date(1949, 11, 20), date(2021, 11, 7), ages) == NO_EXPIRY
    assert renewal_expiry(date(1984, 2, 29), date(2021, 1, 1), ages) == date(2024, 2, 29)
    assert renewal_expiry(date(1984, 2, 29), date(2037, 1, 1), ages) == date(2044, 2, 29)
    assert renewal_expiry(date(1983, 2, 28), date(2006, 1, 1), ages) == date(2008, 2, 28)
