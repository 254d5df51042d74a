"""Layout and extraction on known lines (fake backend / hand-made lines), no pixels read."""

from __future__ import annotations

from pathlib import Path

from digitize.config import Settings
from digitize.layout.extract import extract_fields
from digitize.layout.reading import TextStream, group_rows
from digitize.layout.template import template_for
from digitize.model import DocType, FieldStatus, Line, Page, SourceInfo, Transform
from digitize.ocr.base import create_backend
from digitize.pipeline import process_file


def _line(text: str, x: float, y: float, h: float = 30.0, conf: float = 0.95) -> Line:
    w = 14.0 * len(text)
    return Line(text=text, confidence=conf, polygon=[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
                char_confidences=[conf] * len(text))


def _page(lines: list[Line], transforms: list[Transform] | None = None) -> Page:
    return Page(source=SourceInfo(path="mem.png", width=2000, height=3000), lines=lines,
                transforms=transforms or [])


def _fields(page: Page, doc_type: str = "gcn_2009_2014") -> dict:
    template = template_for(doc_type)
    assert template is not None
    backend = create_backend("fake", Settings())
    return {f.path: f for f in extract_fields(page, template, backend, Settings())}


def test_rows_group_split_lines_and_keep_reading_order() -> None:
    a = _line("a) Thửa đất số: 125,", 100, 100)
    b = _line("tờ bản đồ số: 12", 500, 104)
    c = _line("b) Địa chỉ: Thôn Đồng Cầu", 100, 160)
    rows = group_rows([c, b, a])
    assert [[ln.text for ln in row] for row in rows] == [[a.text, b.text], [c.text]]
    stream = TextStream.from_lines([c, b, a])
    assert stream.text.splitlines()[0] == "a) Thửa đất số: 125,\ttờ bản đồ số: 12"  # a tab between lines
    assert len(stream.folded) == len(stream.text)
    assert stream.folded.startswith("a) thua dat so: 125")


def test_values_split_over_lines_and_stop_at_the_next_label() -> None:
    lines = [
        _line("a) Thửa đất số: 125, tờ bản đồ số: 012", 100, 100),
        _line("b) Địa chỉ: Thôn Đồng Cầu, xã Hải Hòa, thị xã", 100, 160),
        _line("Quảng Yên, tỉnh Quảng Ninh", 100, 200),
        _line("c) Diện tích: 1.041,9 m² (bằng chữ: Một nghìn không trăm bốn mươi mốt)", 100, 260),
        _line("d) Hình thức sử dụng: Sử dụng riêng", 100, 320),
        _line("đ) Mục đích sử dụng: Đất ở tại nông thôn: 400,0 m²; Đất trồng cây lâu năm: 641,9 m²", 100, 380),
        _line("e) Thời hạn sử dụng: Lâu dài", 100, 440),
        _line("g) Nguồn gốc sử dụng: -/-", 100, 500),
    ]
    fields = _fields(_page(lines))
    assert fields["thua_dat[0].so_thua"].value == "125"
    assert fields["thua_dat[0].so_to_ban_do"].value == "012"  # leading zero kept
    assert fields["thua_dat[0].dia_chi"].value == "Thôn Đồng Cầu, xã Hải Hòa, thị xã Quảng Yên, tỉnh Quảng Ninh"
    assert fields["thua_dat[0].dien_tich"].value == 1041.9
    assert fields["thua_dat[0].hinh_thuc_su_dung"].value == "Sử dụng riêng"
    assert fields["thua_dat[0].muc_dich_su_dung[0].ten"].value == "Đất ở tại nông thôn"
    assert fields["thua_dat[0].muc_dich_su_dung[0].dien_tich"].value == 400.0
    assert fields["thua_dat[0].muc_dich_su_dung[1].ten"].value == "Đất trồng cây lâu năm"
    assert fields["thua_dat[0].muc_dich_su_dung[1].dien_tich"].value == 641.9
    assert fields["thua_dat[0].thoi_han_su_dung"].value == "Lâu dài"
    # "-/-" means empty: no origin is invented (the document level reports it as not found).
    assert "thua_dat[0].nguon_goc_su_dung" not in fields
    assert "so_phat_hanh" not in fields


def test_owner_address_is_not_taken_for_the_parcel_address() -> None:
    lines = [
        _line("Địa chỉ thường trú: Số 5 phố Huế, Hà Nội", 100, 100),
        _line("a) Thửa đất số: 9, tờ bản đồ số: 3", 100, 200),
    ]
    fields = _fields(_page(lines))
    assert "thua_dat[0].dia_chi" not in fields


def test_date_line_serial_and_registry_number() -> None:
    lines = [
        _line("Quảng Ninh, ngày 14 tháng 3 năm 2016", 900, 100),
        _line("Số vào sổ cấp GCN: CS 05494", 100, 300),
        _line("DP 947330", 100, 400),
    ]
    fields = _fields(_page(lines))
    assert fields["ngay_cap"].value == "2016-03-14"
    assert fields["noi_cap"].value == "Quảng Ninh"
    assert fields["so_vao_so"].value == "CS05494"
    assert fields["so_phat_hanh"].value == "DP 947330"


def test_boxes_are_on_the_original_image() -> None:
    # The processed page is the original scaled by one half: boxes must come back doubled.
    half = Transform.from_array("scale", [[0.5, 0, 0], [0, 0.5, 0], [0, 0, 1]], (4000, 6000), (2000, 3000))
    line = _line("a) Thửa đất số: 125, tờ bản đồ số: 12", 100, 100)
    fields = _fields(_page([line], [half]))
    box = fields["thua_dat[0].so_thua"].box
    assert box is not None
    assert 200 <= box[0] < box[2] <= 2 * (100 + 14 * len(line.text))
    assert box[1] == 200 and box[3] == 260


def test_low_character_confidence_needs_review() -> None:
    # One reader at low character confidence, nothing to confirm it: a reviewer looks.  (Two
    # independent readers agreeing is evidence the calibrated model weighs on its own.)
    class OneReader(type(create_backend("fake", Settings()))):  # type: ignore[misc]
        def reread(self, page: Page, lines: list[Line], kind: str) -> list[None]:
            return [None for _ in lines]

    lines = [_line("a) Thửa đất số: 125, tờ bản đồ số: 12", 100, 100, conf=0.3)]
    template = template_for("gcn_2009_2014")
    assert template is not None
    fields = {f.path: f for f in extract_fields(_page(lines), template, OneReader(Settings()), Settings())}
    assert fields["thua_dat[0].so_thua"].status == FieldStatus.NEEDS_REVIEW
    assert fields["thua_dat[0].so_thua"].confidence < Settings().review_threshold
    confident = [_line("a) Thửa đất số: 125, tờ bản đồ số: 12", 100, 100, conf=0.95)]
    sure = {f.path: f for f in extract_fields(_page(confident), template, OneReader(Settings()), Settings())}
    assert sure["thua_dat[0].so_thua"].confidence > fields["thua_dat[0].so_thua"].confidence


def test_fake_backend_pipeline_on_rendered_page(gcn_page2: Path) -> None:
    doc = process_file(gcn_page2, create_backend("fake", Settings()), Settings(preprocess=False))
    assert doc.loai_tai_lieu == DocType.GCN_2009_2014
    record = doc.record
    parcel = record["thua_dat"][0]
    assert parcel["so_thua"] == "318" and parcel["so_to_ban_do"] == "07"
    assert parcel["dien_tich"] == 152.4
    assert parcel["dia_chi"] == "Xóm Bãi, xã Yên Lạc, huyện Phú Lương, tỉnh Thái Nguyên"
    assert parcel["thoi_han_su_dung"] == "Đến ngày 15/10/2063"
    assert record["ngay_cap"] == "2013-11-20" and record["so_vao_so"] == "CH01872"
    # Page 2 alone lacks the serial and the owner: Form 01 needs them, so they are reported missing.
    for path in ("so_phat_hanh", "chu_su_dung[0].ho_ten"):
        missing = doc.field(path)
        assert missing is not None and missing.status == FieldStatus.NOT_FOUND and missing.value is None


def test_a_note_sharing_its_row_with_the_date_line_does_not_swallow_it() -> None:
    # The date line stands to the right of the note's last line: one row, two OCR lines.
    lines = [
        _line("Ghi chú: Diện tích đất ở được công nhận theo hạn mức", 100, 1000),
        _line("Bắc Giang, ngày 26 tháng 4 năm 2011", 1000, 1004),
        _line("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", 1000, 1060),
    ]
    fields = _fields(_page(lines))
    assert fields["ghi_chu"].value == "Diện tích đất ở được công nhận theo hạn mức"
    assert fields["ngay_cap"].value == "2011-04-26"
    assert fields["noi_cap"].value == "Bắc Giang"


def test_card_values_found_by_shape_when_their_labels_are_garbled() -> None:
    lines = [
        _line("Gư #a: sa: Nam", 100, 500),
        _line("Quốc ten ¿ waonzvy: Việt Nam", 700, 500),
        _line("Quê quán / Place of origin: Hà Nam", 100, 560),
    ]
    fields = _fields(_page(lines), "can_cuoc_2024_mat_truoc")
    assert fields["gioi_tinh"].value == "Nam" and fields["quoc_tich"].value == "Việt Nam"
    assert any("by its shape" in r for r in fields["gioi_tinh"].reasons)
    # a readable label wins, and nothing is made up where no value has the shape
    fields = _fields(_page([_line("Quê quán / Place of origin: Hà Nam", 100, 560)]), "can_cuoc_2024_mat_truoc")
    assert all(fields.get(p) is None or fields[p].value is None for p in ("gioi_tinh", "quoc_tich"))


def test_two_facing_pages_are_read_one_after_the_other() -> None:
    left = [_line(f"left page row {k}: value {k}", 50, 100 + 60 * k) for k in range(8)]
    right = [_line(f"right page row {k}", 1150, 100 + 60 * k) for k in range(8)]
    stream = TextStream.from_lines(left + right)
    rows = stream.text.split("\n")
    assert rows[:8] == [f"left page row {k}: value {k}" for k in range(8)]
    assert "right page row 0" in rows[9] and "\t" not in stream.text
    # one page with a wide line across the middle is never split
    header = _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM and a long title across", 300, 40)
    assert "left page row 0: value 0\tright page row 0" in TextStream.from_lines([header, *left, *right]).text


def test_label_residue_in_a_widened_digit_crop_is_skipped() -> None:
    from digitize.layout.candidate import Candidate
    from digitize.layout.extract import second_reader_value

    def alt(raw: str, reading: str, normalizer: str = "number_string") -> object:
        cand = Candidate(path="thua_dat[0].so_thua", value=raw, raw=raw, span=None, kind="digits",
                         normalizer=normalizer)
        value = second_reader_value(cand, reading)
        return None if value is None else value.value

    assert alt("471", "6:471；") == "471"  # "số:" read as "6:" by the digit reader
    assert alt("66", "6: 66;") == "66"
    assert alt("CS73369", "n: CS 73369", "registry") == "CS73369"
    assert alt("CS73369", "CS 73369", "registry") == "CS73369"  # a prefix is no residue
    assert alt("471", "471") == "471"


def test_a_number_only_the_colour_image_shows_is_read_there_and_reviewed() -> None:
    import numpy as np

    from digitize.layout.candidate import Candidate
    from digitize.layout.extract import colour_ink_page, read_unread_digits_in_colour
    from digitize.model import Reading

    grey = np.full((40, 200, 3), 255, np.uint8)
    colour = grey.copy()
    colour[10:30, 20:180] = (40, 40, 220)  # red print: faded in the grey OCR image
    page = Page(source=SourceInfo(path="mem.png"), image=grey, color_image=colour)
    ink = colour_ink_page(page)
    assert ink is not None and ink.image is not None and int(ink.image[20, 100, 0]) == 40

    class ColourReader:
        name = "stub"

        def reread(self, page: Page, lines: list, kind: str) -> list:
            assert int(page.image[20, 100, 0]) == 40  # reads the colour ink, not the grey image
            return [Reading(engine="ppocr_rec", text="0068349326") for _ in lines]

    line = _line("SỐ 06834°32", 20, 10)
    cand = Candidate(path="so_dinh_danh", value=None, raw="06834°32", span=None, kind="digits",
                     normalizer="id_number")
    ctx = type("Ctx", (), {"page": page})()
    read_unread_digits_in_colour(ctx, [(cand, [line])], ColourReader())  # type: ignore[arg-type]
    assert cand.value == "068349326" and cand.status == FieldStatus.NEEDS_REVIEW


def test_a_land_use_with_hang_nam_is_not_a_building_grade() -> None:
    lines = [
        _line("e) Thời hạn sử dụng: Đất ở: Lâu dài; Đất trồng cấp hằng năm khác: 27/01/2064", 100, 100),
    ]
    fields = _fields(_page(lines))
    assert "tai_san[0].cap_hang" not in fields or fields["tai_san[0].cap_hang"].value is None


def test_a_leading_zero_the_digit_reader_dropped_is_not_taken() -> None:
    from digitize.layout.extract import same_but_leading_zeros

    assert same_but_leading_zeros("05483QSDĐ/550/QĐ-UB", "5483QSDĐ/550/QĐ-UB")
    assert not same_but_leading_zeros("5483", "05483")
    assert not same_but_leading_zeros("05483", "05488")


def test_a_registry_prefix_the_digit_reader_dropped_is_not_taken() -> None:
    from digitize.layout.extract import same_but_leading_zeros

    assert same_but_leading_zeros("CS91991", "91991")
    assert not same_but_leading_zeros("CS91991", "191991")
    assert not same_but_leading_zeros("7264.QS", "4QSDĐ/2630/QĐ-UB")
