"""A batch run in-process on worker processes: results, resume, failures of every kind, dossiers."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from digitize.batch.ledger import Ledger
from digitize.batch.outputs import result_path
from digitize.batch.runner import BatchOptions, BatchSummary, Coordinator
from digitize.config import Settings
from digitize.engine import Engine
from digitize.store import Store
from digitize.store.models import DocumentRow, Dossier, InputFile, InputPage
from tests.batch.conftest import PLUGIN, copy_sample, failures, make_inputs, results

PAGE_TIMEOUT_S = 4.0


def _run(inputs: Path, out: Path, *, backend: str = "fake", db: str | None = None, **options: object) -> BatchSummary:
    settings = Settings(backend=backend, preprocess=False)
    opts = BatchOptions(inputs=[str(inputs)], out_dir=out, settings=settings, db=db, jobs=2,
                        plugins=[PLUGIN], plain_progress=True, page_timeout=PAGE_TIMEOUT_S, max_attempts=2)
    for key, value in options.items():
        setattr(opts, key, value)
    return Coordinator(opts, progress_stream=io.StringIO()).run()


def test_every_input_is_stored_and_written_and_a_second_run_skips_them(tmp_path: Path, store_url: str) -> None:
    inputs = tmp_path / "in"
    make_inputs(inputs, ["a.jpg", "b.jpg", "sub/c.jpg", "sub/deeper/d.jpg", "two.pdf"])
    out = tmp_path / "out"
    first = _run(inputs, out, db=store_url)
    assert first.exit_code == 0
    assert first.counts["done"] == 5 and first.counts["failed"] == 0
    assert first.pages_done == 6  # the PDF's two pages are two tasks
    written = results(out)
    assert set(written) == {"a.jpg.json", "b.jpg.json", "sub/c.jpg.json", "sub/deeper/d.jpg.json", "two.pdf.json"}
    assert written["sub/c.jpg.json"]["source"] == "sub/c.jpg"
    # The PDF assembled from its pages is the record the engine gives for the whole file.
    pdf = written["two.pdf.json"]
    assert [f["page"] for f in pdf["fields"] if f["page"] is not None] and len(pdf["pages"]) == 2
    with Engine(Settings(backend="fake", preprocess=False)) as engine:
        whole = engine.process(inputs / "two.pdf", display_name="two.pdf")
    assert pdf["record"] == whole.to_output()["record"]  # type: ignore[union-attr]
    assert {f["path"]: f["page"] for f in pdf["fields"]} == {f.path: f.page for f in whole.fields}  # type: ignore[union-attr]
    store = Store.open(store_url)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(InputFile)) == 5
        assert s.scalar(select(func.count()).select_from(DocumentRow)) == 5
        assert s.scalar(select(func.count()).select_from(InputPage)) == 6
        assert s.scalar(select(func.count()).select_from(InputPage).where(InputPage.result.is_not(None))) == 0
    store.close()
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.json")}

    begin = time.monotonic()
    again = _run(inputs, out, db=store_url)
    assert again.plan.tasks == [] and again.plan.skipped_done == 5 and again.exit_code == 0
    assert again.counts["done"] == 5
    assert time.monotonic() - begin < 10
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.json")} == mtimes  # nothing rewritten


def test_a_changed_file_is_redone_and_a_missing_result_rewritten(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    make_inputs(inputs, ["a.jpg", "b.jpg", "c.jpg"])
    out = tmp_path / "out"
    _run(inputs, out)
    copy_sample("0003_cccd_mat_truoc_mat_truoc_clean.jpg", inputs / "a.jpg")  # new content, same name
    (out / "b.jpg.json").unlink()  # a run killed between its commit and its write
    summary = _run(inputs, out)
    assert summary.plan.changed == 1 and summary.plan.skipped_done == 2 and summary.repaired_outputs == 1
    assert results(out)["a.jpg.json"]["loai_tai_lieu"].startswith("cccd")
    assert "b.jpg.json" in results(out)
    # Same content, new modification time: hashed, found unchanged, skipped.
    os.utime(inputs / "c.jpg", ns=(time.time_ns(), time.time_ns()))
    assert _run(inputs, out).plan.tasks == []


def test_failures_of_every_kind_are_recorded_and_the_batch_goes_on(tmp_path: Path, store_url: str) -> None:
    inputs = tmp_path / "in"
    make_inputs(inputs, ["ok1.jpg", "crash.jpg", "segv.jpg", "hang.jpg", "garbage.jpg", "oom.jpg", "flaky.jpg",
                         "ok2.jpg", "sub/ok3.pdf"])
    (inputs / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    (inputs / "empty.png").write_bytes(b"")
    (inputs / "text.jpg").write_text("not an image", encoding="utf-8")
    out = tmp_path / "out"
    summary = _run(inputs, out, backend="chaos", db=store_url)
    assert summary.exit_code == 3
    codes = {f["path"]: (f["code"], f["attempts"]) for f in failures(out)}
    assert codes == {
        "crash.jpg": ("worker_crash", 2),
        "segv.jpg": ("worker_crash", 2),
        "hang.jpg": ("timeout", 2),
        "oom.jpg": ("out_of_memory", 1),
        "corrupt.jpg": ("corrupt_file", 1),
        "empty.png": ("empty_file", 1),
        "text.jpg": ("unsupported_format", 1),
        "garbage.jpg": ("bad_result", 1),  # non-finite confidences: never stored
    }
    assert all("SIGSEGV" in f["message"] for f in failures(out) if f["path"] == "segv.jpg")
    written = results(out)
    # The flaky input crashed its worker once and was done on the second attempt.
    assert {"ok1.jpg.json", "ok2.jpg.json", "sub/ok3.pdf.json", "flaky.jpg.json"} <= set(written)
    assert not any(name.startswith(("crash", "segv", "hang", "oom", "garbage")) for name in written)
    assert summary.counts["failed"] == len(codes) and summary.counts["done"] == 12 - len(codes)
    store = Store.open(store_url)
    with store.session() as s:
        assert sorted(s.scalars(select(InputFile.path).where(InputFile.status == "failed"))) == sorted(codes)
    store.close()

    # Failed inputs are not retried by the same command ...
    again = _run(inputs, out, backend="chaos", db=store_url)
    assert again.plan.tasks == [] and again.plan.skipped_failed == len(codes) and again.exit_code == 3
    # ... only with --retry-failed (here with a backend that no longer crashes).
    retried = _run(inputs, out, backend="fake", db=store_url, retry_failed=True)
    assert retried.exit_code == 3  # the bad files stay bad
    left = {f["path"] for f in failures(out)}
    assert left == {"corrupt.jpg", "empty.png", "text.jpg"}
    assert {"crash.jpg.json", "segv.jpg.json", "hang.jpg.json", "oom.jpg.json", "garbage.jpg.json"} <= set(results(out))


def test_a_backend_that_cannot_load_stops_the_batch_before_any_input_fails(tmp_path: Path) -> None:
    from digitize.batch.executors.base import ExecutorError

    inputs = tmp_path / "in"
    make_inputs(inputs, ["a.jpg"])
    with pytest.raises(ExecutorError) as info:
        _run(inputs, tmp_path / "out", backend="broken")
    assert info.value.code == "missing_dependency"
    store = Store.open(None, tmp_path / "out")
    with store.session() as s:
        assert s.scalar(select(InputFile.status)) == "pending"  # resumable, not failed
    store.close()


def test_workers_are_recycled_after_their_quota_of_tasks(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    make_inputs(inputs, [f"p{i}.jpg" for i in range(6)])
    summary = _run(inputs, tmp_path / "out", max_tasks_per_worker=2)
    assert summary.counts["done"] == 6
    assert summary.workers_started >= 4  # 2 at the start, then one per 2 tasks
    assert len(summary.worker_rss_mib) >= 3


def test_folders_become_dossiers(tmp_path: Path, store_url: str) -> None:
    inputs = tmp_path / "in"
    for folder in ("ho_1", "ho_2"):
        copy_sample("0000_gcn_2009_2014_trang_2_clean.jpg", inputs / folder / "gcn.jpg")
        copy_sample("0003_cccd_mat_truoc_mat_truoc_clean.jpg", inputs / folder / "cccd.jpg")
    out = tmp_path / "out"
    summary = _run(inputs, out, db=store_url, dossier_by="folder")
    assert summary.exit_code == 0 and summary.dossiers_built == 2
    written = results(out)
    assert {"ho_1/dossier.json", "ho_2/dossier.json", "ho_1/gcn.jpg.json", "ho_1/cccd.jpg.json"} <= set(written)
    dossier = written["ho_1/dossier.json"]
    assert dossier["source"] == "ho_1" and len(dossier["pages"]) == 2
    assert any(f["path"].startswith("giay_to_tuy_than[0].") for f in dossier["fields"])
    store = Store.open(store_url)
    with store.session() as s:
        rows = list(s.execute(select(Dossier.name, DocumentRow.kind).join(
            DocumentRow, DocumentRow.dossier_id == Dossier.id).where(DocumentRow.kind == "dossier")))
        assert sorted(rows) == [("ho_1", "dossier"), ("ho_2", "dossier")]
    store.close()
    # A resume after the dossier file was lost writes it again, without merging twice.
    (out / "ho_2" / "dossier.json").unlink()
    again = _run(inputs, out, db=store_url, dossier_by="folder")
    assert again.dossiers_built == 0 and (out / "ho_2" / "dossier.json").exists()


def test_counts_and_needs_review_come_from_the_store(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    make_inputs(inputs, ["a.jpg", "b.jpg", "c.jpg"])
    out = tmp_path / "out"
    summary = _run(inputs, out)
    store = Store.open(None, out)
    ledger = Ledger(store, Settings(), 2)
    with store.session() as s:
        ids = list(s.scalars(select(InputFile.id)))
        n_review = sum(1 for r in s.scalars(select(DocumentRow.n_review)) if r)
    assert ledger.counts(ids) == summary.counts
    assert summary.counts["needs_review"] == n_review
    store.close()
    assert json.loads(result_path(out, "a.jpg").read_text(encoding="utf-8"))["source"] == "a.jpg"
