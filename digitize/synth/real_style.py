"""The ``real_style`` condition and set: pages and captures as real certificates look.

Certificates are drawn by :mod:`digitize.synth.real_forms` (the 2024 two-column grid and
black serial, the 2009/2014 page 2 with spaced commas and wide gaps, hand-filled dates and
registry numbers, the district branch authority) and :mod:`digitize.synth.real_old` (old
red books with a type | area | term table and short handwritten dates); ID cards keep
their renderers.  Captures come from :mod:`digitize.synth.captures`: phone photos recompressed by
a messaging app, CamScanner-like outputs, two-page spreads with a curled binding, ID cards
small on a patterned table.

The ``real_style`` set mixes real_style images with the same document types under the
older ``phone`` and ``clean`` conditions, so one bench run compares them per document type.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from digitize.model import DocType
from digitize.synth import cards, data, degrade, gcn2009, real_forms, real_old
from digitize.synth.canvas import Rendered
from digitize.synth.captures import card_on_table, real_photo, scanner_app
from digitize.synth.degrade import Sample

CONDITION = "real_style"
SET_NAME = "real_style"
SET_SEED = 20251207
SCANNER_APP_SHARE = 0.25  # certificate captures that went through a scanner app instead

# (doc_type, page_role, condition, count): 40 real_style images, 20 older-condition controls
SET_PLAN: list[tuple[str, str, str, int]] = [
    ("gcn_2024", "trang_1", CONDITION, 12),
    ("gcn_2009_2014", "trang_2", CONDITION, 10),
    ("gcn_2009_2014", "trang_2+trang_3", CONDITION, 4),
    ("gcn_truoc_2009", "trang_1", CONDITION, 4),
    ("cccd_mat_truoc", "mat_truoc", CONDITION, 4),
    ("cccd_mat_sau", "mat_sau", CONDITION, 2),
    ("can_cuoc_2024_mat_truoc", "mat_truoc", CONDITION, 2),
    ("cmnd", "mat_truoc", CONDITION, 2),
    ("gcn_2024", "trang_1", "phone", 4),
    ("gcn_2024", "trang_1", "clean", 2),
    ("gcn_2009_2014", "trang_2", "phone", 4),
    ("gcn_2009_2014", "trang_2", "clean", 2),
    ("gcn_truoc_2009", "trang_1", "phone", 2),
    ("cccd_mat_truoc", "mat_truoc", "phone", 2),
    ("cccd_mat_sau", "mat_sau", "phone", 1),
    ("can_cuoc_2024_mat_truoc", "mat_truoc", "phone", 1),
    ("cmnd", "mat_truoc", "phone", 2),
]


def plan_cells() -> list[tuple[str, str, str]]:
    """The (doc_type, page_role, condition) of every image of the set, in order."""
    return [(d, r, c) for d, r, c, n in SET_PLAN for _ in range(n)]


def _page(doc_type: str, role: str, rng: np.random.Generator, cert: data.Certificate | None) -> Rendered:
    if doc_type == "gcn_2024" and role == "trang_1":
        assert cert is not None
        return real_forms.render_2024_page1(cert, rng)
    if doc_type == "gcn_2009_2014" and role == "trang_2":
        assert cert is not None
        return real_forms.render_2009_page2(cert, rng)
    if doc_type == "gcn_2009_2014":
        assert cert is not None
        return gcn2009.RENDERERS[role](cert, rng)
    if doc_type == "gcn_truoc_2009":
        assert cert is not None
        return real_old.render_old_page(cert, rng)
    kind, fn = cards.RENDERERS[(doc_type, role)]
    return fn(data.make_id_card(rng, kind), rng)


def render_sample(doc_type: str, page_role: str, rng: np.random.Generator,
                  merge: Any) -> tuple[Sample, dict[str, Any]]:
    """Render and capture one real_style image; return the finished sample and its record.

    ``merge`` merges two pages' records (the set module's ``_merge``).
    """
    cert = None
    if doc_type in ("gcn_2009_2014", "gcn_2024", "gcn_truoc_2009"):
        cert = data.make_certificate(rng, doc_type)
    roles = page_role.split("+")
    pages = [_page(doc_type, r, rng, cert) for r in roles]
    record: dict[str, Any] = {}
    for p in pages:
        record = merge(record, p.record)
    s = degrade.from_rendered(pages[0])
    if len(pages) == 2:
        s = real_photo(degrade.side_by_side(s, degrade.from_rendered(pages[1]), rng), rng, spread=True)
        return s, record
    if DocType(doc_type).is_id_card:
        return card_on_table(s, rng), record
    if doc_type == "gcn_truoc_2009" and rng.random() < 0.6:
        s = degrade.on_cover(s, rng)
    if rng.random() < SCANNER_APP_SHARE:
        return scanner_app(s, rng), record
    return real_photo(s, rng), record
