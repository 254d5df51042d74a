"""Word lists for Vietnamese-aware correction (data only, no logic).

Compiled by hand for this project from common knowledge of Vietnamese names and of the
fixed phrases printed on certificates (see docs/fields.md).  The name lists are not
exhaustive on purpose: a syllable that is not listed is left as read, and a folded
syllable with several listed spellings (Văn / Vân) is never guessed.
"""

from __future__ import annotations

SURNAMES: tuple[str, ...] = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Đoàn", "Lâm", "Mai", "Trương", "Trịnh", "Đào", "Cao", "Lương", "Hà", "Tạ", "Tô",
    "Lưu", "Chu", "Châu", "Quách", "Thái", "Kiều", "Vương", "Triệu", "Lại", "Nghiêm", "Phùng", "Khúc", "Kim",
    "Doãn", "Tăng", "Mạc", "Hứa", "Âu", "La", "Giang", "Từ", "Thân", "Tống", "Hàn", "Ninh", "Khổng", "Lục",
    "Nông", "Lò", "Lường", "Quan", "Sầm", "Tiêu", "Ông", "Nhữ", "Bạch", "Diệp", "Đàm", "Đồng", "Hầu", "Khương",
    "Lã", "Mẫn", "Ngụy", "Phí", "Phó", "Thạch", "Tôn", "Trình", "Ung", "Vi", "Cù", "Cung", "Đậu", "Giáp",
    "Hán", "Khuất", "Kha", "Mã", "Nhâm", "Ôn", "Thiều", "Tiết", "Đường", "Cầm", "Quàng", "Vì", "Mùa", "Giàng",
    "Vàng", "Thào", "Sùng", "Lầu", "Chảo", "Bàn", "Ma", "Lộc", "Danh", "Sơn", "Văn", "Bế", "Hoa", "Trà",
    "Lữ", "Mạnh", "Phương", "Văng", "Vừ", "Hờ", "Tòng", "Mông", "Lan", "Yên", "Âu Dương",
)

MIDDLE_NAMES: tuple[str, ...] = (
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Quang", "Xuân", "Thanh", "Hồng", "Kim", "Công", "Đình", "Bá",
    "Trọng", "Quốc", "Duy", "Mạnh", "Tiến", "Gia", "Hoàng", "Vân", "Thu", "Thúy", "Bích", "Phương", "Anh",
    "Tuấn", "Hải", "Hoài", "Thành", "Trung", "Viết", "Khắc", "Như", "Diệu", "Mỹ", "Phúc", "Thế", "Tất", "Sỹ",
    "Sĩ", "Huy", "Nhật", "Bảo", "Khánh", "Tấn", "Thái", "Thùy", "Cẩm", "Tuyết", "Hương", "Lệ", "Kiều", "Quỳnh",
    "Hà", "Lan", "Mai", "Nguyên", "Hiền", "Hạnh", "Tường", "An", "Đăng", "Chí", "Phước", "Mộng", "Yến", "Ánh",
    "Uyên", "Nhã", "Thiên", "Tú", "Trường", "Quý", "Hòa", "Hưng", "Long", "Sơn", "Vĩnh", "Việt", "Đắc", "Hồ",
    "Tiểu", "Thiện", "Trí", "Nam", "Hùng", "Thúc", "Xuân", "Lương", "Vũ", "Phú", "Ngân", "Diễm", "Hoa",
)

GIVEN_NAMES: tuple[str, ...] = (
    "An", "Anh", "Ánh", "Bảo", "Bích", "Bình", "Cường", "Chi", "Châu", "Chính", "Chung", "Công", "Cúc", "Dũng",
    "Dung", "Duy", "Duyên", "Dương", "Đạt", "Đào", "Điệp", "Định", "Đông", "Đức", "Giang", "Hà", "Hải", "Hạnh",
    "Hằng", "Hân", "Hậu", "Hiền", "Hiếu", "Hiệp", "Hiển", "Hòa", "Hoa", "Hoài", "Hoàn", "Hoàng", "Hồng",
    "Huệ", "Hùng", "Hưng", "Hương", "Hường", "Huy", "Huyền", "Khang", "Khánh", "Khoa", "Khôi", "Kiên", "Kiệt",
    "Lam", "Lan", "Lâm", "Liên", "Liễu", "Linh", "Loan", "Long", "Lộc", "Lợi", "Luân", "Lực", "Lương", "Ly",
    "Lý", "Mai", "Mạnh", "Minh", "My", "Mỹ", "Nam", "Nga", "Ngân", "Nghĩa", "Ngọc", "Nguyên", "Nhân", "Nhi",
    "Nhung", "Như", "Oanh", "Phát", "Phong", "Phú", "Phúc", "Phụng", "Phương", "Phượng", "Quân", "Quang",
    "Quế", "Quý", "Quyên", "Quyết", "Quỳnh", "Sang", "Sơn", "Tài", "Tâm", "Tân", "Thái", "Thanh", "Thành",
    "Thảo", "Thắng", "Thịnh", "Thoa", "Thông", "Thu", "Thủy", "Thúy", "Thư", "Thương", "Tiến", "Tín", "Toàn",
    "Trang", "Trâm", "Trí", "Trinh", "Trung", "Trúc", "Tú", "Tuấn", "Tùng", "Tuyết", "Uyên", "Vân", "Văn",
    "Vi", "Việt", "Vinh", "Vĩnh", "Vũ", "Vy", "Xuân", "Yến", "Hạ", "Lệ", "Nhàn", "Sương", "Tươi", "Thơm",
    "Thắm", "Lụa", "Mơ", "Mận", "Lài", "Sen", "Thêu", "Hợi", "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ",
    "Mùi", "Thân", "Dậu", "Tuất", "Hai", "Ba", "Tư", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười",
    "Út", "Tâm", "Thiện", "Thuận", "Thực", "Toản", "Tuân", "Tuyên", "Vượng", "Đoàn", "Hiên", "Hoan", "Hội",
    "Khải", "Khoan", "Kỳ", "Lành", "Lập", "Liêm", "Luyến", "Mến", "Nhất", "Ninh", "Phấn", "Quyền", "Sinh",
    "Tạo", "Thạch", "Thiêm", "Thìn", "Tình", "Trọng", "Tuệ", "Ước", "Vịnh", "Xuyến", "Chiến", "Cương",
    "Doanh", "Giáp", "Hạp", "Hòe", "Kha", "Lai", "Len", "Mừng", "Nguyệt", "Phận", "Quỳ", "Sâm", "Tảo",
    "Thể", "Tới", "Vui", "Yên", "Biên", "Cần", "Chuyên", "Dự", "Điền", "Hạt", "Hiến", "Khiêm", "Kính",
    "Lĩnh", "Lũy", "Mịch", "Nhạn", "Oai", "Phụ", "Sáng", "Thao", "Thiết", "Tịnh", "Uy", "Vĩ", "Vương",
    "Bằng", "Bắc", "Cảnh", "Chương", "Đại", "Đạo", "Độ", "Hào", "Hảo", "Hoạt", "Hựu", "Khương", "Lạc",
    "Nhuận", "Pháp", "Quảng", "Sỹ", "Tạc", "Thọ", "Thụy", "Tiệp", "Trãi", "Trường", "Tường", "Viên", "Vượng",
)

# Fixed phrases of the authority / signature block of a certificate (upper case as printed).
AUTHORITY_PHRASES: tuple[str, ...] = (
    "ỦY BAN NHÂN DÂN",
    "TM. ỦY BAN NHÂN DÂN",
    "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI",
    "CHI NHÁNH VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI",
    "VĂN PHÒNG ĐĂNG KÝ QUYỀN SỬ DỤNG ĐẤT",
    "KT. GIÁM ĐỐC",
    "KT. CHỦ TỊCH",
    "TL. GIÁM ĐỐC",
    "TUQ. GIÁM ĐỐC",
    "Q. GIÁM ĐỐC",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY CHỨNG NHẬN",
    "QUYỀN SỬ DỤNG ĐẤT",
    "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
    "QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
)

# Unit words that follow "ỦY BAN NHÂN DÂN" in an authority line.
UNIT_WORDS: tuple[str, ...] = ("HUYỆN", "QUẬN", "THỊ XÃ", "THÀNH PHỐ", "TỈNH", "XÃ", "PHƯỜNG", "THỊ TRẤN", "ĐẶC KHU")
