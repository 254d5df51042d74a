"""Named sets: determinism, manifest, files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from digitize.synth import GENERATOR_VERSION, generate_set, sets
from digitize.truth import load_truth


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    items = [sets.Item(0, "cccd_mat_sau", "mat_sau", "phone", 42), sets.Item(1, "cmnd", "mat_truoc", "damaged", 43)]
    for it in items:
        paths = []
        for run in ("a", "b"):
            folder = tmp_path / f"{run}{it.index}"
            folder.mkdir()
            paths.append(sets.write_item(it, folder))
        a, b = paths
        assert a.read_bytes() == b.read_bytes()
        assert a.with_name(a.stem + ".gt.json").read_text() == b.with_name(b.stem + ".gt.json").read_text()


def test_different_seed_differs() -> None:
    a, ta, _ = sets.render(sets.Item(0, "cmnd", "mat_truoc", "clean", 1))
    b, tb, _ = sets.render(sets.Item(0, "cmnd", "mat_truoc", "clean", 2))
    assert a.shape != b.shape or not np.array_equal(a, b)
    assert ta.record != tb.record


def test_plans_cover_every_cell() -> None:
    default = sets.plan("default")
    assert 280 <= len(default) <= 320
    cells = {(it.doc_type, it.condition) for it in default}
    for doc, _, _ in sets.UNITS:
        for cond in sets.conditions_for(doc):
            assert (doc, cond) in cells
    assert sets.plan("default") == default  # frozen
    quick = sets.plan("quick")
    assert 35 <= len(quick) <= 45
    assert {it.doc_type for it in quick} == {d for d, _, _ in sets.UNITS}


def test_samples_set(tmp_path: Path) -> None:
    paths = generate_set("samples", tmp_path, jobs=1)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator_version"] == GENERATOR_VERSION
    assert manifest["count"] == len(paths) == len(manifest["images"])
    for entry in manifest["images"]:
        assert (tmp_path / entry["file"]).is_file()
        assert entry["doc_type"] and entry["page_role"] and entry["condition"]
        truths = entry["truth"] if isinstance(entry["truth"], list) else [entry["truth"]]
        for t in truths:
            assert (tmp_path / t).is_file()
    for p in paths:
        if p.suffix == ".jpg":
            t = load_truth(p)
            assert t is not None and t.generator_version == GENERATOR_VERSION
    pdf = [p for p in paths if p.suffix == ".pdf"]
    assert len(pdf) == 1 and pdf[0].read_bytes()[:5] == b"%PDF-"
    from pdf2image import pdfinfo_from_path

    try:
        info = pdfinfo_from_path(str(pdf[0]))
    except Exception:  # poppler not installed: only the header check applies
        return
    assert int(info["Pages"]) == 2
