"""Property tests: every normaliser, parser and validator survives hostile text.

Random text, random bytes decoded with errors='replace', 10,000-character lines and mixed
scripts (CJK, Cyrillic, emoji, combining marks) never raise, return the declared type,
and normalised values normalise to themselves.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digitize.fields import (
    address_parse,
    admin,
    idnumbers,
    landuse,
    mrz,
    normalize,
    qr,
    unit_names,
    validate,
    vietnamese,
)
from digitize.fields import text as text_module
from digitize.fields.result import Check, Correction

VIET = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
OTHER_SCRIPTS = "漢字日本語кириллица😀🏠\u0300\u0301\u0303\u0309\u0323\u200b\ufffd\u00a0"
MIXED = VIET + VIET.upper() + OTHER_SCRIPTS + string.printable

random_bytes_text = st.binary(max_size=400).map(lambda b: b.decode("utf-8", errors="replace"))
mixed_text = st.text(alphabet=MIXED, max_size=200)
any_text = st.one_of(st.text(max_size=200), random_bytes_text, mixed_text)
long_line = st.builds(lambda s, n: (s or "x") * n, st.text(alphabet=MIXED, min_size=1, max_size=10),
                      st.just(10_000))
hostile = st.one_of(any_text, long_line.map(lambda s: s[:10_000]))
# Text that looks like the fields (so properties are not only exercised on noise).
field_like = st.one_of(
    st.from_regex(r"ng[aàả]y \d{1,2} th[aá]ng \d{1,2} n[aă]m (19|20)\d\d", fullmatch=True),
    st.from_regex(r"[A-Z]{2} ?\d{6}", fullmatch=True),
    st.from_regex(r"[A-Z]{2} \d{8}", fullmatch=True),
    st.from_regex(r"(CH|CS|CT|CN|VP|BC) ?\d{3,6}", fullmatch=True),
    st.from_regex(r"\d{1,4},\d m[²2]", fullmatch=True),
    st.from_regex(r"\d{12}", fullmatch=True),
)
inputs = st.one_of(hostile, field_like)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

STR_OR_NONE: list[Callable[[str], Any]] = [
    normalize.normalize_date,
    normalize.normalize_year,
    normalize.normalize_serial,
    normalize.normalize_registry_number,
    normalize.normalize_number_string,
    normalize.normalize_digits,
    idnumbers.normalize_id_number,
    idnumbers.normalize_sex,
]


@pytest.mark.parametrize("fn", STR_OR_NONE, ids=lambda f: f.__name__)
@SETTINGS
@given(text=inputs)
def test_str_normalisers_total_and_idempotent(fn, text):
    out = fn(text)
    assert out is None or isinstance(out, str)
    if out is not None:
        assert fn(out) == out


@SETTINGS
@given(text=inputs)
def test_text_helpers(text):
    for fn in (normalize.clean_text, normalize.fix_digit_confusions):
        out = fn(text)
        assert isinstance(out, str)
    for kwargs in ({}, {"keep_case": True}, {"keep_length": True}):
        assert isinstance(text_module.fold(text, **kwargs), str)
    assert len(text_module.fold(text, keep_length=True)) == len(text)
    c = normalize.clean_text(text)
    assert normalize.clean_text(c) == c
    f = text_module.fold(text)
    assert (text_module.fold(f) == f and f.isascii()) or not f.isascii()
    assert isinstance(normalize.is_empty_marker(text), bool)


@SETTINGS
@given(text=inputs)
def test_area_total(text):
    v = normalize.normalize_area(text)
    assert v is None or (isinstance(v, float) and v >= 0)
    p = normalize.parse_decimal(text)
    assert p is None or isinstance(p, float)


@SETTINGS
@given(v=st.decimals(min_value=0, max_value=10**7, places=1, allow_nan=False))
def test_area_round_trip(v):
    printed = f"{v:,.1f}".replace(",", " ").replace(".", ",") + " m²"  # '1 041,9 m²'
    assert normalize.normalize_area(printed) == pytest.approx(float(v))
    dotted = f"{v:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")  # '1.041,9'
    assert normalize.normalize_area(dotted) == pytest.approx(float(v))


@SETTINGS
@given(d=st.dates())
def test_date_round_trip(d):
    iso = d.isoformat()
    expected = iso if 1900 <= d.year <= 2100 else None
    assert normalize.normalize_date(f"ngày {d.day} tháng {d.month} năm {d.year:04d}") == expected
    assert normalize.normalize_date(f"{d.day:02d}/{d.month:02d}/{d.year:04d}") == expected


@SETTINGS
@given(text=inputs)
def test_vietnamese_total(text):
    assert isinstance(vietnamese.is_valid_syllable(text), bool)
    r = vietnamese.vietnamese_ratio(text)
    assert r is None or 0.0 <= r <= 1.0
    assert isinstance(vietnamese.tone_key(text), str)
    for c in (vietnamese.correct_name(text), vietnamese.correct_authority(text),
              vietnamese.correct_to_vocabulary(text, vietnamese.AUTHORITY_PHRASES)):
        assert isinstance(c, Correction) and isinstance(c.value, str) and 0.0 <= c.score <= 1.0


@SETTINGS
@given(text=inputs)
def test_corrections_are_stable(text):
    c = vietnamese.correct_to_vocabulary(text, vietnamese.AUTHORITY_PHRASES)
    again = vietnamese.correct_to_vocabulary(c.value, vietnamese.AUTHORITY_PHRASES)
    assert again.value == c.value
    n = vietnamese.correct_name(text)
    assert vietnamese.correct_name(n.value).value == n.value


@SETTINGS
@given(text=inputs)
def test_landuse_total(text):
    m = landuse.land_use_code(text)
    assert m is None or (isinstance(m, landuse.LandUseMatch) and 0 <= m.score <= 1)
    if m is not None and not m.is_group and m.printed_code is None:
        # The canonical name maps back to its own code.
        again = landuse.land_use_code(m.name)
        assert again is not None and again.code == m.code
    uses = landuse.parse_land_uses(text)
    assert isinstance(uses, list) and all(isinstance(u, landuse.LandUse) for u in uses)
    for fn in (landuse.parse_use_form, landuse.parse_use_term, landuse.classify_origin):
        fn(text)
    assert landuse.urban_from_address(text) in (True, False, None)


@SETTINGS
@given(text=inputs)
def test_admin_total(text):
    r = admin.convert_address(text)
    assert isinstance(r, admin.AddressResult)
    assert r.two_level is None or isinstance(r.two_level, str)
    p = address_parse.parse_address(text)
    assert isinstance(p, address_parse.ParsedAddress)
    for level in ("province", "district", "ward"):
        assert isinstance(unit_names.correct_unit_name(text, level), Correction)


@SETTINGS
@given(text=inputs)
def test_admin_two_level_is_stable(text):
    r = admin.convert_address(text)
    if r.two_level:
        again = admin.convert_address(r.two_level)
        assert again.two_level == r.two_level


@SETTINGS
@given(text=inputs)
def test_ids_mrz_qr_total(text):
    assert idnumbers.id_kind(text) in (None, "CCCD", "CMND")
    for fn in (idnumbers.parse_cccd, idnumbers.parse_cmnd):
        info = fn(text)
        assert info is None or isinstance(info, idnumbers.IdNumberInfo)
    assert isinstance(idnumbers.check_cccd(text, birth_year=text, sex=text, birth_province=text), Check)
    m = mrz.parse_mrz(text)
    assert m is None or isinstance(m, mrz.MrzResult)
    assert isinstance(mrz.mrz_name(text), str)
    q = qr.parse_cccd_qr(text)
    assert q is None or isinstance(q, dict)
    assert isinstance(qr.parse_gcn_qr(text), dict)


@SETTINGS
@given(lines=st.lists(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<K«", min_size=25, max_size=33),
                      min_size=3, max_size=3))
def test_mrz_like_noise(lines):
    m = mrz.parse_mrz("\n".join(lines))
    if m is not None:
        assert all(len(ln) == 30 for ln in m.lines)
        assert isinstance(mrz.compare_mrz(m, id_number="1", birth_date="x", sex="Nam", name="A"), Check)


@SETTINGS
@given(a=inputs, b=inputs)
def test_validators_total(a, b):
    for c in (validate.check_issue_date(a), validate.check_birth_date(a, issue_date=b), validate.check_expiry(a, b),
              validate.check_area_sum(a, [b, a]), validate.check_serial_generation(a, "gcn_2024"),
              validate.check_serial_generation(a, "gcn_2009_2014"), validate.check_registry_number(a),
              validate.check_cmnd(a), validate.check_cccd(a, birth_year=b)):
        assert isinstance(c, Check) and c.ok in (True, False, None) and all(isinstance(r, str) for r in c.reasons)


@settings(max_examples=15, deadline=None)
@given(h=st.integers(1, 60), w=st.integers(1, 60), seed=st.integers(0, 2**16))
def test_decode_qr_on_noise(h, w, seed):
    import numpy as np

    img = np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8)
    assert qr.decode_qr(img) == []
