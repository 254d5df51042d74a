import pytest

from digitize.fields.landuse import (
    classify_origin,
    land_use_code,
    parse_land_uses,
    parse_use_form,
    parse_use_term,
    urban_from_address,
)
from digitize.fields.landuse_codes import LAND_TYPES, LEGACY_CODES


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Đất ở tại nông thôn", "ONT"),
        ("ĐÁT Ở TẠI NÔNG THÔN", "ONT"),
        ("Đất ở tại đô thị", "ODT"),
        ("Đất trồng cây lâu năm (CLN)", "CLN"),
        ("Dat trong cay lau nam", "CLN"),
        ("Mục đích sử dụng: Đất ở tại đô thị", "ODT"),
        ("Đất trồng cây hàng năm khác", "HNK"),
        ("Đất bằng trồng cây hàng năm khác", "HNK"),
        ("BHK", "HNK"),
        ("NHK", "HNK"),
        ("LNQ", "CLN"),
        ("TSN", "NTS"),
        ("Đất chuyên trồng lúa nước", "LUC"),
        ("Đất nuôi trồng thuỷ sản", "NTS"),
        ("Đất ở tại nông thôn: ", "ONT"),
        ("Dất nuôi trồng thủy sản", "NTS"),
        ("Đất trồng cây lâu nam khác", "CLN"),
    ],
)
def test_codes(text, code):
    m = land_use_code(text)
    assert m is not None and m.code == code
    assert m.name == LAND_TYPES[m.code].name


def test_legacy_keeps_printed_code():
    m = land_use_code("BHK")
    assert m is not None and m.printed_code == "BHK" and any("BHK" in r for r in m.reasons)
    m = land_use_code("LUN")
    assert m is not None and m.code == "LUK" and m.uncertain
    m = land_use_code("SMN")  # no single current code
    assert m is not None and m.code == "SMN" and m.uncertain


def test_folk_terms():
    m = land_use_code("đất thổ cư")
    assert m is not None and m.code == "OTC" and m.is_group and m.uncertain
    m = land_use_code("đất thổ cư", urban=False)
    assert m is not None and m.code == "ONT"
    m = land_use_code("Đất ở", urban=True)
    assert m is not None and m.code == "ODT"
    m = land_use_code("đất vườn")
    assert m is not None and m.code == "CLN" and m.score < 0.7


@pytest.mark.parametrize("text", ["Sơn La", "tin tức", "xyz", "", "12345", "Nguyễn Văn An"])
def test_not_land_use(text):
    assert land_use_code(text) is None


def test_every_legacy_target_is_current():
    for _old, (_name, new, _unc) in LEGACY_CODES.items():
        assert new is None or new in LAND_TYPES


def test_urban_from_address():
    assert urban_from_address("phường Hồng Gai, thành phố Hạ Long") is True
    assert urban_from_address("thị trấn Tiên Yên, huyện Tiên Yên") is True
    assert urban_from_address("Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên") is False
    assert urban_from_address("thị xã Quảng Yên") is None


def test_multi_use():
    uses = parse_land_uses("Đất ở tại nông thôn: 400,0 m²; Đất trồng cây lâu năm: 1041,9 m²")
    assert [(u.ten, u.ma, u.dien_tich) for u in uses] == [
        ("Đất ở tại nông thôn", "ONT", 400.0),
        ("Đất trồng cây lâu năm", "CLN", 1041.9),
    ]
    uses = parse_land_uses("ONT 400m2 + CLN 1.041,9 m2")
    assert [(u.ma, u.dien_tich) for u in uses] == [("ONT", 400.0), ("CLN", 1041.9)]
    uses = parse_land_uses("Đất ở: 100 m², Đất trồng cây lâu năm: 150 m²", urban=False)
    assert [(u.ma, u.dien_tich) for u in uses] == [("ONT", 100.0), ("CLN", 150.0)]
    uses = parse_land_uses("Đất ở tại đô thị")
    assert [(u.ma, u.dien_tich) for u in uses] == [("ODT", None)]
    assert parse_land_uses("") == []


def test_use_form():
    assert parse_use_form("Sử dụng riêng").code == "rieng"
    assert parse_use_form("SU DUNG CHUNG").code == "chung"
    assert parse_use_form("Sử dụng riêng: 200 m²; Sử dụng chung: 50 m²").code == "rieng_va_chung"
    assert parse_use_form("Sử dụng rieg").code == "rieng"
    assert parse_use_form("abc") is None


def test_use_term():
    t = parse_use_term("Lâu dài")
    assert t.lau_dai and t.den_ngay is None
    t = parse_use_term("Sử dụng đến ngày 01/07/2064")
    assert not t.lau_dai and t.den_ngay == "2064-07-01"
    t = parse_use_term("Đất ở: Lâu dài; Đất trồng cây lâu năm: đến ngày 15/10/2063")
    assert t.lau_dai and t.den_ngay == "2063-10-15" and t.reasons
    assert parse_use_term("50 năm").so_nam == 50
    assert parse_use_term("Đất trồng cây lâu năm") is None


def test_origin():
    o = classify_origin("Công nhận QSDĐ như giao đất có thu tiền sử dụng đất")
    assert o.codes == ["cong_nhan_nhu_giao_co_thu_tien"]
    o = classify_origin("Nhận chuyển nhượng đất được Nhà nước giao đất có thu tiền sử dụng đất")
    assert o.codes == ["nhan_chuyen_nhuong", "giao_co_thu_tien"]
    o = classify_origin("Nha nuoc giao dat khong thu tien su dung dat")
    assert o.codes == ["giao_khong_thu_tien"]
    assert classify_origin("xyz") is None


def test_terms_until_a_year_are_recognised() -> None:
    term = parse_use_term("Đến năm 2057")
    assert term is not None and term.den_nam == 2057 and term.den_ngay is None and not term.lau_dai
    assert parse_use_term("Đất trồng cây lâu năm") is None


def test_area_after_a_land_use_with_a_misread_square_sign() -> None:
    from digitize.fields.landuse import parse_land_uses

    uses = parse_land_uses("Đất ở tại nông thôn: 708,1 m`")
    assert [(u.ten, u.dien_tich) for u in uses] == [("Đất ở tại nông thôn", 708.1)]
    uses = parse_land_uses("Đất ở tại đô thị: 96,25m; Đất trồng cây lâu năm: 40 m'")
    assert [(u.ten, u.dien_tich) for u in uses] == [("Đất ở tại đô thị", 96.25), ("Đất trồng cây lâu năm", 40.0)]
