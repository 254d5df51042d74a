import pytest

from digitize.fields.text import MAX_FIELD_CHARS, as_text, fold


def test_fold_is_the_matching_key():
    assert fold("ĐẤT Ở  Tại") == "dat o tai"
    # NFD input folds like NFC.
    assert fold("Ho\u0300a") == fold("Hòa") == "hoa"
    assert fold("  Ðoàn  ") == "doan"


def test_fold_keep_case_only_removes_diacritics():
    assert fold("Nguyễn Văn Ân", keep_case=True) == "Nguyen Van An"
    assert fold("Đất  ở ", keep_case=True) == "Dat  o "


def test_fold_keep_length_keeps_offsets():
    raw = "Nơi thường trú: Đà Nẵng"
    folded = fold(raw, keep_length=True)
    assert folded == "noi thuong tru: da nang"
    assert len(folded) == len(raw)
    # A character with no Vietnamese base letter is kept as it is.
    assert fold("x²→", keep_length=True) == "x²→"
    with pytest.raises(ValueError):
        fold("a", keep_length=True, keep_case=True)


def test_as_text_bounds_and_normalises():
    assert as_text(None) == ""
    assert as_text(5) == ""
    assert as_text("Ho\u0300a") == "Hòa"
    assert len(as_text("a" * (MAX_FIELD_CHARS + 10))) == MAX_FIELD_CHARS
    assert as_text("a\ud800b") == "a\ufffdb"
