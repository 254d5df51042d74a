"""Small test fixtures: render text lines to an image with a ground-truth sidecar.

Deliberately simple (the realistic generator is digitize.synth); enough to drive the
loader, the OCR contract and the extraction chain with known text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from digitize.model import DocType
from digitize.truth import GroundTruth, TruthLine, save_truth

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
FONT = FONT_DIR / "LiberationSerif-Regular.ttf"
FONT_BOLD = FONT_DIR / "LiberationSerif-Bold.ttf"

GCN_PAGE2_LINES = [
    ("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", True),
    ("1. Thửa đất:", True),
    ("a) Thửa đất số: 318, tờ bản đồ số: 07", False),
    ("b) Địa chỉ: Xóm Bãi, xã Yên Lạc, huyện Phú Lương, tỉnh", False),
    ("Thái Nguyên", False),
    ("c) Diện tích: 152,4 m² (bằng chữ: Một trăm năm mươi hai phẩy bốn mét vuông)", False),
    ("d) Hình thức sử dụng: Sử dụng riêng", False),
    ("đ) Mục đích sử dụng: Đất trồng cây lâu năm", False),
    ("e) Thời hạn sử dụng: Đến ngày 15/10/2063", False),
    ("g) Nguồn gốc sử dụng: Nhà nước giao đất không thu tiền sử dụng đất", False),
    ("2. Nhà ở: -/-", True),
    ("3. Công trình xây dựng khác: -/-", True),
    ("4. Rừng sản xuất là rừng trồng: -/-", True),
    ("5. Cây lâu năm: -/-", True),
    ("6. Ghi chú: -/-", True),
    ("Thái Nguyên, ngày 20 tháng 11 năm 2013", False),
    ("TM. ỦY BAN NHÂN DÂN HUYỆN PHÚ LƯƠNG", True),
    ("Số vào sổ cấp GCN: CH 01872", False),
]

GCN_PAGE2_RECORD = {
    "ngay_cap": "2013-11-20",
    "noi_cap": "Thái Nguyên",
    "so_vao_so": "CH01872",
    "thua_dat": [
        {
            "so_thua": "318",
            "so_to_ban_do": "07",
            "dia_chi": "Xóm Bãi, xã Yên Lạc, huyện Phú Lương, tỉnh Thái Nguyên",
            "dien_tich": 152.4,
            "hinh_thuc_su_dung": "Sử dụng riêng",
            "muc_dich_su_dung": [{"ten": "Đất trồng cây lâu năm"}],
            "thoi_han_su_dung": "Đến ngày 15/10/2063",
            "nguon_goc_su_dung": "Nhà nước giao đất không thu tiền sử dụng đất",
        }
    ],
}


def render_lines(
    path: Path,
    lines: list[tuple[str, bool]],
    size: tuple[int, int] = (1754, 2480),
    font_px: int = 36,
    background: tuple[int, int, int] = (252, 240, 240),
    doc_type: DocType = DocType.GCN_2009_2014,
    record: dict | None = None,
    quality: int = 92,
) -> Path:
    """Draw ``lines`` (text, bold) top to bottom and write ``path`` plus its ``.gt.json``."""
    img = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(img)
    regular = ImageFont.truetype(str(FONT), font_px)
    bold = ImageFont.truetype(str(FONT_BOLD), font_px)
    truth_lines = []
    y = int(size[1] * 0.08)
    for text, is_bold in lines:
        font = bold if is_bold else regular
        x = int(size[0] * 0.08)
        if text.startswith(("TM.", "Thái Nguyên,")):
            x = int(size[0] * 0.45)
        draw.text((x, y), text, font=font, fill=(25, 25, 30))
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
        truth_lines.append(TruthLine(text=text, polygon=[(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
        y += int(font_px * 2.1)
    if path.suffix.lower() in (".jpg", ".jpeg"):
        img.save(path, quality=quality)
    else:
        img.save(path)
    truth = GroundTruth(generator_version="tests", seed=0, doc_type=doc_type, page_role="trang_2",
                        record=record or {}, image_size=size, lines=truth_lines)
    save_truth(truth, path)
    return path


def blank_image(path: Path, size: tuple[int, int] = (800, 600), value: int = 255) -> Path:
    Image.fromarray(np.full((size[1], size[0], 3), value, np.uint8)).save(path)
    return path
