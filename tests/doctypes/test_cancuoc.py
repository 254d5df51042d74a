"""The Căn cước 2024 family: front labels, the back's MRZ against the printed values."""

from __future__ import annotations

from digitize.fields.mrz_repair import read_mrz
from digitize.layout.classify import classify_text
from digitize.layout.reading import TextStream
from digitize.model import DocType, FieldStatus
from tests.doctypes.card_pages import ID_WOMAN, MRZ_WOMAN, back_2024, card_fields, card_line, card_page, field_values


def test_can_cuoc_2024_front_values_under_labels() -> None:
    lines = [
        card_line("CĂN CƯỚC", 700, 130, 50),
        card_line("IDENTITY CARD", 760, 190),
        card_line("Số định danh cá nhân / Personal identification number:", 490, 260),
        card_line(ID_WOMAN, 490, 300, 44),
        card_line("Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:", 490, 360),
        card_line("TRẦN THỊ BÍCH NGỌC", 490, 400, 44),
        card_line("Ngày sinh / Date of birth:", 490, 460),
        card_line("04/07/1990", 880, 458),
        card_line("Giới tính / Sex:", 490, 510),
        card_line("Nữ", 720, 508),
        card_line("Quốc tịch / Nationality:", 980, 510),
        card_line("Việt Nam", 1340, 508),
    ]
    assert classify_text(TextStream.from_lines(lines).folded).doc_type == DocType.CAN_CUOC_2024_MAT_TRUOC
    fields = card_fields(card_page(lines), "can_cuoc_2024_mat_truoc")
    assert field_values(fields) == {"so_dinh_danh": ID_WOMAN, "ho_ten": "TRẦN THỊ BÍCH NGỌC", "ngay_sinh": "1990-07-04",
                               "gioi_tinh": "Nữ", "quoc_tich": "Việt Nam"}


def test_can_cuoc_2024_back_with_a_noisy_mrz() -> None:
    noisy = (MRZ_WOMAN[0].replace("<<", "«<"),  # '<' read as «
             MRZ_WOMAN[1].replace("<<<<<<<<<<<", "KK<<<<<<(<<").replace("0", "O", 1),  # K, (, O for 0
             "TRANKKTHIKBICHKNGOC<<<<<<<<<<<")  # '<' read as K inside the name
    lines = back_2024(noisy)
    assert classify_text(TextStream.from_lines(lines).folded).doc_type == DocType.CAN_CUOC_2024_MAT_SAU
    fields = card_fields(card_page(lines), "can_cuoc_2024_mat_sau")
    values = field_values(fields)
    assert values["mrz"] == "\n".join(MRZ_WOMAN)
    assert values["noi_thuong_tru"] == "Tổ 5, phường Hồng Hải, thành phố Hạ Long, tỉnh Quảng Ninh"
    assert values["noi_dang_ky_khai_sinh"] == "Phường Hồng Hải, thành phố Hạ Long, tỉnh Quảng Ninh"
    assert values["ngay_cap"] == "2024-08-01"
    assert values["ngay_het_han"] == "2030-07-04"
    assert any("agrees with the MRZ" in r for r in fields["ngay_het_han"].reasons)
    assert any("renewal-age rule" in r for r in fields["ngay_het_han"].reasons)
    # What this side does not print comes from the MRZ, and says so.
    assert values["so_dinh_danh"] == ID_WOMAN and values["ngay_sinh"] == "1990-07-04" and values["gioi_tinh"] == "Nữ"
    assert "read from the MRZ" in fields["so_dinh_danh"].reasons


def test_printed_value_against_the_mrz_close_is_corrected_far_is_a_conflict() -> None:
    close = card_fields(card_page(back_2024(MRZ_WOMAN, expiry="04/07/2036")), "can_cuoc_2024_mat_sau")
    assert close["ngay_het_han"].value == "2030-07-04"
    assert close["ngay_het_han"].alternatives == ["2036-07-04"]
    assert any("corrected from the MRZ" in r for r in close["ngay_het_han"].reasons)
    far = card_fields(card_page(back_2024(MRZ_WOMAN, expiry="21/11/2041")), "can_cuoc_2024_mat_sau")
    assert far["ngay_het_han"].status == FieldStatus.CONFLICT
    assert far["ngay_het_han"].value == "2041-11-21"  # the printed value is kept, the MRZ's is the alternative
    assert "differs from the MRZ" in far["ngay_het_han"].reasons


def test_mrz_digit_confusions_repaired_only_when_unambiguous() -> None:
    # 3 read as 5 in the birth date and the expiry: one repair makes every check digit agree.
    card = read_mrz(MRZ_WOMAN[0], MRZ_WOMAN[1].replace("9007046F3007044", "9007046F5007044"), MRZ_WOMAN[2])
    assert card is not None and card.valid and card.value == "\n".join(MRZ_WOMAN)
    assert any("digits repaired" in r for r in card.reasons)
    assert card.repaired  # probable: what it fills is to be reviewed
    misread = (MRZ_WOMAN[0], MRZ_WOMAN[1].replace("F3007044", "F5007044"), MRZ_WOMAN[2])
    fields = card_fields(card_page(back_2024(misread)), "can_cuoc_2024_mat_sau")
    assert fields["so_dinh_danh"].value == ID_WOMAN and fields["so_dinh_danh"].status == FieldStatus.NEEDS_REVIEW
    assert "read from the MRZ (repaired: review it)" in fields["so_dinh_danh"].reasons
    assert fields["ngay_het_han"].value == "2030-07-04" and "agrees with the MRZ" in fields["ngay_het_han"].reasons
    # Four 3s read as 5 in the number: several repairs fit equally well -> left as read, invalid.
    line1 = "IDVNM0470502550095047050255<<0"
    card = read_mrz(line1, "4711050M<<<<<<<VNM<<<<<<<<<<<8", "TRAN<<MANH<XUAN<THANH<<<<<<<<<")
    assert card is not None and not card.valid and card.lines[0] == line1
    # A decoded QR code settles it.
    card = read_mrz(line1, "4711050M<<<<<<<VNM<<<<<<<<<<<8", "TRAN<<MANH<XUAN<THANH<<<<<<<<<",
                    hints={"so_dinh_danh": "093047050233", "ngay_sinh": "1947-11-03"})
    assert card is not None and card.valid and card.id_number == "093047050233" and not card.repaired
