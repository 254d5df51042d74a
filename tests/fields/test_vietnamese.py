import pytest

from digitize.fields.vietnamese import (
    Vocabulary,
    correct_authority,
    correct_name,
    correct_to_vocabulary,
    is_valid_syllable,
    marks_compatible,
    tone_key,
    vietnamese_ratio,
)


@pytest.mark.parametrize(
    "w",
    ["nguyễn", "NGUYỄN", "hòa", "hoà", "thủy", "thuỷ", "gì", "gìn", "giếng", "quốc", "khuya", "thuở", "xoong",
     "nghiêng", "trường", "ĐẤT", "ĐÁT", "Quảng", "yêu", "uyên", "ưu", "ạ", "kìa"],
)
def test_valid_syllables(w):
    assert is_valid_syllable(w)


@pytest.mark.parametrize("w", ["ngueyn", "bàt", "ci", "ge", "abc", "x", "kan", "ngi", "hoàá", "", "đấtt", "qa"])
def test_invalid_syllables(w):
    assert not is_valid_syllable(w)


def test_tone_key_ignores_placement():
    assert tone_key("Hoà Bình") == tone_key("hòa bình")
    assert tone_key("Thuỷ") == tone_key("thủy")
    assert tone_key("hoa") != tone_key("hòa")


def test_marks_compatible():
    assert marks_compatible("ĐÁT", "ĐẤT")  # circumflex dropped, tone kept
    assert marks_compatible("PHÓ", "PHỐ")
    assert marks_compatible("Nguyen", "Nguyễn")
    assert marks_compatible("Nguyên", "Nguyễn")  # circumflex kept, tilde dropped
    assert not marks_compatible("ngảy", "ngày")  # hook is not grave
    assert not marks_compatible("abc", "abcd")


LAND = Vocabulary.build(["Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng cây lâu năm"])


def test_correct_exact_and_case():
    c = correct_to_vocabulary("Đất ở tại nông thôn", LAND)
    assert (c.value, c.changed, c.score) == ("Đất ở tại nông thôn", False, 1.0)
    c = correct_to_vocabulary("ĐÁT Ở TẠI NÔNG THÔN", LAND)
    assert c.value == "ĐẤT Ở TẠI NÔNG THÔN" and c.changed and c.reasons


def test_correct_missing_marks_and_letters():
    c = correct_to_vocabulary("Dat o tai do thi", LAND)
    assert c.value == "Đất ở tại đô thị" and c.changed and c.score >= 0.85
    c = correct_to_vocabulary("Đất trồng cây lâu nam", LAND)
    assert c.value == "Đất trồng cây lâu năm"
    c = correct_to_vocabulary("Dat trong cay lau nan", LAND)  # one letter wrong
    assert c.value == "Đất trồng cây lâu năm" and c.score < 0.9


def test_correct_refuses_weak_evidence():
    c = correct_to_vocabulary("Đất rừng sản xuất", LAND)
    assert not c.changed and c.value == "Đất rừng sản xuất"
    c = correct_to_vocabulary("ab", ["ab c", "ab d"])
    assert not c.changed
    amb = Vocabulary.build(["Văn", "Vân"])
    c = correct_to_vocabulary("Van", amb)
    assert not c.changed and "ambiguous" in c.reasons[0]


def test_tone_placement_variant():
    c = correct_to_vocabulary("Hoà Bình", ["Hòa Bình"])
    assert c.value == "Hòa Bình" and c.changed and c.score > 0.95


def test_names():
    c = correct_name("NGUYEN VAN AN")
    assert c.value.startswith("NGUYỄN ")
    assert "VAN" in c.value.split()  # Văn or Vân: never guessed
    assert any("ambiguous" in r for r in c.reasons)
    assert "NGUYEN" not in " ".join(c.reasons)  # reasons never quote the name
    c = correct_name("Trần Thị Hương")
    assert c.value == "Trần Thị Hương" and not c.changed
    c = correct_name("Nguyen Thi Hai")
    assert c.value == "Nguyễn Thị Hai"  # Hai and Hải are both names: left as read
    assert any("may have lost" in r for r in c.reasons)
    assert correct_name("").value == ""


def test_authority():
    c = correct_authority("TM. UY BAN NHAN DAN HUYÊN HOÀNH BỒ")
    assert c.value == "TM. ỦY BAN NHÂN DÂN HUYỆN HOÀNH BỒ" and c.changed
    assert correct_authority("SO TAI NGUYEN VA MOI TRUONG").value == "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
    assert correct_authority("KT. GIÁM ĐÓC").value == "KT. GIÁM ĐỐC"
    c = correct_authority("ỦY BAN NHÂN DÂN THỊ XÃ QUẢNG YÊN")
    assert not c.changed and c.score == 1.0
    assert not correct_authority("Hello world").changed


def test_vietnamese_ratio():
    assert vietnamese_ratio("Đất ở tại nông thôn") == 1.0
    assert vietnamese_ratio("qwx zzz") == 0.0
    assert vietnamese_ratio("123") is None


def test_a_surname_that_is_no_syllable_goes_to_the_one_surname_a_letter_away_for_review() -> None:
    fixed = correct_name("WGUYỆN VĂN ĐỨC TRUNG")
    assert fixed.value == "NGUYỄN VĂN ĐỨC TRUNG" and fixed.changed and fixed.score <= 0.6
    assert correct_name("XYZQ VĂN AN").value == "XYZQ VĂN AN"  # nothing near: left as read


def test_authority_unit_word_and_garbled_committee_name() -> None:
    # Right after the head only a unit word can stand: its letters alone tell it.
    office = correct_authority("VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI TĨNH ĐẮK NÔNG")
    assert office.value == "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI TỈNH ĐẮK NÔNG"
    assert correct_authority("ỦY BAN NHÂN DÂN THI XA QUẢNG YÊN").value == "ỦY BAN NHÂN DÂN THỊ XÃ QUẢNG YÊN"
    # "ỦY BAN <garbled> DÂN" before a unit word is the people's committee, at a review-level score.
    fixed = correct_authority("ỦY BẠN NHÄNĐÂN HUYỆN SÔNG HINH")
    assert fixed.value == "ỦY BAN NHÂN DÂN HUYỆN SÔNG HINH" and fixed.score <= 0.6
    # Without a unit word after it, nothing is assumed.
    assert correct_authority("ỦY BAN ABC DEF").value == "ỦY BAN ABC DEF"


def test_authority_without_the_seal_marks_before_its_unit_word() -> None:
    fixed = correct_authority("VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI -/- TỈNH THÁI BÌNH")
    assert fixed.value == "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI TỈNH THÁI BÌNH" and fixed.score <= 0.9
    quoted = correct_authority("VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI “TÌNH BẮC GIANG")
    assert quoted.value == "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI TỈNH BẮC GIANG"
