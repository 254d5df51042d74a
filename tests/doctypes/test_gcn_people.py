"""Certificate owners and authority."""

from __future__ import annotations


def test_a_signature_title_read_into_the_authority_row_is_cut() -> None:
    from digitize.doctypes.gcn_people import without_signature_title

    assert without_signature_title("ỦY BAN NHÂN DÂN HUYỆN Ý YÊN _KT. CHỦ TỊCH `") == "ỦY BAN NHÂN DÂN HUYỆN Ý YÊN"
    assert without_signature_title("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG Ị “KT. GIÁM ĐỐC") == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert without_signature_title("ỦY BAN NHÂN DÂN HUYỆN PHÚ XUYÊN CHỦ“TỊCH") == "ỦY BAN NHÂN DÂN HUYỆN PHÚ XUYÊN"
    assert without_signature_title("ỦY BAN NHÂN DÂN HUYỆN CHƯ SÊ PHÓ CHỦ TỊCH") == "ỦY BAN NHÂN DÂN HUYỆN CHƯ SÊ"
    # names that only look like a title stay whole
    assert without_signature_title("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI") == "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    assert without_signature_title("ỦY BAN NHÂN DÂN HUYỆN A LƯỚI") == "ỦY BAN NHÂN DÂN HUYỆN A LƯỚI"
