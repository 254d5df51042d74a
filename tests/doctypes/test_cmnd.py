"""The CMND family."""

from __future__ import annotations

from digitize.layout.classify import classify_text
from digitize.layout.reading import TextStream
from digitize.model import DocType
from tests.doctypes.card_pages import card_fields, card_line, card_page, field_values


def test_cmnd_front() -> None:
    lines = [
        card_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 240, 40),
        card_line("GIẤY CHỨNG MINH NHÂN DÂN", 240, 100),
        card_line("SỐ 245572094", 240, 150),
        card_line("Họ tên NGUYỄN VĂN AN", 180, 210),
        card_line("Sinh ngày 23:08:1977", 180, 260),
        card_line("Nguyên quán Xã Phúc Thịnh, huyện Chiêm Hóa, tỉnh", 180, 310),
        card_line("Tuyên Quang", 180, 350),
        card_line("Nơi ĐKHK thường trú Thôn 1, Hồng Thái, Văn Lãng,", 180, 410),
        card_line("Lạng Sơn", 180, 450),
    ]
    assert classify_text(TextStream.from_lines(lines).folded).doc_type == DocType.CMND
    fields = card_fields(card_page(lines), "cmnd")
    assert field_values(fields) == {
        "so_dinh_danh": "245572094", "ho_ten": "NGUYỄN VĂN AN", "ngay_sinh": "1977-08-23",
        "que_quan": "Xã Phúc Thịnh, huyện Chiêm Hóa, tỉnh Tuyên Quang",
        "noi_thuong_tru": "Thôn 1, Hồng Thái, Văn Lãng, Lạng Sơn",
    }
