"""The land-use name holds the name only: a printed code goes to ``ma`` (issue 12, item 1).

Readings are the shapes OCR gives of the 2024 form's "c. Loại đất: Đất ở tại đô thị (ODT)"
and the 2009 form's "Mục đích sử dụng: Đất ... : 249,0 m²" (bracket lost, letters misread).
"""

from __future__ import annotations

from digitize.fields.landuse import parse_land_uses, split_name_and_code
from digitize.layout.values import NORMALIZERS


def _uses(text: str) -> list[dict[str, object]]:
    norm = NORMALIZERS["land_use"](text)
    assert norm is not None
    return list(norm.value)


def test_code_in_brackets_goes_to_the_code() -> None:
    assert _uses("Đất ở tại đô thị (ODT)") == [{"ten": "Đất ở tại đô thị", "ma": "ODT"}]


def test_garbled_name_restored_when_the_code_confirms_it() -> None:
    [use] = parse_land_uses("Đi ở tại nông thôe (ONT")
    assert (use.ten, use.ma) == ("Đất ở tại nông thôn", "ONT")
    assert use.match is not None and any("official name" in r for r in use.match.reasons)


def test_punctuation_inside_the_name_and_a_digit_in_the_code() -> None:
    [use] = parse_land_uses("Đất trồng cây lâu : :m (CLN)")
    assert (use.ten, use.ma) == ("Đất trồng cây lâu năm", "CLN")
    [use] = parse_land_uses("Đất chuyên trồng lúa (LUC")
    assert use.ma == "LUC"
    coded = split_name_and_code("Đất ở tại đô thị (0DT)")
    assert coded is not None and coded.code == "ODT" and coded.score < 1.0


def test_name_and_code_that_disagree_are_kept_and_doubted() -> None:
    coded = split_name_and_code("Đất trồng lúa (ONT)")
    assert coded is not None
    assert coded.ten == "Đất trồng lúa" and coded.code == "ONT"
    assert coded.score < 0.95  # below the closed-vocabulary evidence: review


def test_area_after_the_name_goes_to_the_area() -> None:
    assert _uses("Đất trồng cây lâu năm: 249,0 m") == [{"ten": "Đất trồng cây lâu năm", "ma": "CLN",
                                                        "dien_tich": 249.0}]
    assert _uses("Đất ở tại nông thôn: 300,0 m°")[0]["dien_tich"] == 300.0


def test_two_uses_with_codes_and_areas() -> None:
    uses = _uses("Đất ở tại đô thị (ODT): 96,2 m²; Đất trồng cây lâu năm (CLN): 100 m²")
    assert [(u["ten"], u["ma"], u["dien_tich"]) for u in uses] == [
        ("Đất ở tại đô thị", "ODT", 96.2), ("Đất trồng cây lâu năm", "CLN", 100.0)]


def test_folk_terms_and_lone_words_are_not_codes() -> None:
    assert split_name_and_code("Đất thổ cư") is None
    assert split_name_and_code("Đất vườn Sơn") is None


def test_a_mark_before_the_name_does_not_stop_its_correction() -> None:
    [use] = _uses("ˆ Đất ỡ gi nông thôn: 310,5 mz")
    assert use["ten"] == "Đất ở tại nông thôn" and use["dien_tich"] == 310.5
