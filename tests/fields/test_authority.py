"""The issuing authority parsed as its closed formula (issue 12, item 2).

Readings imitate what OCR makes of a real signature block: the body's words glued or with a
letter misread, "TM." or seal marks before it, the signer's title and seal text after the
unit name, a garbled unit word.
"""

from __future__ import annotations

import pytest

from digitize.fields.authority import UNCONFIRMED_UNIT_SCORE, parse_authority
from digitize.fields.gazetteer import gazetteer_available

pytestmark = pytest.mark.skipif(not gazetteer_available(), reason="gazetteer data not installed")


def _value(text: str) -> str:
    parsed = parse_authority(text)
    assert parsed is not None
    return parsed.value


def test_signature_title_and_marks_after_the_unit_name_are_cut() -> None:
    parsed = parse_authority("CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI HUYỆN ĐÔNG ANH ' KT. GIÁM ĐỐC")
    assert parsed is not None
    assert parsed.value == "CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI HUYỆN ĐÔNG ANH"
    assert any("dropped" in r for r in parsed.reasons)


def test_glued_and_misread_formula_words() -> None:
    assert _value("TM- ỦYBẠN NHÂN DÂN HUYỆN SƠN ĐỘNG") == "ỦY BAN NHÂN DÂN HUYỆN SƠN ĐỘNG"
    assert _value("SỞ TÀINGUYÊN VÀ MỎI TRƯỜNG TỈNH NAM ĐỊNH") == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH NAM ĐỊNH"
    assert _value("VĂN PHÒNG , ĐĂNG KÝ ĐẤT ĐAI TỈNH HAI DUONG -") == "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI TỈNH HẢI DƯƠNG"


def test_garbled_unit_word_put_right_when_a_unit_name_follows() -> None:
    parsed = parse_authority("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TẠNE BẮC GIANG")
    assert parsed is not None
    assert parsed.value == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH BẮC GIANG"
    assert any("unit word" in r for r in parsed.reasons)


def test_numbered_district() -> None:
    assert _value("ỦY BAN NHÂN DÂN QUẬN 7 KT. CHỦ TỊCH") == "ỦY BAN NHÂN DÂN QUẬN 7"


def test_body_without_unit_keeps_the_body_and_drops_the_title() -> None:
    assert _value("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG PHÓ GIÁN ĐỐC") == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"


def test_unknown_unit_is_kept_as_read_for_review() -> None:
    parsed = parse_authority("VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI XKMQOPZ")
    assert parsed is not None
    assert parsed.value == "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI XKMQOPZ"
    assert parsed.score <= UNCONFIRMED_UNIT_SCORE
    # A missing district number is never invented.
    parsed = parse_authority("ỦYÉAN NHÂN DÂN QUẬN")
    assert parsed is not None and parsed.value == "ỦY BAN NHÂN DÂN QUẬN"
    assert parsed.score <= UNCONFIRMED_UNIT_SCORE


def test_no_formula_gives_none() -> None:
    assert parse_authority("CÔNG TY TNHH MỘT THÀNH VIÊN") is None
