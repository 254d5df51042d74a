from datetime import date

from digitize.fields.result import Check
from digitize.fields.validate import (
    check_area_sum,
    check_birth_date,
    check_cmnd,
    check_expiry,
    check_issue_date,
    check_registry_number,
    check_serial_generation,
)

TODAY = date(2025, 9, 1)


def test_issue_date():
    assert check_issue_date("2016-03-14", today=TODAY).ok is True
    assert check_issue_date("ngày 14 tháng 3 năm 2016", today=TODAY).ok is True
    assert check_issue_date("2030-01-01", today=TODAY).ok is False
    assert check_issue_date("1975-01-01", today=TODAY).ok is False
    assert check_issue_date("garbage").ok is None
    assert check_issue_date("2010-01-01", today=TODAY, document="cccd").ok is None


def test_birth_date():
    assert check_birth_date("1965", today=TODAY).ok is True
    assert check_birth_date(1965, today=TODAY, issue_date="2016-03-14").ok is True
    assert check_birth_date("2020-01-01", today=TODAY, issue_date="2016-03-14").ok is False
    assert check_birth_date("1850", today=TODAY).ok is False
    assert check_birth_date("2099-01-01", today=TODAY).ok is False
    assert check_birth_date(None).ok is None


def test_expiry():
    assert check_expiry("2021-02-01", "2045-03-15").ok is True
    assert check_expiry("2021-02-01", "2020-03-15").ok is False
    assert check_expiry("x", "2020-03-15").ok is None


def test_area_sum():
    assert check_area_sum(1441.9, [400.0, 1041.9]).ok is True
    assert check_area_sum("1.441,9 m²", ["400,0 m²", "1041,9 m²"]).ok is True
    c = check_area_sum(1500, [400.0, 1041.9])
    assert c.ok is False and c.reasons
    assert check_area_sum(100, [None]).ok is None
    assert check_area_sum(100, []).ok is None
    assert check_area_sum(float("nan"), [1.0]).ok is None


def test_serial_generation():
    assert check_serial_generation("DP 947330", "gcn_2009_2014").ok is True
    assert check_serial_generation("AA 01085158", "gcn_2024").ok is True
    assert check_serial_generation("AA 01085158", "gcn_truoc_2009").ok is False
    assert check_serial_generation("DP 947330", "gcn_2024").ok is False
    assert check_serial_generation("DP 947330", None).ok is None
    assert check_serial_generation("xx", "gcn_2024").ok is False


def test_misc():
    assert check_registry_number("CS 05494").ok is True
    assert check_registry_number("hello").ok is False
    assert check_cmnd("012345678").ok is True
    assert check_cmnd("0123").ok is False
    assert Check.combine([Check(True), Check(None)]).ok is None
    assert Check.combine([Check(True), Check(False, ["x"])]).ok is False
    assert Check.combine([Check(True), Check(True)]).ok is True
