"""Address repair: unit and hamlet words, the comma read as a dot, label residue, the province."""

from __future__ import annotations

from digitize.fields.address_repair import (
    NO_PROVINCE_SCORE,
    ends_with_province,
    fix_first_hamlet_word,
    fix_unit_words,
    repair_address,
)


def test_unit_words_get_their_diacritics_case_kept() -> None:
    fixed = fix_unit_words("xã Thụy Lâm, huyen Đông Anh, tình Hà Nội")
    assert fixed == ("xã Thụy Lâm, huyện Đông Anh, tỉnh Hà Nội", True)
    assert fix_unit_words("Tố 8, khu 2") == ("Tổ 8, khu 2", True)
    # "Tô" before a name is not the word "tổ"
    assert fix_unit_words("Tô Hiến Thành, phường 3") == ("Tô Hiến Thành, phường 3", False)


def test_the_first_word_one_letter_from_a_hamlet_word_is_that_word() -> None:
    assert fix_first_hamlet_word("Xám An Hạ, xã Phú Lâm") == ("Xóm An Hạ, xã Phú Lâm", True)
    assert fix_first_hamlet_word("Thôn 5, xã Thượng Sơn") == ("Thôn 5, xã Thượng Sơn", False)


def test_repair_address_separates_parts_and_checks_the_province() -> None:
    text, reasons, score = repair_address("Ấp Cầu Hà. xã Khánh Bình, huyện An Phú, tỉnh An Giang")
    assert text.startswith("Ấp Cầu Hà, xã Khánh Bình")
    assert any("comma" in r for r in reasons) and score < 1.0
    _, reasons, score = repair_address("Thôn 5, xã Thượng Sơn")
    assert "address does not end with a province name" in reasons and score <= NO_PROVINCE_SCORE


def test_ends_with_province() -> None:
    assert ends_with_province("Thôn 5, xã Thượng Sơn, huyện Vị Xuyên, tỉnh Hà Giang")
    assert not ends_with_province("Thôn 5, xã Thượng Sơn")
