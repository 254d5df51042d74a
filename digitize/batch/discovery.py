"""Finding a batch's inputs: folders (recursive), globs, files, and ``@list.txt`` files of paths.

Every input gets a path relative to the run's *input root* (the deepest folder holding
every argument): the name it has in the store and under the output folder, so the same
command finds the same names again when it resumes.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from digitize.io.loader import SUPPORTED_EXTENSIONS

GLOB_CHARS = frozenset("*?[")
LIST_PREFIX = "@"
COMMENT_PREFIX = "#"


class DiscoveryError(ValueError):
    """An argument that names nothing (a missing path, a glob without matches, an unreadable list)."""


@dataclass(frozen=True)
class Candidate:
    """One input file: where it is read from and its name relative to the input root."""

    location: Path  # absolute
    rel: str  # POSIX path relative to the input root

    @property
    def folder(self) -> str:
        """The folder of ``rel`` ('' at the root): the dossier of ``--dossier-by folder``."""
        parent = Path(self.rel).parent.as_posix()
        return "" if parent == "." else parent


def _is_glob(text: str) -> bool:
    return any(c in GLOB_CHARS for c in text)


def _glob_base(pattern: str) -> Path:
    """The folder a glob pattern starts from: its parts before the first one with a wildcard."""
    parts: list[str] = []
    for part in Path(pattern).parts:
        if _is_glob(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def _walk(folder: Path, skip: Path | None) -> Iterable[Path]:
    """Supported files under ``folder``, recursively, in a stable order; hidden entries are left out."""
    for current, dirs, files in os.walk(folder):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (skip is None or (here / d) != skip))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_EXTENSIONS:
                yield here / name


def _read_list(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DiscoveryError(f"{path}: the list of inputs cannot be read ({exc.strerror})") from exc
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith(COMMENT_PREFIX)]


def _expand(arg: str, skip: Path | None) -> tuple[list[Path], list[Path]]:
    """(files, bases) for one argument; the bases decide the input root."""
    if arg.startswith(LIST_PREFIX):
        files: list[Path] = []
        bases: list[Path] = []
        for entry in _read_list(Path(arg[len(LIST_PREFIX):])):
            f, b = _expand(entry, skip)
            files.extend(f)
            bases.extend(b)
        return files, bases
    if _is_glob(arg):
        matches = sorted(glob.glob(arg, recursive=True))
        if not matches:
            raise DiscoveryError(f"{arg}: no file matches")
        files = []
        for match in matches:
            p = Path(match)
            if p.is_dir():
                files.extend(_walk(p, skip))
            elif p.is_file():
                files.append(p)
        return files, [_glob_base(arg)]
    p = Path(arg)
    if p.is_dir():
        return list(_walk(p, skip)), [p]
    if p.is_file():
        return [p], [p.parent]
    raise DiscoveryError(f"{arg}: no such file or folder")


def discover(inputs: Sequence[str], exclude: Path | None = None) -> tuple[Path, list[Candidate]]:
    """The input root and every input file the arguments name (deduplicated, in a stable order).

    ``exclude`` is a folder never entered (the output folder when it lies inside an input).
    """
    skip = exclude.resolve() if exclude is not None else None
    files: list[Path] = []
    bases: list[Path] = []
    for arg in inputs:
        f, b = _expand(arg, skip)
        files.extend(f)
        bases.extend(b)
    resolved = list(dict.fromkeys(p.resolve() for p in files))
    base_dirs = [b.resolve() for b in bases] or [Path.cwd()]
    root = Path(os.path.commonpath([*base_dirs, *(p.parent for p in resolved)]))
    candidates = [Candidate(location=p, rel=p.relative_to(root).as_posix()) for p in resolved]
    candidates.sort(key=lambda c: c.rel)
    return root, candidates
