"""ID card normalisers: the value's own shape among label residue and stray marks."""

from __future__ import annotations

from digitize.layout.card_values import card_date, card_expiry, card_name, card_sex, card_text, nationality


def test_english_label_residue_is_dropped() -> None:
    value = card_text("/ Place oƒ origin: Thụy Lâm, Đông Anh, Hà Nội")
    assert value is not None and value.value == "Thụy Lâm, Đông Anh, Hà Nội"


def test_card_dates_sex_and_nationality_by_their_shape() -> None:
    date = card_date("15:03/1985")
    assert date is not None and date.value == "1985-03-15" and date.score < 1.0
    assert card_expiry("Không thời hạn") is not None
    sex = card_sex("/ Sex: Nữ")
    assert sex is not None and sex.value == "Nữ"
    assert card_sex("Nam Nữ") is None  # two readings: no value
    viet = nationality("ệt Nam")
    assert viet is not None and viet.value == "Việt Nam"


def test_a_card_name_in_lower_case_is_weaker() -> None:
    printed = card_name("NGUYỄN VĂN AN")
    lower = card_name("nguyễn văn an")
    assert printed is not None and lower is not None and lower.score < printed.score
