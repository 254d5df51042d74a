"""Finding inputs: folders recursively, globs, files, @lists; names relative to the input root."""

from __future__ import annotations

from pathlib import Path

import pytest

from digitize.batch.discovery import DiscoveryError, discover


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_a_folder_is_walked_recursively_with_names_relative_to_it(tmp_path: Path) -> None:
    for name in ("a.jpg", "sub/b.PDF", "sub/deeper/c.tif", "notes.txt", ".hidden/d.jpg", "sub/.e.jpg"):
        _touch(tmp_path / "in" / name)
    root, found = discover([str(tmp_path / "in")])
    assert root == (tmp_path / "in").resolve()
    assert [c.rel for c in found] == ["a.jpg", "sub/b.PDF", "sub/deeper/c.tif"]
    assert [c.folder for c in found] == ["", "sub", "sub/deeper"]
    assert all(c.location.is_absolute() for c in found)


def test_globs_lists_and_files_share_one_root_and_are_deduplicated(tmp_path: Path) -> None:
    a = _touch(tmp_path / "x" / "a.jpg")
    b = _touch(tmp_path / "y" / "b.jpg")
    _touch(tmp_path / "y" / "c.png")
    listing = tmp_path / "list.txt"
    listing.write_text(f"# scans\n{a}\n\n{b}\n", encoding="utf-8")
    root, found = discover([f"@{listing}", str(tmp_path / "y" / "*.png"), str(a)])
    assert root == tmp_path.resolve()
    assert [c.rel for c in found] == ["x/a.jpg", "y/b.jpg", "y/c.png"]


def test_the_output_folder_inside_an_input_is_not_entered(tmp_path: Path) -> None:
    _touch(tmp_path / "in" / "a.jpg")
    _touch(tmp_path / "in" / "out" / "b.jpg")
    _, found = discover([str(tmp_path / "in")], exclude=tmp_path / "in" / "out")
    assert [c.rel for c in found] == ["a.jpg"]


@pytest.mark.parametrize("arg", ["missing-folder", "nothing-*.jpg", "@missing-list.txt"])
def test_an_argument_that_names_nothing_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     arg: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DiscoveryError):
        discover([arg])
