"""Closed-set legal wordings: garbled readings restored to the standard formula, and only those."""

from __future__ import annotations

from digitize.config import Settings
from digitize.fields.wordings import ORIGIN_FORMULAS, leading_term, restore_wordings
from digitize.layout.extract import extract_fields
from digitize.layout.template import template_for
from digitize.layout.values import normalize
from digitize.model import Line, Page, SourceInfo
from digitize.ocr.base import create_backend


def test_a_formula_read_with_wrong_letters_is_restored_and_says_so() -> None:
    got = restore_wordings("Mà mước công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
                           ORIGIN_FORMULAS)
    assert got.text == "Nhà nước công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất"
    assert any("restored to the standard wording" in r for r in got.reasons)
    assert got.score < 1.0


def test_a_combination_of_formulas_is_restored_part_by_part() -> None:
    got = restore_wordings("Nhận chuyên nhượng đất được Nhà nước giao đát có thu tiền sử dụng đất", ORIGIN_FORMULAS)
    assert got.text == "Nhận chuyển nhượng đất được Nhà nước giao đất có thu tiền sử dụng đất"
    assert got.formulas == ["Nhận chuyển nhượng đất được", "Nhà nước giao đất có thu tiền sử dụng đất"]


def test_words_outside_any_formula_are_kept_as_read() -> None:
    got = restore_wordings("Phân chưa quyền sử dụng đất của hộ giá đình ông Lê Văn Tám", ORIGIN_FORMULAS)
    assert got.text == "Phân chia quyền sử dụng đất của hộ gia đình ông Lê Văn Tám"
    free = "Được tặng cho theo hợp đồng số 12/2019"
    assert restore_wordings(free, ORIGIN_FORMULAS).text == free


def test_two_formulas_equally_close_leave_the_reading_alone() -> None:
    # "kh" is as far from "có" as from "không": no guess between the two
    ambiguous = "Nhà nước giao đất kh thu tiền sử dụng đất"
    got = restore_wordings(ambiguous, ORIGIN_FORMULAS)
    assert got.text == ambiguous and not got.reasons


def test_too_garbled_is_not_restored() -> None:
    # more than a fifth of the letters wrong: too far to tell which formula it was
    far = "Nbx nvoc gxao dqt cq thv tlen sv dvng dqt"
    got = restore_wordings(far, ORIGIN_FORMULAS)
    assert got.text == far and not got.formulas


def test_origin_normaliser_restores_and_classifies() -> None:
    got = normalize("origin", "Phân chưa quyền sử dụng đất của hộ giá đình")
    assert got is not None and got.value == "Phân chia quyền sử dụng đất của hộ gia đình"
    assert "origin wording not recognised" not in got.reasons


def test_a_term_drops_what_ran_on_after_it() -> None:
    got = leading_term("Lâu dài đ. Hình thức sử dụng: Sử dụng riêng")
    assert got is not None and got.text == "Lâu dài"
    assert leading_term("Lâu dài") is None
    assert leading_term("Đất ở: Lâu dài; Đất trồng cây lâu năm: đến ngày 15/10/2063") is None
    assert leading_term("Lâu dài; Đất trồng cây lâu năm: đến ngày 15/10/2063") is None  # a list of terms
    dated = leading_term("Đến ngày 15/10/2063 Nguồn gốc")
    assert dated is not None and dated.text == "Đến ngày 15/10/2063"
    term = normalize("use_term", "Lầu dài\nĐất trồng cây lâu năm: 1041,9 m²")
    assert term is not None and term.value == "Lâu dài"


def test_origin_restored_on_a_page() -> None:
    template = template_for("gcn_2009_2014")
    assert template is not None
    text = "g) Nguồn gốc sử dụng: Mà mước công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất"
    line = Line(text=text, confidence=0.9, polygon=[(100, 100), (1500, 100), (1500, 130), (100, 130)],
                char_confidences=[0.9] * len(text))
    page = Page(source=SourceInfo(path="mem.png", width=2000, height=3000), lines=[line])
    fields = {f.path: f for f in extract_fields(page, template, create_backend("fake", Settings()), Settings())}
    origin = fields["thua_dat[0].nguon_goc_su_dung"]
    assert origin.value == "Nhà nước công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất"
    assert any("standard wording" in r for r in origin.reasons)
