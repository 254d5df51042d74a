"""ID cards: label fields, number, MRZ, QR and their cross-checks, on hand-made lines.

Every person here is made up.  Lines are placed like the printed cards: labels left, values
beside them or on the next row; the 2016/2021 front prints its expiry under the photo.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from digitize.config import Settings
from digitize.doctypes.card_checks import renewal_expiry
from digitize.fields.mrz import check_digit, parse_mrz
from digitize.fields.mrz_repair import NO_EXPIRY, read_mrz
from digitize.layout.classify import classify_text
from digitize.layout.extract import extract_fields
from digitize.layout.reading import TextStream
from digitize.layout.template import template_for
from digitize.model import DocType, Field, FieldStatus, Line, Page, SourceInfo
from digitize.ocr.base import create_backend

REFERENCE_SET = Path("/work/wt/quick-set-ref")

# A man born 15/03/1985, registered in Hà Nội (001): 001 0 85 012345.
ID_MAN = "001085012345"
MRZ_MAN = ("IDVNM0850123452001085012345<<3", "8503150M4503152VNM<<<<<<<<<<<0", "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<")
# A woman born 04/07/1990, registered in Quảng Ninh (022); card expires at 40, on 04/07/2030.
ID_WOMAN = "022190004567"
MRZ_WOMAN = ("IDVNM1900045678022190004567<<6", "9007046F3007044VNM<<<<<<<<<<<2", "TRAN<<THI<BICH<NGOC<<<<<<<<<<<")
QR_MAN = ("001085012345|123456789|Nguyễn Văn An|15031985|Nam|"
          "Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh|10052021")


def _line(text: str, x: float, y: float, h: float = 30.0, conf: float = 0.95) -> Line:
    w = 14.0 * len(text)
    return Line(text=text, confidence=conf, polygon=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
                char_confidences=[conf] * len(text))


def _page(lines: list[Line], image: np.ndarray | None = None) -> Page:
    return Page(source=SourceInfo(path="card.png", width=1600, height=1000), lines=lines, image=image)


def _fields(page: Page, doc_type: str) -> dict[str, Field]:
    template = template_for(doc_type)
    assert template is not None
    page = page.model_copy(update={"doc_type": DocType(doc_type)})
    return {f.path: f for f in extract_fields(page, template, create_backend("fake", Settings()), Settings())}


def _values(fields: dict[str, Field]) -> dict[str, object]:
    return {k: f.value for k, f in fields.items()}


def _qr_image(payload: str, size: tuple[int, int] = (1000, 1600), scale: int = 6) -> np.ndarray:
    """A white card image with ``payload`` as a QR code top right."""
    import segno

    matrix = np.array([[0 if v else 255 for v in row] for row in segno.make(payload, error="m").matrix], np.uint8)
    matrix = np.pad(matrix, 4, constant_values=255)
    code = np.kron(matrix, np.ones((scale, scale), np.uint8))
    image = np.full((*size, 3), 255, np.uint8)
    h, w = code.shape
    image[40:40 + h, size[1] - 60 - w:size[1] - 60] = code[:, :, None]
    return image


def _cccd_front(number_line: str = f"Số / No.: {ID_MAN}", name: str = "NGUYỄN VĂN AN",
                birth: str = "15/03/1985", address: tuple[str, str] | None = ("Thôn Đồng Cầu, xã Hải Hòa,",
                                                                              "thị xã Quảng Yên, tỉnh Quảng Ninh"),
                expiry: str = "15/03/2025") -> list[Line]:
    lines = [
        _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 480, 40),
        _line("CĂN CƯỚC CÔNG DÂN", 600, 130, 50),
        _line("Citizen Identity Card", 780, 185),
        _line(number_line, 560, 260, 40),
        _line("Họ và tên / Full name:", 560, 320),
        _line(name, 560, 360, 40),
        _line("Ngày sinh / Date of birth:", 560, 420),
        _line(birth, 940, 418),
        _line("Giới tính / Sex:", 560, 470),
        _line("Nam", 790, 468),
        _line("Quốc tịch / Nationality:", 1010, 470),
        _line("Việt Nam", 1350, 468),
        _line("Quê quán / Place of origin:", 560, 520),
        _line("Thụy Lâm, Đông Anh, Hà Nội", 560, 560),
        _line("Có giá trị đến:", 200, 640),
        _line("Date of expiry", 200, 680),
        _line(expiry, 200, 720),
    ]
    if address:
        lines += [_line("Nơi thường trú / Place of residence:", 560, 610), _line(address[0], 1080, 612),
                  # The address's second row is level with the expiry label under the photo.
                  _line(address[1], 560, 650)]
    return lines


def test_cccd_front_bilingual_labels_columns_and_rows() -> None:
    fields = _fields(_page(_cccd_front()), "cccd_mat_truoc")
    assert _values(fields) == {
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
    lines = [ln for ln in _cccd_front(expiry="Không thời hạn") if not ln.text.startswith("Số")]
    lines += [_line("Số / No.:", 560, 265, 25), _line(ID_MAN, 700, 250, 44)]
    fields = _fields(_page(lines), "cccd_mat_truoc")
    assert fields["so_dinh_danh"].value == ID_MAN
    assert fields["ngay_het_han"].value == NO_EXPIRY


def test_ocr_damaged_and_english_only_labels() -> None:
    lines = [
        _line("CAN CUOC CONG DAN", 600, 130, 50),
        _line(f"sá:wa: {ID_MAN}", 560, 260, 40),  # the label is unreadable: the lone 12-digit number
        _line("Ho va ten / Fuf name:", 560, 320),
        _line("NGUYỄN VĂN AN", 560, 360, 40),
        _line("Ngày sánh / Dœe oƒ bxrức 15/03/1985", 560, 420),
        _line("Gối tính / sex Nam", 560, 470),
        _line("Quốc tích / Waøomz- Việt Nam", 1010, 470),
        _line("Place of origin:", 560, 520),
        _line("Thụy Lâm, Đông Anh, Hà Nội", 560, 560),
        _line("Ng thường tú ( Pạce # Niheie: Thôn Đồng Cầu, xã Hải Hòa,", 560, 610),
        _line("thị xã Quảng Yên, tỉnh Quảng Ninh", 560, 650),
    ]
    fields = _fields(_page(lines), "cccd_mat_truoc")
    values = _values(fields)
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
        _line("CĂN CƯỚC", 700, 130, 50),
        _line("Số định danh cá nhân / Personal identification number:", 490, 260),
        _line(ID_WOMAN, 490, 300, 44),
        _line("Áo CÀ bu Š b6 acthrerdlUssse ko die da rõ", 490, 360),
        _line("TRẦN THỊ BÍCH NGỌC", 490, 400, 44),
        _line("Ngày sinh / Date of birth: 04/07/1990", 490, 460),
    ]
    fields = _fields(_page(lines), "can_cuoc_2024_mat_truoc")
    assert fields["ho_ten"].value == "TRẦN THỊ BÍCH NGỌC"
    assert any("its place on the card" in r for r in fields["ho_ten"].reasons)


def test_can_cuoc_2024_front_values_under_labels() -> None:
    lines = [
        _line("CĂN CƯỚC", 700, 130, 50),
        _line("IDENTITY CARD", 760, 190),
        _line("Số định danh cá nhân / Personal identification number:", 490, 260),
        _line(ID_WOMAN, 490, 300, 44),
        _line("Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:", 490, 360),
        _line("TRẦN THỊ BÍCH NGỌC", 490, 400, 44),
        _line("Ngày sinh / Date of birth:", 490, 460),
        _line("04/07/1990", 880, 458),
        _line("Giới tính / Sex:", 490, 510),
        _line("Nữ", 720, 508),
        _line("Quốc tịch / Nationality:", 980, 510),
        _line("Việt Nam", 1340, 508),
    ]
    assert classify_text(TextStream.from_lines(lines).folded).doc_type == DocType.CAN_CUOC_2024_MAT_TRUOC
    fields = _fields(_page(lines), "can_cuoc_2024_mat_truoc")
    assert _values(fields) == {"so_dinh_danh": ID_WOMAN, "ho_ten": "TRẦN THỊ BÍCH NGỌC", "ngay_sinh": "1990-07-04",
                               "gioi_tinh": "Nữ", "quoc_tich": "Việt Nam"}


def _back_2024(mrz: tuple[str, str, str], expiry: str = "04/07/2030") -> list[Line]:
    return [
        _line("Nơi cư trú / Place of residence:", 400, 60),
        _line("Tổ 5, phường Hồng Hải, thành phố Hạ Long, tỉnh Quảng Ninh", 400, 100),
        _line("Nơi đăng ký khai sinh / Place of birth:", 400, 160),
        _line("Phường Hồng Hải, thành phố Hạ Long, tỉnh Quảng Ninh", 400, 200),
        _line("Ngày, tháng, năm cấp / Date of issue: 01/08/2024", 80, 380),
        _line(f"Ngày, tháng, năm hết hạn / Date of expiry: {expiry}", 80, 440),
        _line("BỘ CÔNG AN", 1060, 452),
        _line("MINISTRY OF PUBLIC SECURITY", 990, 510),
        _line(mrz[0], 80, 780, 44),
        _line(mrz[1], 80, 850, 44),
        _line(mrz[2], 80, 920, 44),
    ]


def test_can_cuoc_2024_back_with_a_noisy_mrz() -> None:
    noisy = (MRZ_WOMAN[0].replace("<<", "«<"),  # '<' read as «
             MRZ_WOMAN[1].replace("<<<<<<<<<<<", "KK<<<<<<(<<").replace("0", "O", 1),  # K, (, O for 0
             "TRANKKTHIKBICHKNGOC<<<<<<<<<<<")  # '<' read as K inside the name
    lines = _back_2024(noisy)
    assert classify_text(TextStream.from_lines(lines).folded).doc_type == DocType.CAN_CUOC_2024_MAT_SAU
    fields = _fields(_page(lines), "can_cuoc_2024_mat_sau")
    values = _values(fields)
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
    close = _fields(_page(_back_2024(MRZ_WOMAN, expiry="04/07/2036")), "can_cuoc_2024_mat_sau")
    assert close["ngay_het_han"].value == "2030-07-04"
    assert close["ngay_het_han"].alternatives == ["2036-07-04"]
    assert any("corrected from the MRZ" in r for r in close["ngay_het_han"].reasons)
    far = _fields(_page(_back_2024(MRZ_WOMAN, expiry="21/11/2041")), "can_cuoc_2024_mat_sau")
    assert far["ngay_het_han"].status == FieldStatus.CONFLICT
    assert far["ngay_het_han"].value == "2041-11-21"  # the printed value is kept, the MRZ's is the alternative
    assert "differs from the MRZ" in far["ngay_het_han"].reasons


def test_mrz_digit_confusions_repaired_only_when_unambiguous() -> None:
    # 3 read as 5 in the birth date and the expiry: one repair makes every check digit agree.
    card = read_mrz(MRZ_WOMAN[0], MRZ_WOMAN[1].replace("9007046F3007044", "9007046F5007044"), MRZ_WOMAN[2])
    assert card is not None and card.valid and card.value == "\n".join(MRZ_WOMAN)
    assert any("digits repaired" in r for r in card.reasons)
    assert card.repaired  # probable: what it fills is to be reviewed
    fields = _fields(_page(_back_2024((MRZ_WOMAN[0], MRZ_WOMAN[1].replace("F3007044", "F5007044"), MRZ_WOMAN[2]))),
                     "can_cuoc_2024_mat_sau")
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


def test_mrz_alignment_and_parsing_details() -> None:
    card = read_mrz("I1DVNM0850123452001085012345<<3", MRZ_MAN[1], MRZ_MAN[2])  # a stray character
    assert card is not None and card.valid and card.lines == MRZ_MAN
    assert card.birth_date == "1985-03-15" and card.sex == "Nam" and card.expiry == "2045-03-15"
    assert parse_mrz("\n".join(MRZ_MAN)) is not None
    none = read_mrz("IDVNM1850996657066185099665<<1", "4711030M<<<<<<<VNM<<<<<<<<<<<8", "PHAN<<BICH<PHUONG")
    assert none is not None and none.expiry == NO_EXPIRY  # a filler expiry means no expiry


def test_qr_confirms_fills_and_corrects() -> None:
    image = _qr_image(QR_MAN)
    lines = _cccd_front(name="NGUYỄN VĂN ẢN", address=None)  # one diacritic misread; the address not read
    fields = _fields(_page(lines, image), "cccd_mat_truoc")
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
    image = _qr_image(QR_MAN)
    fields = _fields(_page(_cccd_front(number_line="Số / No.: 001085099999"), image), "cccd_mat_truoc")
    number = fields["so_dinh_danh"]
    assert number.status == FieldStatus.CONFLICT
    assert number.alternatives == [ID_MAN]
    assert "differs from the QR code" in number.reasons


def test_number_inconsistent_with_birth_year_is_invalid() -> None:
    fields = _fields(_page(_cccd_front(birth="15/03/1990")), "cccd_mat_truoc")
    number, birth = fields["so_dinh_danh"], fields["ngay_sinh"]
    assert number.status == FieldStatus.NEEDS_REVIEW and birth.status == FieldStatus.NEEDS_REVIEW
    assert any("birth-year digits disagree" in r for r in number.reasons)
    assert "disagrees with the ID number's structure" in birth.reasons
    # Reasons say which field disagreed, never the value (personal data).
    for f in fields.values():
        for reason in f.reasons:
            assert ID_MAN not in reason and "1985" not in reason and "1990" not in reason and "NGUYỄN" not in reason


def test_cmnd_front() -> None:
    lines = [
        _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 240, 40),
        _line("GIẤY CHỨNG MINH NHÂN DÂN", 240, 100),
        _line("SỐ 245572094", 240, 150),
        _line("Họ tên NGUYỄN VĂN AN", 180, 210),
        _line("Sinh ngày 23:08:1977", 180, 260),
        _line("Nguyên quán Xã Phúc Thịnh, huyện Chiêm Hóa, tỉnh", 180, 310),
        _line("Tuyên Quang", 180, 350),
        _line("Nơi ĐKHK thường trú Thôn 1, Hồng Thái, Văn Lãng,", 180, 410),
        _line("Lạng Sơn", 180, 450),
    ]
    assert classify_text(TextStream.from_lines(lines).folded).doc_type == DocType.CMND
    fields = _fields(_page(lines), "cmnd")
    assert _values(fields) == {
        "so_dinh_danh": "245572094", "ho_ten": "NGUYỄN VĂN AN", "ngay_sinh": "1977-08-23",
        "que_quan": "Xã Phúc Thịnh, huyện Chiêm Hóa, tỉnh Tuyên Quang",
        "noi_thuong_tru": "Thôn 1, Hồng Thái, Văn Lãng, Lạng Sơn",
    }


def test_classification_of_cards_without_their_titles() -> None:
    front = [ln for ln in _cccd_front() if "CĂN CƯỚC" not in ln.text and "Citizen" not in ln.text]
    assert classify_text(TextStream.from_lines(front).folded).doc_type == DocType.CCCD_MAT_TRUOC
    mrz_only = [_line("TDVNM0850123452001085012345<<3", 80, 780), _line(MRZ_MAN[1], 80, 850),
                _line(MRZ_MAN[2], 80, 920)]
    assert classify_text(TextStream.from_lines(mrz_only).folded).doc_type == DocType.CCCD_MAT_SAU
    fields = _fields(_page(mrz_only), "cccd_mat_sau")
    assert fields["mrz"].value == "\n".join(MRZ_MAN) and fields["so_dinh_danh"].value == ID_MAN
    # A certificate naming its owner's "căn cước công dân" stays a certificate.
    gcn = TextStream.from_lines([
        _line("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", 0, 0),
        _line("Ông: NGUYỄN VĂN AN, sinh năm: 1985, Căn cước công dân số: 001085012345", 0, 50),
        _line("a) Thửa đất số: 125, tờ bản đồ số: 12", 0, 100)])
    assert classify_text(gcn.folded).doc_type == DocType.GCN_2009_2014


def test_renewal_expiry() -> None:
    ages = (25, 40, 60)
    assert renewal_expiry(date(1985, 11, 21), date(2021, 6, 1), ages) == date(2025, 11, 21)
    assert renewal_expiry(date(1967, 7, 16), date(2024, 4, 11), ages) == date(2027, 7, 16)
    assert renewal_expiry(date(1949, 11, 20), date(2021, 11, 7), ages) == NO_EXPIRY
    assert renewal_expiry(date(1984, 2, 29), date(2021, 1, 1), ages) == date(2024, 2, 29)
    assert renewal_expiry(date(1984, 2, 29), date(2037, 1, 1), ages) == date(2044, 2, 29)
    assert renewal_expiry(date(1983, 2, 28), date(2006, 1, 1), ages) == date(2008, 2, 28)


def test_check_digit_helper_matches_the_example() -> None:
    assert str(check_digit(ID_MAN)) == MRZ_MAN[0][29]


@pytest.mark.skipif(not REFERENCE_SET.is_dir(), reason="reference set not available")
def test_reference_card_images_with_the_fake_backend() -> None:
    """Perfect OCR over the generated card images: the values must match the ground truth."""
    from digitize.bench.metrics import score_fields
    from digitize.pipeline import process_file

    settings = Settings(preprocess=False)
    backend = create_backend("fake", settings)
    by_condition: dict[str, Counter[str]] = {}
    for image in sorted(REFERENCE_SET.glob("*.jpg")):
        if not any(k in image.name for k in ("cccd", "can_cuoc", "cmnd")):
            continue
        truth = json.loads(image.with_suffix("").with_suffix(".gt.json").read_text(encoding="utf-8"))
        if truth["condition"] == "rotated":  # needs the image pipeline (not in this branch)
            continue
        doc = process_file(image, backend, settings)
        assert doc.loai_tai_lieu.value == truth["doc_type"], image.name
        outcomes = score_fields([f.model_dump() for f in doc.fields], truth["record"], truth.get("unreadable", []))
        tally = by_condition.setdefault(truth["condition"], Counter())
        for o in outcomes:
            if not o.spurious:
                tally["fields"] += 1
                tally["correct"] += int(o.correct)
                tally["wrong_unflagged"] += int(not o.correct and o.status in ("extracted",))
    steady = sum((by_condition.get(c, Counter()) for c in ("clean", "scan", "aged")), Counter())
    assert steady["fields"] >= 30 and steady["correct"] / steady["fields"] >= 0.95
    # Wrong values are flagged for review, not passed off as read.
    assert steady["wrong_unflagged"] <= 1
    # Phone photos and damaged cards are read without the image pipeline here (perspective
    # mixes rows): lower, but most values still right.
    everything = sum(by_condition.values(), Counter())
    assert everything["correct"] / everything["fields"] >= 0.8


def test_mrz_expiry_misread_twice_is_repaired_by_the_renewal_rule() -> None:
    truth = ("IDVNM1951706467010195170646<<0", "9506136F3506134VNM<<<<<<<<<<<2",
             "DUONG<<THANH<NHUNG<<<<<<<<<<<<")
    # Every 3 of line 2 read as 5: birth one change, expiry two (beyond the plain search).
    card = read_mrz(truth[0], "9506156F5506154VNM<<<<<<<<<<<2", truth[2])
    assert card is not None and card.valid and card.repaired
    assert card.value == "\n".join(truth)
    # The other fit (check digit 6 misread, expiry 2020 at age 25) predates every card with an MRZ.
    assert card.lines[1][8:14] == "350613"


def test_an_mrz_failing_its_checks_takes_the_second_readers_rows_that_check_out() -> None:
    from digitize.doctypes.card_fields import reread_mrz
    from digitize.layout.candidate import Candidate

    truth = ("IDVNM0848570707035084857070<<1", "8404073M2404071VNM<<<<<<<<<<<6", "NGUYEN<<DUY<PHONG<<<<<<<<<<<<<")
    first = ("IDVNM0848570707035084857070<<1", "8404073M2404071VNM<<<<<<<<<<<8", truth[2])  # composite misread
    cand = Candidate(path="mrz", value="\n".join(first), raw="\n".join(first), span=None, kind="none", valid=False)
    # The second reader gets rows 1-2 right but garbles the name: each row from the better reader.
    assert reread_mrz(cand, [[truth[0]], [truth[1]], ["GYEN<<DU<PHNG<<<<<<<<<<<<<<<<<"]])
    assert cand.value == "\n".join(truth) and cand.valid is True and cand.source == "mrz"
    # Rows that do not check out change nothing.
    other = Candidate(path="mrz", value="\n".join(first), raw="\n".join(first), span=None, kind="none", valid=False)
    assert not reread_mrz(other, [[first[0]], ["8404073M2404071VNM<<<<<<<<<<<9"], [truth[2]]])
    assert other.valid is False


def test_an_mrz_name_row_with_unknown_words_goes_to_review() -> None:
    from digitize.doctypes.card_fields import set_mrz_reading
    from digitize.layout.candidate import Candidate

    card = read_mrz("IDVNM1492866015004149286601<<9", "4910154F<<<<<<<VNM<<<<<<<<<<<8",
                    "NGUYEN<<DIEU<HOOOA<<<<<<<<<<<<")
    assert card is not None and card.valid and not card.name_known
    cand = Candidate(path="mrz", value=None, raw="", span=None, kind="none")
    set_mrz_reading(cand, card)
    assert cand.valid is True and cand.status == FieldStatus.NEEDS_REVIEW
