"""``digitize export`` from a batch output folder and from the store, with click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from digitize.cli import main
from digitize.errors import ExitCode
from digitize.export.jsonl import read_jsonl
from digitize.model import Document, FieldStatus


@pytest.fixture
def batch_out(tmp_path: Path, certificate: Document, card: Document) -> Path:
    out = tmp_path / "out"
    (out / "lo1").mkdir(parents=True)
    (out / "lo1" / "gcn.json").write_text(json.dumps(certificate.to_output(include_lines=True), ensure_ascii=False),
                                         encoding="utf-8")
    doubtful = card.model_copy(update={"fields": [
        f.model_copy(update={"status": FieldStatus.NEEDS_REVIEW}) if f.path == "ho_ten" else f for f in card.fields]})
    (out / "card.json").write_text(json.dumps(doubtful.to_output(), ensure_ascii=False), encoding="utf-8")
    (out / "failures.jsonl").write_text(json.dumps({"path": "x/broken.jpg", "code": "corrupt_file",
                                                    "message": "x/broken.jpg: truncated"}) + "\n", encoding="utf-8")
    return out


def test_xlsx(batch_out: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "form01.xlsx"
    result = CliRunner().invoke(main, ["export", "--out", str(batch_out), "--format", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "exported 2 documents and 1 failed inputs: 3 Form 01 rows" in result.stderr
    book = openpyxl.load_workbook(target)
    assert book["Lỗi"]["A2"].value == "x/broken.jpg"


def test_csv_to_stdout_and_status_filter(batch_out: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--out", str(batch_out), "--format", "csv",
                                       "--status", "needs_review"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["Số định danh cá nhân/CCCD"] for r in rows] == ["025075239401"]
    assert "ho_ten" in rows[0]["Trường cần kiểm tra"]


def test_jsonl_file_with_failures_only(batch_out: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.jsonl"
    result = CliRunner().invoke(main, ["export", "--out", str(batch_out), "--format", "jsonl", "--status", "failed",
                                       "-o", str(target)])
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8") as fh:
        items = read_jsonl(fh)
    assert [(i.source, i.failure is not None) for i in items] == [("x/broken.jpg", True)]


def test_pdf(batch_out: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--out", str(batch_out), "--format", "pdf", "-o",
                                       str(tmp_path / "pdf")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["0003_cccd_mat_truoc_mat_truoc_clean-GT.pdf",
                                                                     "CC468480-GCN.pdf"]


def test_pdf_with_a_missing_original_exits_3(batch_out: Path, tmp_path: Path) -> None:
    data = json.loads((batch_out / "card.json").read_text(encoding="utf-8"))
    data["pages"][0]["source"]["path"] = "nowhere/card.jpg"
    (batch_out / "card.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "--out", str(batch_out), "--format", "pdf", "-o",
                                       str(tmp_path / "pdf")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "card.jpg: original file not found" in result.stderr


def test_bad_arguments(batch_out: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["export", "--format", "csv"]).exit_code == ExitCode.BAD_ARGS
    assert runner.invoke(main, ["export", "--out", str(batch_out), "--format", "xlsx"]).exit_code \
        == ExitCode.BAD_ARGS
    assert runner.invoke(main, ["export", "--out", str(batch_out), "--status", "bogus"]).exit_code \
        == ExitCode.BAD_ARGS


def test_from_the_store(tmp_path: Path, certificate: Document, card: Document) -> None:
    pytest.importorskip("sqlalchemy")
    from digitize.store import Store, save_document
    from digitize.store.models import Dossier, InputFile, InputStatus

    db = tmp_path / "digitize.db"
    store = Store.open(db)
    with store.session() as s:
        dossier = Dossier(name="lo1")
        s.add(dossier)
        s.flush()
        inputs = []
        for i, path in enumerate(("lo1/gcn.pdf", "lo1/card.jpg", "lo1/broken.jpg")):
            row = InputFile(path=path, location="/data/" + path, sha256=f"{i}" * 64, dossier_id=dossier.id,
                            status=InputStatus.FAILED if i == 2 else InputStatus.DONE,
                            error_code="corrupt_file" if i == 2 else None, error="truncated" if i == 2 else None)
            s.add(row)
            s.flush()
            inputs.append(row)
        save_document(s, certificate, input_id=inputs[0].id, dossier_id=dossier.id)
        save_document(s, card, input_id=inputs[1].id, dossier_id=dossier.id)
    store.close()
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["Hồ sơ"], r["Phân loại"]) for r in rows] == [
        ("lo1", "Đã đọc đủ"), ("lo1", "Chỉ có giấy tờ tùy thân, không có GCN"), ("lo1", "Lỗi đọc tệp")]


def test_a_merged_dossier_in_the_store_replaces_its_inputs(tmp_path: Path, engine, certificate: Document,  # type: ignore[no-untyped-def]
                                                           card: Document) -> None:
    pytest.importorskip("sqlalchemy")
    from digitize.store import Store, save_document
    from digitize.store.models import Dossier, InputFile

    db = tmp_path / "digitize.db"
    store = Store.open(db)
    with store.session() as s:
        dossier = Dossier(name="lo7")
        s.add(dossier)
        s.flush()
        for i, (path, doc) in enumerate((("lo7/gcn.pdf", certificate), ("lo7/card.jpg", card))):
            row = InputFile(path=path, location="/data/" + path, sha256=f"{i}" * 64, dossier_id=dossier.id)
            s.add(row)
            s.flush()
            save_document(s, doc, input_id=row.id, dossier_id=dossier.id)
        save_document(s, engine.dossier([certificate, card], "lo7"), dossier_id=dossier.id, kind="dossier")
    store.close()
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    items = read_jsonl(io.StringIO(result.stdout))
    assert [(i.source, i.dossier) for i in items] == [("lo7", "lo7")]


def test_extract_writes_the_new_workbook(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from tests.export.conftest import CARD_JPG

    target = tmp_path / "f.xlsx"
    result = CliRunner().invoke(main, ["extract", str(CARD_JPG), "--backend", "fake", "--format", "xlsx",
                                       "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Mẫu 01", "Lỗi", "Xung đột, trùng lặp", "Kiểm duyệt"]
    assert book["Mẫu 01"]["AU2"].value == "Chỉ có giấy tờ tùy thân, không có GCN"
