"""Certificate checks: the area the land uses add up to, the place of issue against the authority."""

from __future__ import annotations


def test_the_parcel_area_reading_the_land_uses_add_up_to_is_kept() -> None:
    from digitize.doctypes.gcn_checks import area_reading_that_adds_up
    from digitize.layout.candidate import Candidate

    total = Candidate(path="thua_dat[0].dien_tich", value=146.5, raw="446,5 m²", span=None, kind="digits",
                      alternatives=[446.5])
    area_reading_that_adds_up(total, [223.0, 223.5])
    assert total.value == 446.5 and total.alternatives == [146.5]
    kept = Candidate(path="thua_dat[0].dien_tich", value=300.0, raw="300", span=None, kind="digits",
                     alternatives=[500.0])
    area_reading_that_adds_up(kept, [120.0, 100.0])  # neither adds up: left as it is
    assert kept.value == 300.0


def test_place_of_issue_checked_against_the_authority() -> None:
    from digitize.doctypes.gcn_checks import place_of_issue_against_authority
    from digitize.layout.candidate import Candidate

    def cands(place: str) -> dict[str, Candidate]:
        return {"noi_cap": Candidate(path="noi_cap", value=place, raw=place, span=None),
                "co_quan_cap": Candidate(path="co_quan_cap", value="ỦY BAN NHÂN DÂN HUYỆN AN LÃO", raw="", span=None)}

    misread = cands("An Lá")
    place_of_issue_against_authority(misread)
    assert misread["noi_cap"].value == "An Lão" and misread["noi_cap"].alternatives == ["An Lá"]
    same = cands("An Lão")
    place_of_issue_against_authority(same)
    assert same["noi_cap"].valid is True
    other = cands("Hải Phòng")  # a known place the authority does not name: left alone
    place_of_issue_against_authority(other)
    assert other["noi_cap"].value == "Hải Phòng" and other["noi_cap"].valid is None
