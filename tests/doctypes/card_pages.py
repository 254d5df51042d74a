"""Hand-made ID card pages for the card families' tests: lines placed like the printed cards.

Every person here is made up.  Labels left, values beside them or on the next row; the
2016/2021 front prints its expiry under the photo.
"""

from __future__ import annotations

import numpy as np

from digitize.config import Settings
from digitize.layout.extract import extract_fields
from digitize.layout.template import template_for
from digitize.model import DocType, Field, Line, Page, SourceInfo
from digitize.ocr.base import create_backend

# A man born 15/03/1985, registered in Hà Nội (001): 001 0 85 012345.
ID_MAN = "001085012345"
MRZ_MAN = ("IDVNM0850123452001085012345<<3", "8503150M4503152VNM<<<<<<<<<<<0", "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<")
# A woman born 04/07/1990, registered in Quảng Ninh (022); card expires at 40, on 04/07/2030.
ID_WOMAN = "022190004567"
MRZ_WOMAN = ("IDVNM1900045678022190004567<<6", "9007046F3007044VNM<<<<<<<<<<<2", "TRAN<<THI<BICH<NGOC<<<<<<<<<<<")
QR_MAN = ("001085012345|123456789|Nguyễn Văn An|15031985|Nam|"
          "Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh|10052021")


def card_line(text: str, x: float, y: float, h: float = 30.0, conf: float = 0.95) -> Line:
    w = 14.0 * len(text)
    return Line(text=text, confidence=conf, polygon=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
                char_confidences=[conf] * len(text))


def card_page(lines: list[Line], image: np.ndarray | None = None) -> Page:
    return Page(source=SourceInfo(path="card.png", width=1600, height=1000), lines=lines, image=image)


def card_fields(page: Page, doc_type: str) -> dict[str, Field]:
    template = template_for(doc_type)
    assert template is not None
    page = page.model_copy(update={"doc_type": DocType(doc_type)})
    return {f.path: f for f in extract_fields(page, template, create_backend("fake", Settings()), Settings())}


def field_values(fields: dict[str, Field]) -> dict[str, object]:
    return {k: f.value for k, f in fields.items()}


def qr_image(payload: str, size: tuple[int, int] = (1000, 1600), scale: int = 6) -> np.ndarray:
    """A white card image with ``payload`` as a QR code top right."""
    import segno

    matrix = np.array([[0 if v else 255 for v in row] for row in segno.make(payload, error="m").matrix], np.uint8)
    matrix = np.pad(matrix, 4, constant_values=255)
    code = np.kron(matrix, np.ones((scale, scale), np.uint8))
    image = np.full((*size, 3), 255, np.uint8)
    h, w = code.shape
    image[40:40 + h, size[1] - 60 - w:size[1] - 60] = code[:, :, None]
    return image


def cccd_front(number_line: str = f"Số / No.: {ID_MAN}", name: str = "NGUYỄN VĂN AN",
                birth: str = "15/03/1985", address: tuple[str, str] | None = ("Thôn Đồng Cầu, xã Hải Hòa,",
                                                                              "thị xã Quảng Yên, tỉnh Quảng Ninh"),
                expiry: str = "15/03/2025") -> list[Line]:
    lines = [
        card_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 480, 40),
        card_line("CĂN CƯỚC CÔNG DÂN", 600, 130, 50),
        card_line("Citizen Identity Card", 780, 185),
        card_line(number_line, 560, 260, 40),
        card_line("Họ và tên / Full name:", 560, 320),
        card_line(name, 560, 360, 40),
        card_line("Ngày sinh / Date of birth:", 560, 420),
        card_line(birth, 940, 418),
        card_line("Giới tính / Sex:", 560, 470),
        card_line("Nam", 790, 468),
        card_line("Quốc tịch / Nationality:", 1010, 470),
        card_line("Việt Nam", 1350, 468),
        card_line("Quê quán / Place of origin:", 560, 520),
        card_line("Thụy Lâm, Đông Anh, Hà Nội", 560, 560),
        card_line("Có giá trị đến:", 200, 640),
        card_line("Date of expiry", 200, 680),
        card_line(expiry, 200, 720),
    ]
    if address:
        lines += [card_line("Nơi thường trú / Place of residence:", 560, 610), card_line(address[0], 1080, 612),
                  # The address's second row is level with the expiry label under the photo.
                  card_line(address[1], 560, 650)]
    return lines


def back_2024(mrz: tuple[str, str, str], expiry: str = "04/07/2030") -> list[Line]:
    return [
        card_line("Nơi cư trú / Place of residence:", 400, 60),
        card_line("Tổ 5, phường Hồng Hải, thành phố Hạ Long, tỉnh Quảng Ninh", 400, 100),
        card_line("Nơi đăng ký khai sinh / Place of birth:", 400, 160),
        card_line("Phường Hồng Hải, thành phố Hạ Long, tỉnh Quảng Ninh", 400, 200),
        card_line("Ngày, tháng, năm cấp / Date of issue: 01/08/2024", 80, 380),
        card_line(f"Ngày, tháng, năm hết hạn / Date of expiry: {expiry}", 80, 440),
        card_line("BỘ CÔNG AN", 1060, 452),
        card_line("MINISTRY OF PUBLIC SECURITY", 990, 510),
        card_line(mrz[0], 80, 780, 44),
        card_line(mrz[1], 80, 850, 44),
        card_line(mrz[2], 80, 920, 44),
    ]
