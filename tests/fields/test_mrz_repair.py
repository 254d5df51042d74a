"""MRZ repair: alignment, name row, check-digit search."""

from __future__ import annotations

from digitize.fields.mrz import check_digit, parse_mrz
from digitize.fields.mrz_repair import NO_EXPIRY, read_mrz

# A man born 15/03/1985, registered in Hà Nội (001): 001 0 85 012345.
ID_MAN = "001085012345"
MRZ_MAN = ("IDVNM0850123452001085012345<<3", "8503150M4503152VNM<<<<<<<<<<<0", "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<")
# A woman born 04/07/1990, registered in Quảng Ninh (022); card expires at 40, on 04/07/2030.
ID_WOMAN = "022190004567"
MRZ_WOMAN = ("IDVNM1900045678022190004567<<6", "9007046F3007044VNM<<<<<<<<<<<2", "TRAN<<THI<BICH<NGOC<<<<<<<<<<<")


def test_mrz_alignment_and_parsing_details() -> None:
    card = read_mrz("I1DVNM0850123452001085012345<<3", MRZ_MAN[1], MRZ_MAN[2])  # a stray character
    assert card is not None and card.valid and card.lines == MRZ_MAN
    assert card.birth_date == "1985-03-15" and card.sex == "Nam" and card.expiry == "2045-03-15"
    assert parse_mrz("\n".join(MRZ_MAN)) is not None
    none = read_mrz("IDVNM1850996657066185099665<<1", "4711030M<<<<<<<VNM<<<<<<<<<<<8", "PHAN<<BICH<PHUONG")
    assert none is not None and none.expiry == NO_EXPIRY  # a filler expiry means no expiry


def test_mrz_expiry_misread_twice_is_repaired_by_the_renewal_rule() -> None:
    truth = ("IDVNM1951706467010195170646<<0", "9506136F3506134VNM<<<<<<<<<<<2",
             "DUONG<<THANH<NHUNG<<<<<<<<<<<<")
    # Every 3 of line 2 read as 5: birth one change, expiry two (beyond the plain search).
    card = read_mrz(truth[0], "9506156F5506154VNM<<<<<<<<<<<2", truth[2])
    assert card is not None and card.valid and card.repaired
    assert card.value == "\n".join(truth)
    # The other fit (check digit 6 misread, expiry 2020 at age 25) predates every card with an MRZ.
    assert card.lines[1][8:14] == "350613"


def test_check_digit_helper_matches_the_example() -> None:
    assert str(check_digit(ID_MAN)) == MRZ_MAN[0][29]


def test_the_name_row_is_repaired_from_the_name_vocabulary() -> None:
    from digitize.fields.mrz_name import repair_name_row

    line, reasons, known = repair_name_row("TRANKKTHIKBICHKNGOC<<<<<<<<<<<")
    assert line == "TRAN<<THI<BICH<NGOC<<<<<<<<<<<" and known and reasons
    line, _, known = repair_name_row("NGUYEN<<DIEU<HOOOA<<<<<<<<<<<<")
    assert not known  # a word outside the vocabulary is left as read


def test_clean_mrz_text_keeps_the_base_letter_of_an_accented_misread() -> None:
    from digitize.fields.mrz_repair import clean_mrz_text

    # A name row read with Vietnamese accents keeps its length: positions are fixed in the MRZ.
    assert clean_mrz_text("LẾ<<THE<LÔNG<<") == "LE<<THE<LONG<<"
    assert clean_mrz_text("L£<<THE‹LONG«<") == "LE<<THE<LONG<<"
    assert clean_mrz_text("IDVNM 0123") == "IDVNM0123"
