from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from digitize.cli import main
from digitize.errors import ExitCode


def test_extract_fake_backend_json_to_stdout(gcn_page2: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(gcn_page2), "--backend", "fake", "--no-preprocess"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["loai_tai_lieu"] == "gcn_2009_2014"
    assert doc["record"]["thua_dat"][0]["so_thua"] == "318"
    for field in doc["fields"]:
        assert 0.0 <= field["confidence"] <= 1.0
        assert field["status"] in {"extracted", "needs_review", "unreadable", "conflict", "not_found"}


def test_bad_files_do_not_stop_the_others(gcn_page2: Path, tmp_path: Path) -> None:
    import shutil

    shutil.copy(gcn_page2, tmp_path / gcn_page2.name)
    shutil.copy(gcn_page2.with_name("gcn_page2.gt.json"), tmp_path / "gcn_page2.gt.json")
    gcn_page2 = tmp_path / gcn_page2.name
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = tmp_path / "letter.jpg"
    text.write_text("not an image", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["extract", str(empty), str(gcn_page2), str(text), "-o", str(out), "--backend", "fake",
               "--no-preprocess"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "empty.jpg: the file is empty" in result.stderr
    assert "letter.jpg: not a supported image" in result.stderr
    written = json.loads((out / "gcn_page2.json").read_text(encoding="utf-8"))
    assert written["record"]["thua_dat"][0]["dien_tich"] == 152.4
    assert sorted(p.name for p in out.iterdir()) == ["gcn_page2.json"]


def test_fields_csv_output(gcn_page2: Path, tmp_path: Path) -> None:
    target = tmp_path / "fields.csv"
    result = CliRunner().invoke(main, ["extract", str(gcn_page2), "--format", "fields-csv", "-o", str(target),
                                       "--backend", "fake", "--no-preprocess"])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("source,loai_tai_lieu,path,value")
    assert ",thua_dat[0].so_thua,318," in text


def test_form01_csv_and_xlsx(gcn_page2: Path, tmp_path: Path) -> None:
    import csv

    target = tmp_path / "form01.csv"
    result = CliRunner().invoke(main, ["extract", str(gcn_page2), "--format", "csv", "-o", str(target),
                                       "--backend", "fake", "--no-preprocess"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    assert len(rows) == 1
    row = rows[0]
    assert row["Số thửa"] == "318" and row["Số tờ bản đồ"] == "07"
    assert row["Diện tích (m²)"] == "152.4"  # CSV: numbers with a decimal point, ISO dates (docs/exports.md)
    assert row["Ngày cấp GCN"] == "2013-11-20"
    assert row["Phân loại"] == "Cần kiểm tra"  # serial and owner are not on page 2
    assert "so_phat_hanh" in row["Trường cần kiểm tra"]
    xlsx = tmp_path / "form01.xlsx"
    result = CliRunner().invoke(main, ["extract", str(gcn_page2), "--format", "xlsx", "-o", str(xlsx),
                                       "--backend", "fake", "--no-preprocess"])
    assert result.exit_code == 0, result.output
    assert xlsx.read_bytes()[:2] == b"PK"


def test_folder_input_and_duplicates(gcn_page2: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.png", "b.png"):
        shutil.copy(gcn_page2, folder / name)
        shutil.copy(gcn_page2.with_name("gcn_page2.gt.json"), folder / name.replace(".png", ".gt.json"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "--backend", "fake",
                                       "--no-preprocess"])
    assert result.exit_code == 0, result.output
    a = json.loads((out / "a.json").read_text(encoding="utf-8"))
    assert any("duplicate of b.png" in w for w in a["warnings"])


def test_dossier_merges_into_one_record(gcn_page2: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "dossier"
    folder.mkdir()
    shutil.copy(gcn_page2, folder / "p2.png")
    shutil.copy(gcn_page2.with_name("gcn_page2.gt.json"), folder / "p2.gt.json")
    result = CliRunner().invoke(main, ["extract", str(folder), "--dossier", "--backend", "fake", "--no-preprocess"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["source"] == str(folder)
    assert doc["record"]["thua_dat"][0]["so_thua"] == "318"


def test_bad_arguments() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["extract"]).exit_code == ExitCode.BAD_ARGS
    result = runner.invoke(main, ["extract", "x.png", "--backend", "nope"])
    assert result.exit_code == ExitCode.BAD_ARGS and "unknown OCR backend" in result.output
    assert runner.invoke(main, ["extract", "x.png", "--pages", "0"]).exit_code == ExitCode.BAD_ARGS


def test_schema_and_models_and_backends() -> None:
    runner = CliRunner()
    schema = json.loads(runner.invoke(main, ["schema"]).stdout)
    assert {"record", "fields", "loai_tai_lieu"} <= set(schema["properties"])
    assert "so_phat_hanh" in schema["$defs"]["Record"]["properties"]
    verify = runner.invoke(main, ["models", "verify"])
    assert verify.exit_code == 0, verify.output
    assert "ppocr_v4_det" in verify.output
    assert "fake" in runner.invoke(main, ["backends"]).output


def test_config_file_and_env(tmp_path: Path, gcn_page2: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "digitize.toml"
    config.write_text('[digitize]\nbackend = "fake"\npreprocess = false\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "extract", str(gcn_page2)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["backend"] == "fake"
    monkeypatch.setenv("DIGITIZE_BACKEND", "nope")
    result = CliRunner().invoke(main, ["--config", str(config), "extract", str(gcn_page2)])
    assert result.exit_code == ExitCode.BAD_ARGS  # the environment overrides the file


def test_a_failed_input_is_a_row_of_the_form01_table(gcn_page2: Path, tmp_path: Path) -> None:
    import csv

    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    target = tmp_path / "form01.csv"
    result = CliRunner().invoke(main, ["extract", str(gcn_page2), str(broken), "--format", "csv", "-o",
                                       str(target), "--backend", "fake", "--no-preprocess"])
    assert result.exit_code == ExitCode.BAD_INPUT
    rows = list(csv.DictReader(target.read_text(encoding="utf-8-sig").splitlines()))
    failed = [r for r in rows if "broken.jpg" in " ".join(r.values())]
    assert len(failed) == 1 and len(rows) == 2
    assert any("corrupt_file" in v or "Lỗi" in v for v in failed[0].values())
