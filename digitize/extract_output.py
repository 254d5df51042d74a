"""Inputs and outputs of ``digitize extract``: which files, where each result goes, written as it comes.

Everything here is decided before the first page is read: the list of inputs (folders
searched recursively), the output plan (standard output, one file, or a folder with one
JSON per input) and every file it would write, so a bad ``-o`` or a result that would be
overwritten stops the run before any OCR.  Results are then written one by one as each
input is done (JSON atomically: a temporary file renamed over the target); tables
(CSV/XLSX) are written at the end from compact copies of the documents (no OCR lines or
images are kept).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, Literal

import click

from digitize.engine import Failure
from digitize.errors import ExitCode
from digitize.model import Document

if TYPE_CHECKING:
    from digitize.export import ExportItem

STDIN_NAME = "-"  # the argument that reads one file from standard input, and that result's source
STDIN_KEY = "stdin"  # its output name in a folder
TABLE_NAMES = {"csv": "form01.csv", "fields-csv": "fields.csv", "xlsx": "form01.xlsx"}
JSON_SUFFIX = ".json"
MAX_CLASHES_SHOWN = 3
DUPLICATE_KEY = "so_phat_hanh"  # the field find_duplicates compares (with page image hashes)


class OutputError(click.ClickException):
    """A bad ``-o``, or results that would be overwritten: exit 2 before anything is read."""

    exit_code = int(ExitCode.BAD_ARGS)


@dataclass(frozen=True)
class InputItem:
    """One input: the file to read, the name it is shown under, and its output name in a folder."""

    path: Path  # for standard input: the spooled temporary file (set once it is read)
    name: str  # the path as given (or "-"): messages and the result's ``source``
    key: PurePath  # relative output path without the .json suffix


def discover_inputs(arguments: tuple[str, ...]) -> list[Path | None]:
    """Files as given; a folder stands for every supported file below it (recursive, sorted,
    hidden files and folders skipped); ``-`` (None here) is standard input.  Each file once."""
    from digitize.io.loader import SUPPORTED_EXTENSIONS

    found: list[Path | None] = []
    seen: set[Path] = set()
    for argument in arguments:
        if argument == STDIN_NAME:
            if None in found:
                raise click.BadParameter("'-' (standard input) can be given once", param_hint="FILES")
            found.append(None)
            continue
        path = Path(argument)
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS
                and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            candidates = [path]
        for candidate in candidates:
            resolved = candidate.absolute()
            if resolved not in seen:
                seen.add(resolved)
                found.append(candidate)
    return found


def input_items(found: list[Path | None], arguments: tuple[str, ...]) -> list[InputItem]:
    """Inputs with unique output names: each path relative to the common folder of the inputs'
    folders (a folder argument counts as its own root), so ``a/scan.jpg`` and ``b/scan.jpg``
    become ``a/scan`` and ``b/scan``; two files differing only by extension keep it (``scan.jpg``)."""
    roots = [Path(a).absolute() for a in arguments if a != STDIN_NAME and Path(a).is_dir()]

    def root_of(path: Path) -> Path:
        absolute = path.absolute()
        inside = [r for r in roots if absolute.is_relative_to(r)]
        return max(inside, key=lambda r: len(r.parts)) if inside else absolute.parent

    files = [p for p in found if p is not None]
    common = Path(os.path.commonpath([str(root_of(p)) for p in files])) if files else Path.cwd()
    relative = {p: p.absolute().relative_to(common) for p in files}
    stems: dict[PurePath, int] = {}
    for rel in relative.values():
        stems[rel.with_suffix("")] = stems.get(rel.with_suffix(""), 0) + 1
    items = []
    for p in found:
        if p is None:
            items.append(InputItem(path=Path(STDIN_NAME), name=STDIN_NAME, key=PurePath(STDIN_KEY)))
            continue
        rel = relative[p]
        key = rel.with_suffix("") if stems[rel.with_suffix("")] == 1 else rel
        items.append(InputItem(path=p, name=str(p), key=key))
    return items


@dataclass
class OutputPlan:
    """Where results go: ``stdout``, one ``file``, or a ``folder`` (one JSON per input, or the table)."""

    kind: Literal["stdout", "file", "folder"]
    fmt: str
    target: Path | None = None  # the file, or the folder
    targets: dict[str, Path] = field(default_factory=dict)  # JSON in a folder: input name -> file

    def table_target(self) -> Path | None:
        """The CSV/XLSX file, or None for standard output."""
        if self.kind == "folder":
            assert self.target is not None
            return self.target / TABLE_NAMES[self.fmt]
        return self.target

    def files(self) -> list[Path]:
        """Every file the run may write."""
        if self.kind == "stdout":
            return []
        if self.fmt != "json":
            target = self.table_target()
            return [] if target is None else [target]
        if self.kind == "file":
            assert self.target is not None
            return [self.target]
        return list(self.targets.values())


def _looks_like_folder(output: str) -> bool:
    return output.endswith(("/", os.sep)) or Path(output).is_dir()


def plan_output(output: str | None, fmt: str, items: list[InputItem], dossier_name: str | None,
                force: bool) -> OutputPlan:
    """Decide and check every output before any input is read.

    ``dossier_name``: the one merged result's name (``--dossier``), else None (one result per
    input).  Raises :class:`OutputError` for an output that cannot be written, an xlsx without
    ``-o``, or (without ``force``) any result file that exists already.
    """
    results = 1 if dossier_name is not None else len(items)
    if output is None or output == STDIN_NAME:
        if fmt == "xlsx":
            raise OutputError("--format xlsx needs -o FILE.xlsx or -o FOLDER/")
        return OutputPlan(kind="stdout", fmt=fmt)
    path = Path(output)
    folder = _looks_like_folder(output) or (fmt == "json" and results > 1)
    if folder:
        if path.exists() and not path.is_dir():
            raise OutputError(f"-o {output}: {results} results need a folder, and this is a file")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"-o {output}: cannot create the folder ({exc.strerror})") from exc
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(f"-o {output}: the folder is not writable")
        plan = OutputPlan(kind="folder", fmt=fmt, target=path)
        if fmt == "json":
            if dossier_name is not None:
                plan.targets[dossier_name] = path / f"{dossier_name}{JSON_SUFFIX}"
            else:
                plan.targets = {item.name: path / f"{item.key}{JSON_SUFFIX}" for item in items}
    else:
        parent = path.parent
        if not parent.is_dir():
            raise OutputError(f"-o {output}: the folder {parent} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(f"-o {output}: the folder {parent} is not writable")
        plan = OutputPlan(kind="file", fmt=fmt, target=path)
    existing = [p for p in plan.files() if p.exists()]
    if existing and not force:
        more = f" (and {len(existing) - MAX_CLASHES_SHOWN} more)" if len(existing) > MAX_CLASHES_SHOWN else ""
        shown = ", ".join(str(p) for p in existing[:MAX_CLASHES_SHOWN])
        raise OutputError(f"would overwrite {shown}{more}: add --force to replace, or choose another -o")
    return plan


def write_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file in the same folder and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compact(document: Document) -> Document:
    """The document without OCR lines and page images: enough for Form 01 rows and duplicate checks."""
    pages = [p.model_copy(update={"lines": [], "fields": [], "image": None, "color_image": None,
                                  "damage_mask": None}) for p in document.pages]
    return document.model_copy(update={"pages": pages})


def write_fields_csv(docs: list[dict[str, Any]], stream: IO[str]) -> None:
    """One CSV row per field of each result (``--format fields-csv``)."""
    writer = csv.writer(stream)
    writer.writerow(["source", "loai_tai_lieu", "path", "value", "raw", "confidence", "status", "page", "box"])
    for doc in docs:
        for f in doc["fields"]:
            value = f["value"]
            writer.writerow([
                doc["source"], doc["loai_tai_lieu"], f["path"],
                "" if value is None else (json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict)
                                          else value),
                f["raw"] or "", f"{f['confidence']:.3f}", f["status"],
                "" if f["page"] is None else f["page"] + 1,
                "" if f["box"] is None else " ".join(f"{v:.0f}" for v in f["box"]),
            ])


class ResultWriter:
    """Writes each result the moment it is done; tables and duplicate notes at :meth:`finish`."""

    def __init__(self, plan: OutputPlan, include_lines: bool, single: bool) -> None:
        self.plan = plan
        self.include_lines = include_lines
        self.single = single  # one result on standard output: pretty JSON, else JSON Lines
        self.kept: list[tuple[str, Document]] = []  # compact documents for tables and duplicate checks
        self.failures: list[Failure] = []  # rows of the Form 01 table too, so every input is counted
        self.written: dict[str, Path] = {}

    def add_failure(self, failure: Failure) -> None:
        """Keep an input that gave no document for the Form 01 table (JSON output reports it on stderr)."""
        if self.plan.fmt in ("csv", "xlsx"):
            self.failures.append(failure)

    def add(self, name: str, document: Document) -> None:
        """Write (JSON) or keep (tables) one result; ``name`` is the input's name."""
        kept = compact(document)
        if self.plan.fmt == "json":  # only what the duplicate check reads: the serial and page hashes
            kept = kept.model_copy(update={"fields": [f for f in kept.fields if f.path == DUPLICATE_KEY]})
        self.kept.append((name, kept))
        if self.plan.fmt != "json":
            return
        result = document.to_output(include_lines=self.include_lines)
        if self.plan.kind == "stdout":
            text = json.dumps(result, ensure_ascii=False, indent=2 if self.single else None)
            click.echo(text)
            sys.stdout.flush()
            return
        target = self.plan.target if self.plan.kind == "file" else self.plan.targets[name]
        assert target is not None
        write_atomic(target, json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        self.written[name] = target

    def finish(self, duplicates: dict[int, list[str]]) -> Iterator[str]:
        """Add duplicate notes (to written JSON files, or returned as messages) and write the table."""
        for index, notes in duplicates.items():
            name, document = self.kept[index]
            self.kept[index] = (name, document.model_copy(update={"warnings": [*document.warnings, *notes]}))
            target = self.written.get(name)
            if target is not None:
                data = json.loads(target.read_text(encoding="utf-8"))
                data["warnings"] = [*data.get("warnings", []), *notes]
                write_atomic(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            elif self.plan.fmt == "json":
                yield from (f"{name}: {note}" for note in notes)
        if self.plan.fmt != "json":
            self._write_table()

    def _write_table(self) -> None:
        from digitize.export import write_form01_xlsx

        docs = [d for _, d in self.kept]
        target = self.plan.table_target()
        if self.plan.fmt == "xlsx":
            assert target is not None
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp.xlsx")
            try:
                write_form01_xlsx(self._table_items(), temporary)
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)
            return
        if target is None:
            self._table(docs, sys.stdout)
            return
        import io

        buffer = io.StringIO()
        self._table(docs, buffer)
        write_atomic(target, "\ufeff" + buffer.getvalue())  # BOM: Excel reads the accents

    def _table_items(self) -> list[ExportItem]:
        from digitize.export import ExportItem

        return [*(ExportItem(source=name, document=d) for name, d in self.kept),
                *(ExportItem(source=f.path, failure=f) for f in self.failures)]

    def _table(self, docs: list[Document], stream: IO[str]) -> None:
        from digitize.export import write_form01_csv

        if self.plan.fmt == "csv":
            write_form01_csv(self._table_items(), stream)
        else:
            write_fields_csv([d.to_output() for d in docs], stream)
