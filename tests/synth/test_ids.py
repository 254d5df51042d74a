"""ID numbers, MRZ check digits and QR payloads."""

from __future__ import annotations

import numpy as np

from digitize.synth import data, ids


def test_domain_mrz_example_validates() -> None:
    lines = ["IDVNM0850123452001085012345<<3", "8503150M4503152VNM<<<<<<<<<<<0", "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<"]
    assert ids.mrz_is_valid(lines)
    broken = [lines[0][:-1] + "4", lines[1], lines[2]]
    assert not ids.mrz_is_valid(broken)


def test_check_digit_weights() -> None:
    # ICAO 9303 worked example: document number L898902C3 -> 6
    assert ids.mrz_check_digit("L898902C3") == 6
    assert ids.mrz_check_digit("740812") == 2


def test_generated_mrz_and_qr_agree_with_the_card() -> None:
    rng = np.random.default_rng(3)
    for kind in ("cccd_2021", "can_cuoc_2024"):
        for _ in range(40):
            card = data.make_id_card(rng, kind)
            assert ids.mrz_is_valid(card.mrz)
            assert all(len(line) == 30 for line in card.mrz)
            assert card.mrz[0][15:27] == card.number
            assert card.mrz[0][5:14] == card.number[-9:]
            b = card.person.birth
            assert card.mrz[1][:6] == f"{b.year % 100:02d}{b.month:02d}{b.day:02d}"
            assert card.mrz[1][7] == ("F" if card.person.sex == "Nữ" else "M")
            fields = card.qr.split("|")
            assert len(fields) == 7
            assert fields[0] == card.number
            assert fields[2] == card.person.name
            assert fields[3] == f"{b.day:02d}{b.month:02d}{b.year}"
            assert fields[4] == card.person.sex
            assert fields[6] == f"{card.ngay_cap.day:02d}{card.ngay_cap.month:02d}{card.ngay_cap.year}"


def test_cccd_numbers_match_birth_year_sex_and_province() -> None:
    rng = np.random.default_rng(5)
    province_codes = {u.cccd_code for u in data.admin_units()}
    for _ in range(200):
        p = data.make_person(rng, born=(1930, 2010))
        code, sex, year = ids.parse_cccd(p.cccd)
        assert len(p.cccd) == 12 and p.cccd.isdigit()
        assert year == p.birth.year
        assert sex == p.sex
        assert code == p.birth_unit.cccd_code
        assert code in province_codes
        assert len(p.cmnd) == 9 and p.cmnd.isdigit()


def test_known_province_codes() -> None:
    codes = {u.province_short: u.cccd_code for u in data.admin_units()}
    assert codes["Hà Nội"] == "001"
    assert codes["Quảng Ninh"] == "022"
    assert codes["Cà Mau"] == "096"
    assert len(codes) == 63


def test_gender_century_digit() -> None:
    assert ids.cccd_gender_digit("Nam", 1985) == 0
    assert ids.cccd_gender_digit("Nữ", 1985) == 1
    assert ids.cccd_gender_digit("Nam", 2003) == 2
    assert ids.cccd_gender_digit("Nữ", 2003) == 3


def test_number_words() -> None:
    assert data.area_words(250.0) == "Hai trăm năm mươi mét vuông"
    assert data.area_words(152.4) == "Một trăm năm mươi hai phẩy bốn mét vuông"
    assert data.number_words(1041) == "một nghìn không trăm bốn mươi mốt"
    assert data.number_words(105) == "một trăm lẻ năm"
    assert data.fmt_area(1041.9) == "1.041,9"
