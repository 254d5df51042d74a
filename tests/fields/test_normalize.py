import pytest

from digitize.fields.normalize import (
    clean_text,
    fix_digit_confusions,
    is_empty_marker,
    normalize_area,
    normalize_date,
    normalize_digits,
    normalize_number_string,
    normalize_registry_number,
    normalize_serial,
    normalize_year,
    parse_decimal,
)


def test_clean_text():
    assert clean_text("  Đất ở\u00a0tại ....... nông thôn ; ") == "Đất ở tại nông thôn"
    assert clean_text(None) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize("t", ["-/-", "---", "/", " - / - "])
def test_empty_markers(t):
    assert is_empty_marker(t)


@pytest.mark.parametrize("t", ["", "12", "Sử dụng riêng", None])
def test_not_empty_markers(t):
    assert not is_empty_marker(t)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Quảng Ninh, ngày 14 tháng 3 năm 2016", "2016-03-14"),
        ("ngày 14 tháng 03 năm 2016", "2016-03-14"),
        ("NGÀY 14 THÁNG 3 NĂM 2016", "2016-03-14"),
        ("ngảy 14 thảng 3 nǎm 2016", "2016-03-14"),  # tone-mark OCR errors in the date words
        ("ngay l4 thang O3 nam 2Ol6", "2016-03-14"),  # digit confusions
        ("ngày .....14..... tháng ...3.... năm 2016", "2016-03-14"),  # handwritten over dots
        ("ngày14tháng3năm2016", "2016-03-14"),
        ("14/03/2016", "2016-03-14"),
        ("14-3-2016", "2016-03-14"),
        ("14.03.2016", "2016-03-14"),
        ("14032016", "2016-03-14"),
        ("2016-03-14", "2016-03-14"),
        ("Có giá trị đến: 15/03/2045", "2045-03-15"),
    ],
)
def test_dates(text, iso):
    assert normalize_date(text) == iso


@pytest.mark.parametrize("text", ["31/02/2016", "ngày tháng năm", "", "abc", "14/03/16", "99/99/9999"])
def test_bad_dates(text):
    assert normalize_date(text) is None


def test_year():
    assert normalize_year("sinh năm: 1965") == "1965"
    assert normalize_year("sinh năm: l965") == "1965"
    assert normalize_year("no year") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250,0 m²", 250.0),
        ("152,4 m2", 152.4),
        ("1.041,9 m2", 1041.9),
        ("1 041,9m?", 1041.9),
        ("152.4", 152.4),
        ("1,041.9", 1041.9),
        ("25O,0 m2", 250.0),
        ("Diện tích: 400,0 m²; 1041,9 m²", 400.0),
        ("0,5 ha", 5000.0),
        ("1.441", 1441.0),
        ("Diện tích: 12.345,67 m²", 12345.67),
    ],
)
def test_areas(text, value):
    assert normalize_area(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "m²", "không", "-/-"])
def test_no_area(text):
    assert normalize_area(text) is None


def test_parse_decimal_edge_cases():
    assert parse_decimal("1.2.3") is None
    assert parse_decimal("1,2,3") is None
    assert parse_decimal("0.500") == 0.5
    assert parse_decimal("1,000,000") == 1_000_000


@pytest.mark.parametrize(
    ("text", "serial"),
    [
        ("DP 947330", "DP 947330"),
        ("Số phát hành: AQ 227162", "AQ 227162"),
        ("AA 01085158", "AA 01085158"),
        ("dp947330", "DP 947330"),
        ("AQ 227l62", "AQ 227162"),
        ("0P 94733O", "OP 947330"),
        ("BĐ 123456", "BD 123456"),
        ("DP-947330", "DP 947330"),
    ],
)
def test_serials(text, serial):
    assert normalize_serial(text) == serial


def test_serial_generation_restricts_digits():
    assert normalize_serial("AA 01085158", "gcn_2009_2014") is None
    assert normalize_serial("DP 947330", "gcn_2024") is None
    assert normalize_serial("AA 01085158", "gcn_2024") == "AA 01085158"


@pytest.mark.parametrize("text", ["12 345678", "CS 05494", "DP 9473301", ""])
def test_not_serials(text):
    assert normalize_serial(text) is None


@pytest.mark.parametrize(
    ("text", "reg"),
    [
        ("Số vào sổ cấp GCN: CS 05494", "CS05494"),
        ("CS 054 94", "CS05494"),
        ("C5 O5494", "CS05494"),
        ("ch 00123/2016", "CH00123/2016"),
        ("VP-12.3", "VP12.3"),
        ("BC 1-2", "BC1-2"),
        ("CT05494", "CT05494"),
    ],
)
def test_registry(text, reg):
    assert normalize_registry_number(text) == reg


def test_registry_none():
    assert normalize_registry_number("Số vào sổ: ......") is None
    assert normalize_registry_number("XY 123") is None


@pytest.mark.parametrize(
    ("text", "num"), [(" 012 ", "012"), ("l25", "125"), ("125a", "125a"), ("45-1", "45-1"), ("Số: 12/3", "12/3")]
)
def test_number_strings(text, num):
    assert normalize_number_string(text) == num


def test_digit_confusions_only_in_numbers():
    assert fix_digit_confusions("Sơn lô SO 2O16 l4") == "Sơn lô SO 2016 14"


def test_id_digits():
    assert normalize_digits("CCCD số: 0O1O85 012345") == "001085012345"
    assert normalize_digits("CMND số: 012.345.678") == "012345678"
    assert normalize_digits("12345") is None
