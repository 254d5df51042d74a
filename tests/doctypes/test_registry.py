"""The family registry: explicit, consistent with the templates, in the classifier's order."""

from __future__ import annotations

from digitize.doctypes.registry import CHECKS, EVIDENCE, EXTRACTORS, FAMILIES, READING_ORDERS, family_of
from digitize.layout.template import all_templates, template_for
from digitize.model import DocType


def test_every_document_type_but_khac_has_one_family() -> None:
    typed = [t for f in FAMILIES for t in f.doc_types]
    assert len(typed) == len(set(typed))
    assert set(typed) == set(DocType) - {DocType.KHAC}
    assert family_of(DocType.KHAC) is None
    assert family_of(DocType.CMND) is not None and family_of(DocType.CMND).name == "cmnd"  # type: ignore[union-attr]


def test_each_family_names_the_templates_of_its_types() -> None:
    templates = all_templates()
    for family in FAMILIES:
        for name in family.templates:
            assert name in templates, name
        for doc_type in family.doc_types:
            template = template_for(doc_type.value)
            assert (template is not None and template.name in family.templates) or \
                (template is not None and any(template.name == templates[n].name for n in family.templates))


def test_what_templates_list_is_registered_by_their_family() -> None:
    for family in FAMILIES:
        for name in family.templates:
            template = all_templates()[name]
            assert set(template.extractors) <= set(family.extractors), (family.name, name)
            assert set(template.checks) <= set(family.checks), (family.name, name)
            order = template.meta.get("reading_order")
            assert order is None or order in family.reading_orders
    assert set(EXTRACTORS) >= {n for t in all_templates().values() for n in t.extractors}
    assert set(CHECKS) >= {n for t in all_templates().values() for n in t.checks}
    assert "card_columns" in READING_ORDERS


def test_evidence_keeps_the_classifiers_tie_order() -> None:
    assert list(EVIDENCE) == [DocType.GCN_2009_2014, DocType.GCN_2024, DocType.GCN_TRUOC_2009,
                              DocType.CCCD_MAT_TRUOC, DocType.CCCD_MAT_SAU, DocType.CAN_CUOC_2024_MAT_TRUOC,
                              DocType.CAN_CUOC_2024_MAT_SAU, DocType.CMND]
