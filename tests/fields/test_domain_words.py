"""The land-record vocabulary and its corrections."""

from __future__ import annotations

from digitize.fields.domain_words import (
    correct_domain_words,
    domain_vocabulary,
    land_name_vocabulary,
    repair_land_use_code,
)


def test_a_garbled_vocabulary_word_is_corrected_to_the_one_close_word() -> None:
    text, reasons, score = correct_domain_words("Nhà nước giao đắt")
    assert text == "Nhà nước giao đất" and reasons and score < 1.0
    # a word with the vocabulary word's letters and a stray mark
    assert correct_domain_words("Sử dụng rieng")[0] == "Sử dụng riêng"
    # words already in the vocabulary, codes and numbers are left alone
    assert correct_domain_words("Đất ở ONT 120") == ("Đất ở ONT 120", [], 1.0)


def test_a_land_use_code_read_with_a_digit_for_a_letter() -> None:
    assert repair_land_use_code("8HK") == "BHK"
    assert repair_land_use_code("ONT") == "ONT"
    assert repair_land_use_code("123") == "123"


def test_the_vocabularies_are_built_once() -> None:
    assert domain_vocabulary() is domain_vocabulary()
    assert land_name_vocabulary() is land_name_vocabulary()
    assert "nhượng" in domain_vocabulary().by_exact
