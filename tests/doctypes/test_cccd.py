"""The CCCD family (2016/2021 card): label fields, number, name, QR and the card check."""

from __future__ import annotations

from digitize.fields.mrz_repair import NO_EXPIRY
from digitize.model import FieldStatus
from tests.doctypes.card_pages import (
    ID_MAN,
    ID_WOMAN,
    QR_MAN,
    card_fields,
    card_line,
    card_page,
    cccd_front,
    field_values,
    qr_image,
)


def test_cccd_front_bilingual_labels_columns_and_rows() -> None:
    fields = card_fields(card_page(cccd_front()), "cccd_mat_truoc")
    assert field_values(fields) == {
        "so_dinh_danh": ID_MAN,
        "ho_ten": "NGUYỄN VĂN AN",
        "ngay_sinh": "1985-03-15",
        "gioi_tinh": "Nam",
        "quoc_tich": "Việt Nam",
        "que_quan": "Thụy Lâm, Đông Anh, Hà Nội",
        "noi_thuong_tru": "Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh",
        "ngay_het_han": "2025-03-15",
    }
    assert any("structure agrees" in r for r in fields["so_dinh_danh"].reasons)
    assert all(f.status == FieldStatus.EXTRACTED for f in fields.values())


def test_number_on_its_own_row_and_expiry_without_date() -> None:
    lines = [ln for ln in cccd_front(expiry="Không thời hạn") if not ln.text.startswith("Số")]
    lines += [card_line("Số / No.:", 560, 265, 25), card_line(ID_MAN, 700, 250, 44)]
    fields = card_fields(card_page(lines), "cccd_mat_truoc")
    assert fields["so_dinh_danh"].value == ID_MAN
    assert fields["ngay_het_han"].value == NO_EXPIRY


def test_ocr_damaged_and_english_only_labels() -> None:
    lines = [
        card_line("CAN CUOC CONG DAN", 600, 130, 50),
        card_line(f"sá:wa: {ID_MAN}", 560, 260, 40),  # the label is unreadable: the lone 12-digit number
        card_line("Ho va ten / Fuf name:", 560, 320),
        card_line("NGUYỄN VĂN AN", 560, 360, 40),
        card_line("Ngày sánh / Dœe oƒ bxrức 15/03/1985", 560, 420),
        card_line("Gối tính / sex Nam", 560, 470),
        card_line("Quốc tích / Waøomz- Việt Nam", 1010, 470),
        card_line("Place of origin:", 560, 520),
        card_line("Thụy Lâm, Đông Anh, Hà Nội", 560, 560),
        card_line("Ng thường tú ( Pạce # Niheie: Thôn Đồng Cầu, xã Hải Hòa,", 560, 610),
        card_line("thị xã Quảng Yên, tỉnh Quảng Ninh", 560, 650),
    ]
    fields = card_fields(card_page(lines), "cccd_mat_truoc")
    values = field_values(fields)
    assert values["so_dinh_danh"] == ID_MAN
    assert any("without its label" in r for r in fields["so_dinh_danh"].reasons)
    assert values["ho_ten"] == "NGUYỄN VĂN AN"
    assert values["ngay_sinh"] == "1985-03-15"
    assert values["gioi_tinh"] == "Nam"
    assert values["quoc_tich"] == "Việt Nam"
    assert values["que_quan"] == "Thụy Lâm, Đông Anh, Hà Nội"
    assert values["noi_thuong_tru"] == "Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh"


def test_name_by_position_when_its_label_is_garbled() -> None:
    lines = [
        card_line("CĂN CƯỚC", 700, 130, 50),
        card_line("Số định danh cá nhân / Personal identification number:", 490, 260),
        card_line(ID_WOMAN, 490, 300, 44),
        card_line("Áo CÀ bu Š b6 acthrerdlUssse ko die da rõ", 490, 360),
        card_line("TRẦN THỊ BÍCH NGỌC", 490, 400, 44),
        card_line("Ngày sinh / Date of birth: 04/07/1990", 490, 460),
    ]
    fields = card_fields(card_page(lines), "can_cuoc_2024_mat_truoc")
    assert fields["ho_ten"].value == "TRẦN THỊ BÍCH NGỌC"
    assert any("its place on the card" in r for r in fields["ho_ten"].reasons)


def test_qr_confirms_fills_and_corrects() -> None:
    image = qr_image(QR_MAN)
    lines = cccd_front(name="NGUYỄN VĂN ẢN", address=None)  # one diacritic misread; the address not read
    fields = card_fields(card_page(lines, image), "cccd_mat_truoc")
    assert fields["qr"].value == QR_MAN
    assert fields["ho_ten"].value == "NGUYỄN VĂN AN"
    assert fields["ho_ten"].alternatives == ["NGUYỄN VĂN ẢN"]
    assert any("corrected from the QR code" in r for r in fields["ho_ten"].reasons)
    assert fields["noi_thuong_tru"].value == "Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh"
    assert "read from the QR code" in fields["noi_thuong_tru"].reasons
    assert fields["noi_thuong_tru"].box is not None and fields["noi_thuong_tru"].box[0] > 1000
    assert "agrees with the QR code" in fields["so_dinh_danh"].reasons
    assert "agrees with the QR code" in fields["ngay_sinh"].reasons
    # The QR's issue date and the birth date say when the card expires: 15/03/2025.
    assert any("renewal-age rule" in r for r in fields["ngay_het_han"].reasons)
    assert fields["ngay_het_han"].status == FieldStatus.EXTRACTED


def test_qr_far_disagreement_is_a_conflict() -> None:
    image = qr_image(QR_MAN)
    fields = card_fields(card_page(cccd_front(number_line="Số / No.: 001085099999"), image), "cccd_mat_truoc")
    number = fields["so_dinh_danh"]
    assert number.status == FieldStatus.CONFLICT
    assert number.alternatives == [ID_MAN]
    assert "differs from the QR code" in number.reasons


def test_number_inconsistent_with_birth_year_is_invalid() -> None:
    fields = card_fields(card_page(cccd_front(birth="15/03/1990")), "cccd_mat_truoc")
    number, birth = fields["so_dinh_danh"], fields["ngay_sinh"]
    assert number.status == FieldStatus.NEEDS_REVIEW and birth.status == FieldStatus.NEEDS_REVIEW
    assert any("birth-year digits disagree" in r for r in number.reasons)
    assert "disagrees with the ID number's structure" in birth.reasons
    # Reasons say which field disagreed, never the value (personal data).
    for f in fields.values():
        for reason in f.reasons:
            assert ID_MAN not in reason and "1985" not in reason and "1990" not in reason and "NGUYỄN" not in reason
