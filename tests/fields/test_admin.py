import pytest

from digitize.fields.address_parse import parse_address
from digitize.fields.admin import convert_address
from digitize.fields.gazetteer import gazetteer_available
from digitize.fields.unit_names import correct_unit_name

pytestmark = pytest.mark.skipif(not gazetteer_available(), reason="vietnamadminunits data missing")


def test_parse_address_segments():
    p = parse_address("Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh")
    assert p.street == "Thôn Đồng Cầu"
    assert [(s.kind, s.name) for s in p.segments] == [
        ("xa", "Hải Hòa"), ("thi_xa", "Quảng Yên"), ("tinh", "Quảng Ninh")]
    # No commas, no diacritics.
    p = parse_address("Thon 1 xa Hiep Hoa thi xa Quang Yen tinh Quang Ninh")
    assert [s.kind for s in p.segments] == ["xa", "thi_xa", "tinh"]
    # Name words that look like markers.
    p = parse_address("xã Phương Đình, huyện Đan Phượng, TP. Hà Nội")
    assert [(s.kind, s.name) for s in p.segments] == [
        ("xa", "Phương Đình"), ("huyen", "Đan Phượng"), ("thanh_pho", "Hà Nội")]
    p = parse_address("xã Quan Lạn, huyện Vân Đồn, tỉnh Quảng Ninh")
    assert p.segments[0].name == "Quan Lạn"
    p = parse_address("xã Thạch Hạ, thành phố Hà Tĩnh, tỉnh Hà Tĩnh")
    assert [(s.kind, s.name) for s in p.segments][-1] == ("tinh", "Hà Tĩnh")


def test_convert_unsplit_ward():
    r = convert_address("Thôn Đồng Cầu, xã Hiệp Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh")
    assert r.two_level == "phường Hiệp Hòa, tỉnh Quảng Ninh"
    assert r.two_level_full == "Thôn Đồng Cầu, phường Hiệp Hòa, tỉnh Quảng Ninh"
    assert r.old_ward == "Xã Hiệp Hòa" and r.old_district == "Thị xã Quảng Yên"
    assert r.old_province_code == "22" and r.new_province_code == "22"
    assert r.printed.startswith("Thôn Đồng Cầu") and r.flags == [] and r.score == 1.0


def test_convert_merged_ward():
    r = convert_address("xã Hoàng Tân, thị xã Quảng Yên, tỉnh Quảng Ninh")
    assert r.two_level == "phường Hà An, tỉnh Quảng Ninh"


def test_convert_ocr_damage():
    r = convert_address("Thon 1 xa Hiep Hoa thi xa Quang Yen tinh Quàng Ninh")
    assert r.two_level == "phường Hiệp Hòa, tỉnh Quảng Ninh"
    r = convert_address("xã Hiệp Hoà, thị xã Quảng Yen, tỉnh Quang Nình")
    assert r.two_level == "phường Hiệp Hòa, tỉnh Quảng Ninh"


def test_split_ward_is_flagged_not_guessed():
    r = convert_address("xã Vô Ngại, huyện Bình Liêu, tỉnh Quảng Ninh")
    assert r.two_level is None and r.new_ward is None
    assert "ward_split" in r.flags and len(r.candidates) >= 2
    assert r.new_province == "Tỉnh Quảng Ninh"


def test_not_found_gives_reason():
    # The domain example's "xã Hải Hòa" is not a ward of Quảng Yên.
    r = convert_address("Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh")
    assert r.two_level is None and "ward_not_found" in r.flags and r.reasons
    r = convert_address("garbage ☃ 漢字")
    assert r.two_level is None and "province_not_found" in r.flags
    assert convert_address("").flags == ["empty"]


def test_merged_province_and_old_names():
    r = convert_address("Xã Tân Thành, huyện Tân Thạnh, tỉnh Long An")
    assert r.new_province == "Tỉnh Tây Ninh" and r.two_level and r.two_level.endswith("tỉnh Tây Ninh")
    r = convert_address("xã Lương Mông, huyện Ba Chẽ, tỉnh Quảng Ninh")  # merged in 2019 into Lương Minh
    assert r.old_ward == "Xã Lương Minh" and r.two_level == "xã Lương Minh, tỉnh Quảng Ninh"
    r = convert_address("phường Tây Lộc, thành phố Huế, tỉnh Thừa Thiên Huế")
    assert r.two_level and r.two_level.endswith("thành phố Huế")


def test_already_two_level_and_missing_district():
    r = convert_address("phường Hà An, tỉnh Quảng Ninh")
    assert r.two_level == "phường Hà An, tỉnh Quảng Ninh" and "already_two_level" in r.flags
    r = convert_address("xã Hiệp Hòa, tỉnh Quảng Ninh")
    assert r.two_level == "phường Hiệp Hòa, tỉnh Quảng Ninh" and "district_inferred" in r.flags


def test_city_addresses():
    r = convert_address("Số 12 phố Hàng Bạc, phường Hàng Bạc, quận Hoàn Kiếm, thành phố Hà Nội")
    assert r.two_level == "phường Hoàn Kiếm, thành phố Hà Nội"
    assert r.street == "Số 12 phố Hàng Bạc"
    r = convert_address("phường Hồng Gai, TP. Hạ Long, Quảng Ninh")
    assert r.two_level == "phường Hồng Gai, tỉnh Quảng Ninh"


def test_correct_unit_name():
    c = correct_unit_name("QUANG NINH", "province")
    assert c.value == "QUẢNG NINH" and c.changed
    c = correct_unit_name("Ha Long", "district")
    assert c.value == "Hạ Long"
    assert not correct_unit_name("Xyzabc", "province").changed
    assert correct_unit_name("Quảng Ninh", "province").score == 1.0


def test_offline_and_no_geocoder_import(tmp_path):
    """The converter reads the package's data files and never imports its geocoding code."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from digitize.fields.admin import convert_address\n"
        "r = convert_address('xã Hiệp Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh')\n"
        "assert r.two_level == 'phường Hiệp Hòa, tỉnh Quảng Ninh', r\n"
        "assert 'geopy' not in sys.modules and 'vietnamadminunits' not in sys.modules\n"
    )
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
