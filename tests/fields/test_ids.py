import numpy as np
import pytest
import zxingcpp

from digitize.fields.idnumbers import CCCD_PROVINCES, check_cccd, id_kind, normalize_sex, parse_cccd, parse_cmnd
from digitize.fields.mrz import check_digit, compare_mrz, mrz_name, parse_mrz
from digitize.fields.qr import compare_cccd_qr, decode_qr, parse_cccd_qr, parse_gcn_qr

MRZ = "IDVNM0850123452001085012345<<3\n8503150M4503152VNM<<<<<<<<<<<0\nNGUYEN<<VAN<AN<<<<<<<<<<<<<<<<"


def test_province_table():
    assert len(CCCD_PROVINCES) == 63
    assert CCCD_PROVINCES["001"] == "Hà Nội" and CCCD_PROVINCES["022"] == "Quảng Ninh"
    assert CCCD_PROVINCES["096"] == "Cà Mau" and CCCD_PROVINCES["079"] == "Hồ Chí Minh"


def test_province_table_matches_gso_codes():
    from digitize.fields.gazetteer import gazetteer

    g = gazetteer()
    if g is None:
        pytest.skip("gazetteer missing")
    gso = {"0" + p["provinceCode"] for p in g.provinces.values()}
    assert set(CCCD_PROVINCES) == gso


def test_cccd_structure():
    info = parse_cccd("001085012345")
    assert info and info.province == "Hà Nội" and info.sex == "Nam" and info.birth_year_candidates() == [1985]
    assert info.check.ok
    info = parse_cccd("022301012345")
    assert info and info.sex == "Nữ" and info.birth_year_candidates() == [2001]
    bad = parse_cccd("003085012345")
    assert bad and bad.check.ok is False
    assert parse_cccd("12345") is None


def test_check_cccd_against_printed():
    assert check_cccd("001085012345", birth_year=1985, sex="Nam").ok is True
    c = check_cccd("001085012345", birth_year="1986", sex="Bà")
    assert c.ok is False and len(c.reasons) == 2
    assert "001085012345" not in " ".join(c.reasons)
    assert check_cccd("0O1085 012345", birth_year=1985).ok is True  # OCR repaired
    assert check_cccd("abc").ok is False


def test_cmnd():
    assert parse_cmnd("CMND số: 012345678").check.ok is True
    assert parse_cmnd("001085012345").kind == "cmnd"
    assert parse_cmnd("1234") is None
    assert id_kind("012345678") == "CMND" and id_kind("001085012345") == "CCCD" and id_kind("x") is None
    assert normalize_sex("NỮ") == "Nữ" and normalize_sex("Ông") == "Nam" and normalize_sex("?") is None


def test_mrz_example_from_domain():
    assert check_digit("085012345") == 2 and check_digit("850315") == 0 and check_digit("450315") == 2
    m = parse_mrz(MRZ)
    assert m is not None and m.valid and not m.repaired
    assert m.id_number == "001085012345" and m.document_number == "085012345"
    assert m.birth_date == "1985-03-15" and m.expiry_date == "2045-03-15" and m.sex == "Nam"
    assert m.full_name == "NGUYEN VAN AN" and m.nationality == "VNM"


def test_mrz_ocr_repair():
    damaged = "IDVNMO85O12345200108S012345KK3\n85O315OM45O3152VNMKKKKKKKKKKK0\nNGUYEN<<VAN<AN"
    m = parse_mrz(damaged)
    assert m is not None and m.valid and m.repaired and m.lines == tuple(MRZ.split("\n"))
    one_line = MRZ.replace("\n", "")
    assert parse_mrz(one_line).valid


def test_mrz_bad_check_digit():
    m = parse_mrz(MRZ.replace("2001085", "3001085"))
    assert m is not None and not m.valid and m.checks["document_number"] is False
    assert parse_mrz("hello") is None


def test_compare_mrz():
    m = parse_mrz(MRZ)
    ok = compare_mrz(m, id_number="001085012345", birth_date="1985-03-15", sex="Nam", name="Nguyễn Văn An")
    assert ok.ok is True
    bad = compare_mrz(m, id_number="001085012346", name="Nguyễn Văn Anh")
    assert bad.ok is False
    assert compare_mrz(m).ok is None
    assert mrz_name("Nguyễn Thị Ánh") == "NGUYEN THI ANH"


PAYLOAD = "001085012345|012345678|Nguyễn Văn An|15031985|Nam|Thôn Đồng Cầu, Hải Hòa, Quảng Yên, Quảng Ninh|01022021"


def _qr_image(text, scale=4):
    return np.array(zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode),
                                                    scale=scale))


def test_decode_and_parse_cccd_qr():
    img = _qr_image(PAYLOAD)
    canvas = np.full((400, 600, 3), 255, np.uint8)
    canvas[50:50 + img.shape[0], 300:300 + img.shape[1]] = img[:, :, None]
    codes = decode_qr(canvas)
    assert len(codes) == 1 and codes[0].text == PAYLOAD
    assert codes[0].corners[0][0] >= 300
    q = parse_cccd_qr(codes[0].text)
    assert q["so_dinh_danh"] == "001085012345" and q["ngay_sinh"] == "1985-03-15" and q["ngay_cap"] == "2021-02-01"
    assert q["gioi_tinh"] == "Nam" and q["ho_ten"] == "Nguyễn Văn An"
    assert compare_cccd_qr(q, so_dinh_danh="001085012345", ho_ten="NGUYEN VAN AN", ngay_sinh="1985-03-15").ok
    assert compare_cccd_qr(q, ngay_sinh="1985-03-16").ok is False


def test_decode_qr_bad_inputs():
    assert decode_qr(None) == []
    assert decode_qr(np.zeros((0, 0), np.uint8)) == []
    assert decode_qr(np.zeros((10, 10, 5), np.uint8)) == []
    assert decode_qr(np.random.default_rng(0).integers(0, 255, (100, 100), dtype=np.uint8)) == []
    assert decode_qr(np.ones((50, 50), np.float32)) == []


def test_decode_blurred_low_contrast_qr():
    img = _qr_image(PAYLOAD, scale=3).astype(np.float32)
    img = (img * 0.25 + 100).astype(np.uint8)  # grey on grey
    codes = decode_qr(img)
    assert codes and codes[0].text == PAYLOAD


def test_parse_qr_other_payloads():
    assert parse_cccd_qr("not|a|cccd") is None
    g = parse_gcn_qr("AA 01085158|ABCDEF123456|https://example.invalid/x")
    assert g["serial"] == "AA 01085158" and "ABCDEF123456" in g["ma_gcn_candidates"] and g["url"]
    assert parse_gcn_qr("")["raw"] == ""


def test_decode_qr_on_a_large_page_maps_corners_back():
    img = _qr_image(PAYLOAD, scale=6)
    page = np.full((3000, 2200), 235, np.uint8)
    page[100:100 + img.shape[0], 1800:1800 + img.shape[1]] = img
    codes = decode_qr(page)
    assert codes and codes[0].text == PAYLOAD
    (x0, y0) = codes[0].corners[0]
    assert abs(x0 - (1800 + 6 * 4)) < 20 and abs(y0 - (100 + 6 * 4)) < 20  # quiet zone of 4 modules
    assert decode_qr(page, max_passes=1)
