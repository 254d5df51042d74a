"""Land-type codes and names: the vocabulary :mod:`digitize.fields.landuse` recognises (data only).

Codes and names: Land Law 2024 art. 9, Decree 102/2024 and the land-type list of Circular
08/2024/TT-BTNMT as used by the national land information system; older codes from
Circulars 08/2007, 28/2014 and 27/2018.  See docs/fields.md for what is unverified.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LandType:
    """One land-type code: ``current`` when it is a code of Circular 08/2024."""

    code: str
    name: str
    group: str
    current: bool = True
    is_group: bool = False


def _lt(code: str, name: str, group: str, current: bool = True, is_group: bool = False) -> LandType:
    return LandType(code, name, group, current, is_group)


# Current (Circular 08/2024) codes.  Groups (NNP, OTC, ...) are statistical headings that
# a folk term can only be resolved to.
LAND_TYPES: dict[str, LandType] = {t.code: t for t in (
    _lt("NNP", "Nhóm đất nông nghiệp", "NNP", is_group=True),
    _lt("CHN", "Đất trồng cây hằng năm", "NNP", is_group=True),
    _lt("LUA", "Đất trồng lúa", "NNP", is_group=True),
    _lt("LUC", "Đất chuyên trồng lúa", "NNP"),
    _lt("LUK", "Đất trồng lúa còn lại", "NNP"),
    _lt("HNK", "Đất trồng cây hằng năm khác", "NNP"),
    _lt("CLN", "Đất trồng cây lâu năm", "NNP"),
    _lt("LNP", "Đất lâm nghiệp", "NNP", is_group=True),
    _lt("RDD", "Đất rừng đặc dụng", "NNP"),
    _lt("RPH", "Đất rừng phòng hộ", "NNP"),
    _lt("RSX", "Đất rừng sản xuất", "NNP"),
    _lt("NTS", "Đất nuôi trồng thủy sản", "NNP"),
    _lt("CNT", "Đất chăn nuôi tập trung", "NNP"),
    _lt("LMU", "Đất làm muối", "NNP"),
    _lt("NKH", "Đất nông nghiệp khác", "NNP"),
    _lt("PNN", "Nhóm đất phi nông nghiệp", "PNN", is_group=True),
    _lt("OTC", "Đất ở", "PNN", is_group=True),
    _lt("ONT", "Đất ở tại nông thôn", "PNN"),
    _lt("ODT", "Đất ở tại đô thị", "PNN"),
    _lt("TSC", "Đất xây dựng trụ sở cơ quan", "PNN"),
    _lt("CQP", "Đất quốc phòng", "PNN"),
    _lt("CAN", "Đất an ninh", "PNN"),
    _lt("DSN", "Đất xây dựng công trình sự nghiệp", "PNN", is_group=True),
    _lt("DVH", "Đất xây dựng cơ sở văn hóa", "PNN"),
    _lt("DXH", "Đất xây dựng cơ sở xã hội", "PNN"),
    _lt("DYT", "Đất xây dựng cơ sở y tế", "PNN"),
    _lt("DGD", "Đất xây dựng cơ sở giáo dục và đào tạo", "PNN"),
    _lt("DTT", "Đất xây dựng cơ sở thể dục, thể thao", "PNN"),
    _lt("DKH", "Đất xây dựng cơ sở khoa học và công nghệ", "PNN"),
    _lt("DMT", "Đất xây dựng cơ sở môi trường", "PNN"),
    _lt("DKT", "Đất xây dựng cơ sở khí tượng thủy văn", "PNN"),
    _lt("DNG", "Đất xây dựng cơ sở ngoại giao", "PNN"),
    _lt("DSK", "Đất xây dựng công trình sự nghiệp khác", "PNN"),
    _lt("CSK", "Đất sản xuất, kinh doanh phi nông nghiệp", "PNN", is_group=True),
    _lt("SKK", "Đất khu công nghiệp", "PNN"),
    _lt("SKN", "Đất cụm công nghiệp", "PNN"),
    _lt("TMD", "Đất thương mại, dịch vụ", "PNN"),
    _lt("SKC", "Đất cơ sở sản xuất phi nông nghiệp", "PNN"),
    _lt("SKS", "Đất sử dụng cho hoạt động khoáng sản", "PNN"),
    _lt("CCC", "Đất sử dụng vào mục đích công cộng", "PNN", is_group=True),
    _lt("DGT", "Đất công trình giao thông", "PNN"),
    _lt("DTL", "Đất công trình thủy lợi", "PNN"),
    _lt("DCT", "Đất công trình cấp nước, thoát nước", "PNN"),
    _lt("DPC", "Đất công trình phòng, chống thiên tai", "PNN"),
    _lt("DDD", "Đất có di tích lịch sử - văn hóa, danh lam thắng cảnh, di sản thiên nhiên", "PNN"),
    _lt("DRA", "Đất công trình xử lý chất thải", "PNN"),
    _lt("DNL", "Đất công trình năng lượng, chiếu sáng công cộng", "PNN"),
    _lt("DBV", "Đất công trình hạ tầng bưu chính, viễn thông, công nghệ thông tin", "PNN"),
    _lt("DCH", "Đất chợ dân sinh, chợ đầu mối", "PNN"),
    _lt("DKV", "Đất khu vui chơi, giải trí công cộng, sinh hoạt cộng đồng", "PNN"),
    _lt("DCK", "Đất công trình công cộng khác", "PNN"),
    _lt("TON", "Đất tôn giáo", "PNN"),
    _lt("TIN", "Đất tín ngưỡng", "PNN"),
    _lt("NTD", "Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng; đất cơ sở lưu giữ tro cốt", "PNN"),
    _lt("SON", "Đất có mặt nước dạng sông, ngòi, kênh, rạch, suối", "PNN"),
    _lt("MNC", "Đất có mặt nước chuyên dùng dạng ao, hồ, đầm, phá", "PNN"),
    _lt("PNK", "Đất phi nông nghiệp khác", "PNN"),
    _lt("CSD", "Nhóm đất chưa sử dụng", "CSD", is_group=True),
    _lt("BCS", "Đất bằng chưa sử dụng", "CSD"),
    _lt("DCS", "Đất đồi núi chưa sử dụng", "CSD"),
    _lt("NCS", "Núi đá không có rừng cây", "CSD"),
    _lt("MCS", "Đất có mặt nước chưa sử dụng", "CSD"),
)}

# Older codes -> (name as the old circulars printed it, current code or None, uncertain?).
LEGACY_CODES: dict[str, tuple[str, str | None, bool]] = {
    "LUN": ("Đất trồng lúa nương", "LUK", True),
    "BHK": ("Đất bằng trồng cây hằng năm khác", "HNK", False),
    "NHK": ("Đất nương rẫy trồng cây hằng năm khác", "HNK", False),
    "COC": ("Đất cỏ dùng vào chăn nuôi", "HNK", True),
    "LNC": ("Đất trồng cây công nghiệp lâu năm", "CLN", False),
    "LNQ": ("Đất trồng cây ăn quả lâu năm", "CLN", False),
    "LNK": ("Đất trồng cây lâu năm khác", "CLN", False),
    "RSN": ("Đất có rừng tự nhiên sản xuất", "RSX", False),
    "RST": ("Đất có rừng trồng sản xuất", "RSX", False),
    "RSK": ("Đất khoanh nuôi phục hồi rừng sản xuất", "RSX", False),
    "RSM": ("Đất trồng rừng sản xuất", "RSX", False),
    "RPN": ("Đất có rừng tự nhiên phòng hộ", "RPH", False),
    "RPT": ("Đất có rừng trồng phòng hộ", "RPH", False),
    "RPK": ("Đất khoanh nuôi phục hồi rừng phòng hộ", "RPH", False),
    "RPM": ("Đất trồng rừng phòng hộ", "RPH", False),
    "RDN": ("Đất có rừng tự nhiên đặc dụng", "RDD", False),
    "RDT": ("Đất có rừng trồng đặc dụng", "RDD", False),
    "RDK": ("Đất khoanh nuôi phục hồi rừng đặc dụng", "RDD", False),
    "RDM": ("Đất trồng rừng đặc dụng", "RDD", False),
    "TSL": ("Đất nuôi trồng thủy sản nước lợ, mặn", "NTS", False),
    "TSN": ("Đất nuôi trồng thủy sản nước ngọt", "NTS", False),
    "DTS": ("Đất xây dựng trụ sở của tổ chức sự nghiệp", "DSK", True),
    "SKT": ("Đất khu chế xuất", "SKK", True),
    "SKX": ("Đất sản xuất vật liệu xây dựng, làm đồ gốm", "SKC", True),
    "DDT": ("Đất có di tích lịch sử - văn hóa", "DDD", False),
    "DDL": ("Đất danh lam thắng cảnh", "DDD", False),
    "DSH": ("Đất sinh hoạt cộng đồng", "DKV", False),
    "CDG": ("Đất chuyên dùng", None, True),
    "CTS": ("Đất trụ sở cơ quan, công trình sự nghiệp", None, True),
    "TTN": ("Đất tôn giáo, tín ngưỡng", None, True),
    "SMN": ("Đất sông suối và mặt nước chuyên dùng", None, True),
    "MVB": ("Đất có mặt nước ven biển", None, True),
    "MVT": ("Đất mặt nước ven biển nuôi trồng thủy sản", "NTS", True),
    "MVR": ("Đất mặt nước ven biển có rừng ngập mặn", None, True),
    "MVK": ("Đất mặt nước ven biển có mục đích khác", None, True),
}

# Names printed on older certificates for current codes (spellings differ: 'hàng năm').
OLD_NAMES: dict[str, tuple[str, ...]] = {
    "LUC": ("Đất chuyên trồng lúa nước", "Đất trồng lúa nước 2 vụ", "Đất 2 lúa", "Đất hai lúa", "Đất lúa 2 vụ"),
    "LUK": ("Đất trồng lúa nước còn lại", "Đất 1 lúa", "Đất một lúa", "Đất lúa 1 vụ"),
    "LUA": ("Đất lúa", "Đất ruộng", "Đất ruộng lúa", "Đất trồng lúa nước"),
    "HNK": ("Đất trồng cây hàng năm khác", "Đất màu", "Đất trồng màu", "Đất trồng cây hàng năm còn lại"),
    "CHN": ("Đất trồng cây hàng năm",),
    "CLN": ("Đất trồng cây lâu năm khác", "Đất cây lâu năm"),
    "NTS": ("Đất nuôi trồng thuỷ sản", "Đất mặt nước nuôi trồng thủy sản"),
    "OTC": ("Đất thổ cư", "Thổ cư", "Đất T", "Đất ở đô thị nông thôn"),
    "ONT": ("Đất ở nông thôn", "Đất ở tại nông thôn (ONT)"),
    "ODT": ("Đất ở đô thị",),
    "DVH": ("Đất xây dựng cơ sở văn hoá",),
    "DXH": ("Đất xây dựng cơ sở dịch vụ xã hội",),
    "DTT": ("Đất xây dựng cơ sở thể dục thể thao",),
    "DGT": ("Đất giao thông",),
    "DTL": ("Đất thủy lợi", "Đất thuỷ lợi"),
    "DRA": ("Đất bãi thải, xử lý chất thải",),
    "DNL": ("Đất công trình năng lượng",),
    "DBV": ("Đất công trình bưu chính, viễn thông",),
    "DCH": ("Đất chợ",),
    "DKV": ("Đất khu vui chơi, giải trí công cộng",),
    "TON": ("Đất cơ sở tôn giáo",),
    "TIN": ("Đất cơ sở tín ngưỡng",),
    "NTD": ("Đất nghĩa trang, nghĩa địa, nhà tang lễ, nhà hỏa táng", "Đất nghĩa trang, nghĩa địa",
            "Đất nghĩa địa"),
    "SON": ("Đất sông, ngòi, kênh, rạch, suối",),
    "MNC": ("Đất có mặt nước chuyên dùng",),
    "NCS": ("Đất núi đá không có rừng cây",),
    "CSD": ("Đất chưa sử dụng",),
    "NNP": ("Đất nông nghiệp",),
    "PNN": ("Đất phi nông nghiệp",),
    "LNP": ("Đất rừng",),
}

# Folk terms whose code the circulars do not give: (term, code, score, reason).
FOLK_TERMS: tuple[tuple[str, str, float, str], ...] = (
    ("Đất vườn", "CLN", 0.6, "folk term 'đất vườn' (garden): usually trồng cây lâu năm, may be HNK"),
    ("Đất vườn tạp", "CLN", 0.6, "folk term 'đất vườn tạp' (mixed garden): usually CLN, may be HNK"),
    ("Vườn", "CLN", 0.55, "folk term 'vườn' (garden): usually CLN, may be HNK"),
    ("Đất ao", "NTS", 0.6, "folk term 'đất ao' (pond): NTS when farmed, MNC otherwise"),
    ("Ao", "NTS", 0.55, "folk term 'ao' (pond): NTS when farmed, MNC otherwise"),
    ("Đất rẫy", "HNK", 0.6, "folk term 'đất rẫy' (upland field): former NHK, now HNK"),
    ("Đất nương rẫy", "HNK", 0.65, "folk term 'nương rẫy': former NHK, now HNK"),
)
