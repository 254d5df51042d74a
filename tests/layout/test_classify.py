"""Classification by the families' evidence."""

from __future__ import annotations

from digitize.layout.classify import classify_text
from digitize.layout.reading import TextStream
from digitize.model import DocType
from tests.doctypes.card_pages import ID_MAN, MRZ_MAN, card_fields, card_line, card_page, cccd_front


def test_classification_of_cards_without_their_titles() -> None:
    front = [ln for ln in cccd_front() if "CĂN CƯỚC" not in ln.text and "Citizen" not in ln.text]
    assert classify_text(TextStream.from_lines(front).folded).doc_type == DocType.CCCD_MAT_TRUOC
    mrz_only = [card_line("TDVNM0850123452001085012345<<3", 80, 780), card_line(MRZ_MAN[1], 80, 850),
                card_line(MRZ_MAN[2], 80, 920)]
    assert classify_text(TextStream.from_lines(mrz_only).folded).doc_type == DocType.CCCD_MAT_SAU
    fields = card_fields(card_page(mrz_only), "cccd_mat_sau")
    assert fields["mrz"].value == "\n".join(MRZ_MAN) and fields["so_dinh_danh"].value == ID_MAN
    # A certificate naming its owner's "căn cước công dân" stays a certificate.
    gcn = TextStream.from_lines([
        card_line("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", 0, 0),
        card_line("Ông: NGUYỄN VĂN AN, sinh năm: 1985, Căn cước công dân số: 001085012345", 0, 50),
        card_line("a) Thửa đất số: 125, tờ bản đồ số: 12", 0, 100)])
    assert classify_text(gcn.folded).doc_type == DocType.GCN_2009_2014


def test_classify_generations() -> None:
    g2009 = TextStream.from_lines([card_line("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", 0, 0),
                                   card_line("a) Thửa đất số: 1, tờ bản đồ số: 2", 0, 50),
                                   card_line("g) Nguồn gốc sử dụng: Công nhận", 0, 100)])
    result = classify_text(g2009.folded)
    assert result.doc_type == DocType.GCN_2009_2014 and result.page_role == "trang_2"
    g2024 = TextStream.from_lines([
        card_line("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", 0, 0),
        card_line("2. Thông tin thửa đất:", 0, 50), card_line("Mã Giấy chứng nhận: 123456789012", 0, 100)])
    assert classify_text(g2024.folded).doc_type == DocType.GCN_2024
    cccd = TextStream.from_lines([card_line("CĂN CƯỚC CÔNG DÂN", 0, 0), card_line("Quê quán: Hà Nội", 0, 50)])
    assert classify_text(cccd.folded).doc_type == DocType.CCCD_MAT_TRUOC
    assert classify_text("hoa don ban hang\n").doc_type == DocType.KHAC


def test_a_chip_card_front_with_a_garbled_title_classifies_by_its_labels() -> None:
    text = "\n".join([
        "CỘNG HÒA XÃ HỘI CHÚ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM", "CƯỚC £:ÔNG DÂN",
        "Số/:wo.", "Họ và tên ¿ Ôul narne:", "LÊ QUỐC HẢI", "Ngày sinh ; Dae® of bi»: 15/02/2004",
        "Giới nh : sex Nam", "Quốc tịch / Na@6ooas: Việt Nafm", "Quả quán / Đoce ý oxy:",
    ])
    from digitize.fields.text import fold

    result = classify_text(fold(text))
    assert result.doc_type == DocType.CCCD_MAT_TRUOC and result.page_role == "mat_truoc"
