"""The date of a certificate's place/date line."""

from __future__ import annotations

from digitize.fields.dateline import read_date_line


def test_read_date_line_keeps_only_what_it_can_read() -> None:
    dotted = read_date_line("ngày ..14.. tháng ..7.. năm 2025")
    assert dotted is not None and dotted.iso == "2025-07-14" and dotted.dotted
    printed = read_date_line("ngày 14 tháng 3 năm 2O16")  # a letter O for the zero of the year
    assert printed is not None and printed.iso == "2016-03-14" and not printed.dotted
    garbled = read_date_line("ngày ..A.. tháng ..7.. năm 2025")
    assert garbled is not None and garbled.year == 2025 and garbled.day is None and garbled.iso is None
    assert any("year 2025 printed" in r for r in garbled.reasons)
    assert read_date_line("ngày 14 tháng 7") is None  # no printed year: not a date line
