"""Dossiers: certificate owners cross-checked against ID cards; duplicates."""

from __future__ import annotations

from digitize.dossier import find_duplicates, merge_dossier
from digitize.model import DocType, Document, Field, FieldStatus, Page, SourceInfo


def _f(path: str, value: object, confidence: float = 0.9, status: FieldStatus = FieldStatus.EXTRACTED) -> Field:
    return Field(path=path, value=value, raw=str(value), confidence=confidence, status=status, page=0)


def _doc(source: str, doc_type: DocType, fields: list[Field], image_hash: str = "0" * 16,
         role: str | None = None) -> Document:
    page = Page(source=SourceInfo(path=source, image_hash=image_hash), doc_type=doc_type, page_role=role,
                fields=fields)
    return Document(source=source, loai_tai_lieu=doc_type, pages=[page], fields=fields)


def _certificate(name: str = "NGUYỄN VĂN AN", year: str = "1985", number: str = "022085012345") -> Document:
    return _doc("gcn_p1.jpg", DocType.GCN_2009_2014, [
        _f("so_phat_hanh", "DP 947330"),
        _f("chu_su_dung[0].ho_ten", name),
        _f("chu_su_dung[0].nam_sinh", year, 0.7, FieldStatus.NEEDS_REVIEW),
        _f("chu_su_dung[0].so_giay_to", number),
        _f("chu_su_dung[0].gioi_tinh", "Nam"),
    ], image_hash="ffff0000ffff0000", role="trang_1")


def _card(name: str = "NGUYỄN VĂN AN", birth: str = "1985-03-15", number: str = "022085012345",
          source: str = "cccd.jpg") -> Document:
    return _doc(source, DocType.CCCD_MAT_TRUOC, [
        _f("so_dinh_danh", number), _f("ho_ten", name), _f("ngay_sinh", birth), _f("gioi_tinh", "Nam"),
    ], image_hash="0000ffff0000ffff")


def test_agreeing_card_confirms_and_fills() -> None:
    doc = merge_dossier([_certificate(), _card()], "dossier")
    year = doc.field("chu_su_dung[0].nam_sinh")
    assert year is not None and year.status == FieldStatus.EXTRACTED and year.confidence >= 0.97
    assert any("agrees with the ID card" in r for r in year.reasons)
    born = doc.field("chu_su_dung[0].ngay_sinh")
    assert born is not None and born.value == "1985-03-15" and "from the ID card" in born.reasons[-1]
    assert doc.record["giay_to_tuy_than"][0]["so_dinh_danh"] == "022085012345"
    assert doc.loai_tai_lieu == DocType.GCN_2009_2014


def test_disagreeing_birth_year_and_number_are_conflicts_with_both_values() -> None:
    doc = merge_dossier([_certificate(year="1958"), _card(number="022085012345")], "dossier")
    year = doc.field("chu_su_dung[0].nam_sinh")
    assert year is not None and year.status == FieldStatus.CONFLICT
    assert year.value == "1958" and year.alternatives == ["1985"]
    assert doc.record["chu_su_dung"][0]["nam_sinh"] == "1958"  # the printed value stays; the reviewer decides


def test_name_conflict_when_matched_by_number() -> None:
    doc = merge_dossier([_certificate(name="NGUYỄN VĂN ÂN"), _card()], "dossier")
    name = doc.field("chu_su_dung[0].ho_ten")
    assert name is not None and name.status == FieldStatus.CONFLICT and name.alternatives == ["NGUYỄN VĂN AN"]


def test_card_of_somebody_else_is_reported() -> None:
    other = _card(name="TRẦN THỊ BÌNH", number="001190000001", birth="1990-01-01")
    certificate = _certificate()
    certificate.fields.append(_f("chu_su_dung[1].ho_ten", "LÊ VĂN CƯỜNG"))
    doc = merge_dossier([certificate, other], "dossier")
    assert any("matches no owner" in w for w in doc.warnings)


def test_duplicates_by_serial_and_by_image() -> None:
    a = _certificate()
    b = _certificate()
    b = b.model_copy(update={"source": "again.jpg"})
    notes = find_duplicates([a, b, _card()])
    assert notes[0] == ["duplicate of again.jpg (same serial)"]
    c = _card(source="x.jpg")
    d = _card(source="y.jpg")
    assert find_duplicates([c, d])[0] == ["duplicate of y.jpg (near-identical image)"]


def test_the_card_tells_the_paper_type_the_certificate_cannot() -> None:
    # No paper type on the certificate: the matched card's type fills it.
    doc = merge_dossier([_certificate(), _card()], "dossier")
    paper = doc.field("chu_su_dung[0].loai_giay_to")
    assert paper is not None and paper.value == "CCCD" and "the card with this number is a CCCD" in paper.reasons[-1]
    # "Số định danh cá nhân" (CCCD or Căn cước) settled by a 2024 Căn cước.
    certificate = _certificate()
    certificate.fields.append(Field(
        path="chu_su_dung[0].loai_giay_to", value="CCCD", raw="Số định danh cá nhân", confidence=0.5,
        status=FieldStatus.NEEDS_REVIEW, page=0,
        reasons=["only the personal ID number is printed: CCCD or Căn cước cannot be told from the certificate"]))
    can_cuoc = _card().model_copy(update={"loai_tai_lieu": DocType.CAN_CUOC_2024_MAT_TRUOC})
    doc = merge_dossier([certificate, can_cuoc], "dossier")
    paper = doc.field("chu_su_dung[0].loai_giay_to")
    assert paper is not None and paper.value == "Căn cước" and paper.status == FieldStatus.EXTRACTED
    # A printed "CMND số" is what the certificate says: a newer card does not rewrite it.
    certificate = _certificate()
    certificate.fields.append(_f("chu_su_dung[0].loai_giay_to", "CMND"))
    doc = merge_dossier([certificate, _card()], "dossier")
    paper = doc.field("chu_su_dung[0].loai_giay_to")
    assert paper is not None and paper.value == "CMND"


def test_card_whose_name_and_year_conflict_gives_nothing_as_extracted() -> None:
    from digitize.export.form01 import rows_for

    # Matched by the only owner/only card rule (the certificate prints no ID number).
    certificate = _certificate(name="NGUYỄN VĂN AN", year="1985")
    certificate.fields[:] = [f for f in certificate.fields if not f.path.endswith((".so_giay_to", ".gioi_tinh"))]
    stranger = _card(name="TRẦN THỊ BÌNH", birth="1990-01-01", number="001190000001")
    doc = merge_dossier([certificate, stranger], "dossier")
    given = {"chu_su_dung[0].ngay_sinh": "1990-01-01", "chu_su_dung[0].so_dinh_danh": "001190000001",
             "chu_su_dung[0].gioi_tinh": "Nam"}
    for path, card_value in given.items():
        f = doc.field(path)
        assert f is not None, path
        assert f.status == FieldStatus.CONFLICT and f.value is None and card_value in f.alternatives, path
    born = doc.field("chu_su_dung[0].ngay_sinh")
    assert born is not None and born.alternatives == ["1985", "1990-01-01"]  # certificate's reading, then card's
    owner_fields = [f for f in doc.fields if f.path.startswith("chu_su_dung[0].")]
    assert not [f.path for f in owner_fields if f.status == FieldStatus.EXTRACTED]
    [warning] = [w for w in doc.warnings if "disagrees with the certificate" in w]
    for path in [*given, "chu_su_dung[0].ho_ten", "chu_su_dung[0].nam_sinh"]:
        assert path in warning
    assert "1990" not in warning and "BÌNH" not in warning  # paths, never values
    [row] = rows_for(doc)
    for path in given:
        assert path in row["truong_can_kiem_tra"]


def test_conflicting_card_matched_by_number_confirms_nothing() -> None:
    doc = merge_dossier([_certificate(name="LÊ THỊ HOA", year="1970"), _card()], "dossier")
    number = doc.field("chu_su_dung[0].so_giay_to")
    assert number is not None and number.confidence == 0.9  # not raised to 0.97 by somebody else's card
    assert not any("agrees with the ID card" in r for r in number.reasons)
    paper = doc.field("chu_su_dung[0].loai_giay_to")
    assert paper is not None and paper.status == FieldStatus.CONFLICT and paper.alternatives == ["CCCD"]
    born = doc.field("chu_su_dung[0].ngay_sinh")
    assert born is not None and born.status == FieldStatus.CONFLICT and born.value is None
    assert any("chu_su_dung[0].loai_giay_to" in w and "chu_su_dung[0].ngay_sinh" in w for w in doc.warnings)


def test_diacritics_only_name_difference_still_fills_from_the_card() -> None:
    doc = merge_dossier([_certificate(name="NGUYEN VAN AN"), _card()], "dossier")
    born = doc.field("chu_su_dung[0].ngay_sinh")
    assert born is not None and born.status == FieldStatus.EXTRACTED and born.value == "1985-03-15"
