"""Value corrections of the layout normalisers: each one changes only what the form fixes."""

from digitize.layout.values import _card_place, _registry


def test_hamlet_words_get_their_diacritics_only_where_an_address_part_starts() -> None:
    fixed = _card_place("Tố 8, khu 2, phường Minh Đức, thị xã Mỹ Hào, tỉnh Hưng Yên")
    assert fixed is not None and fixed.value.startswith("Tổ 8, khu 2")
    fixed = _card_place("Xom 6, xã Văn Hoàng, huyện Phú Xuyên, thành phố Hà Nội")
    assert fixed is not None and fixed.value.startswith("Xóm 6")
    # "Tô" as a street or person name is not the word "tổ"
    kept = _card_place("Số 12 đường Tô Hiến Thành, phường 3, quận 10, thành phố Hồ Chí Minh")
    assert kept is not None and "Tô Hiến Thành" in kept.value


def test_old_book_numbers_keep_their_fixed_letters() -> None:
    fixed = _registry("6338.QSDD/106/QD-UB")
    assert fixed is not None and fixed.value == "6338QSDĐ/106/QĐ-UB"
    assert any("QSDĐ" in r for r in fixed.reasons)
    printed = _registry("03451 QSDĐ/1094/QĐ-UB")
    assert printed is not None and printed.value == "03451QSDĐ/1094/QĐ-UB"
    assert _registry("CS 05494") is not None and _registry("CS 05494").value == "CS05494"  # type: ignore[union-attr]
