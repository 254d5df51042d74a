"""Project-trained models in the manifest: found under models/, checked by sha256."""

from __future__ import annotations

import json
from pathlib import Path

from digitize.ocr.line_input import LINE_HEIGHT, WIDTH_MULTIPLE, default_charset
from digitize.ocr.models import load_manifest, models_dir, sha256_file, verify_models


def _write_manifest(path: Path, file: str, sha: str) -> Path:
    path.write_text(f'[[model]]\nid = "x"\nfile = "{file}"\nsource = "project"\npackage = "digitize"\n'
                    f'sha256 = "{sha}"\nlicense = "Apache-2.0"\nused_by = ["trained"]\n', encoding="utf-8")
    return path


def test_project_model_is_found_under_models_dir(tmp_path: Path) -> None:
    entries = load_manifest(_write_manifest(tmp_path / "m.toml", "manifest.toml", ""))
    assert entries[0].path() == models_dir() / "manifest.toml"
    missing = load_manifest(_write_manifest(tmp_path / "n.toml", "no/such.onnx", ""))
    assert missing[0].path() is None
    assert verify_models(missing)[0].status == "missing"


def test_project_model_sha_is_checked(tmp_path: Path) -> None:
    good = sha256_file(models_dir() / "manifest.toml")
    assert verify_models(load_manifest(_write_manifest(tmp_path / "a.toml", "manifest.toml", good)))[0].status == "ok"
    bad = verify_models(load_manifest(_write_manifest(tmp_path / "b.toml", "manifest.toml", "0" * 64)))
    assert bad[0].status == "mismatch"


def test_shipped_recogniser_verifies_and_keeps_the_contract() -> None:
    entries = {e.id: e for e in load_manifest()}
    for model_id in ("digitize_rec", "digitize_rec_vocab"):
        assert model_id in entries and entries[model_id].source == "project"
    results = {r.entry.id: r for r in verify_models([entries["digitize_rec"], entries["digitize_rec_vocab"]])}
    assert all(r.status == "ok" for r in results.values()), results
    vocab_path = entries["digitize_rec_vocab"].path()
    model_path = entries["digitize_rec"].path()
    assert vocab_path is not None and model_path is not None
    vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
    assert vocab["charset"] == default_charset()
    assert vocab["height"] == LINE_HEIGHT and vocab["width_multiple"] == WIDTH_MULTIPLE
    assert model_path.stat().st_size <= 20 * 1024 * 1024
