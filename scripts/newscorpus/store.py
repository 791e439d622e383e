"""Reading and writing the corpus and its stand-off annotation files.

Layout of a corpus root::

    corpus/<doc_id>.txt                     verbatim article text (never rewritten)
    corpus/manifest.jsonl                   one document record per line
    annotations/entity_table.jsonl          corpus-wide entities
    annotations/<layer>/<doc_id>.jsonl      entities, figures, stances, exceptions

Files hold one JSON record per line with keys in schema order and records in
a stable sort order, so that a git diff shows exactly the records that changed.
Writes go to a temp file in the same folder and are renamed into place, so a
crash never leaves a half-written file behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import schema
from .schema import RecordShape


@dataclass(frozen=True)
class Layout:
    """Where each file of a corpus root lives; the only place that spells these paths."""

    root: Path

    @property
    def corpus_dir(self) -> Path:
        return self.root / "corpus"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.jsonl"

    @property
    def annotations_dir(self) -> Path:
        return self.root / "annotations"

    @property
    def entity_table_path(self) -> Path:
        return self.annotations_dir / f"{schema.ENTITY.name}.jsonl"

    @property
    def errata_path(self) -> Path:
        return self.annotations_dir / f"{schema.ERRATUM.name}.jsonl"

    def text_path(self, doc_id: str) -> Path:
        return self.corpus_dir / f"{doc_id}.txt"

    def layer_dir(self, shape: RecordShape) -> Path:
        return self.annotations_dir / shape.name

    def layer_path(self, shape: RecordShape, doc_id: str) -> Path:
        return self.layer_dir(shape) / f"{doc_id}.jsonl"

    def relative(self, path: Path) -> str:
        """A path as shown in findings and messages: relative to the root when inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def find_root(start: Path | None = None) -> Path:
    """The corpus root: the nearest folder at or above ``start`` that has corpus/manifest.jsonl."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if Layout(candidate).manifest_path.is_file():
            return candidate
    return here


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class JsonLine:
    """One line of a JSONL file: the parsed record, or the reason it could not be parsed."""

    path: Path
    line_no: int
    record: dict[str, Any] | None
    error: str | None = None


def read_jsonl(path: Path) -> Iterator[JsonLine]:
    """Yield every non-blank line; bad JSON or a non-object line is reported, not raised."""
    for line_no, record, error in iter_json_lines(path):
        yield JsonLine(path, line_no, record, error)


_raw_decode = json.JSONDecoder().raw_decode
_JSON_WHITESPACE = " \t\n\r"


def iter_json_lines(path: Path | str) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """``read_jsonl`` as plain (line_no, record, error) tuples: the validator's per-line hot path.

    A line that is one JSON value with at most JSON whitespace around its end is decoded once,
    without ``json.loads``'s wrapper; anything else (blank lines, leading whitespace, errors) goes
    through ``json.loads``, so what is accepted and how errors read is exactly ``json.loads``'s.
    """
    with open(path, encoding="utf-8") as handle:
        for line_no, raw in enumerate(handle, start=1):
            try:
                value, end = _raw_decode(raw)
                clean = not raw[end:].strip(_JSON_WHITESPACE)
            except json.JSONDecodeError:
                clean = False
            if not clean:
                if not raw.strip():
                    continue
                try:
                    value = json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield line_no, None, f"invalid JSON: {exc.msg} (column {exc.colno})"
                    continue
            if not isinstance(value, dict):
                yield line_no, None, f"expected a JSON object, got {type(value).__name__}"
                continue
            yield line_no, value, None


def read_text(path: Path) -> str:
    """The document text exactly as stored: bytes decoded as UTF-8, no newline translation."""
    return path.read_bytes().decode("utf-8")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CorpusError(Exception):
    """Raised by strict loaders when a file cannot be read; the message names file and line."""


@dataclass
class Corpus:
    """Everything under a root, loaded: manifest, texts, entity table and per-document layers."""

    layout: Layout
    documents: list[dict[str, Any]]
    texts: dict[str, str]
    entity_table: list[dict[str, Any]]
    layers: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)

    def records(self, shape: RecordShape, doc_id: str) -> list[dict[str, Any]]:
        return self.layers.get(shape.name, {}).get(doc_id, [])

    @property
    def entities_by_id(self) -> dict[str, dict[str, Any]]:
        return {e["entity_id"]: e for e in self.entity_table}

    def split_doc_ids(self) -> dict[str, list[str]]:
        """Document ids per split, splits in inventory order, documents in manifest order."""
        out: dict[str, list[str]] = {}
        for name in schema.SPLITS.names:
            ids = [d["doc_id"] for d in self.documents if d["split"] == name]
            if ids:
                out[name] = ids
        return out


def read_records(path: Path, *, shown_as: str | None = None) -> list[dict[str, Any]]:
    """Every record of a JSONL file, or [] when the file does not exist (a document with no
    records of a layer has no file); a bad line raises CorpusError naming file and line."""
    if not path.is_file():
        return []
    records = []
    for line in read_jsonl(path):
        if line.record is None:
            raise CorpusError(f"{shown_as or path}:{line.line_no}: {line.error}")
        records.append(line.record)
    return records


def load_corpus(root: Path) -> Corpus:
    """Load a root without validating it; run the validator first when the data may be bad."""
    layout = Layout(root)
    if not layout.manifest_path.is_file():
        raise CorpusError(f"{layout.manifest_path}: no manifest (is {root} a corpus root?)")
    documents = read_records(layout.manifest_path)
    texts = {d["doc_id"]: read_text(layout.text_path(d["doc_id"])) for d in documents}
    table = read_records(layout.entity_table_path)
    layers: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for shape in schema.PER_DOCUMENT_SHAPES:
        per_doc = layers.setdefault(shape.name, {})
        for doc in documents:
            per_doc[doc["doc_id"]] = read_records(layout.layer_path(shape, doc["doc_id"]))
    return Corpus(layout, documents, texts, table, layers)


# --------------------------------------------------------------------------- writing


def _canonical_value(f: schema.Field, value: Any) -> Any:
    """Integral floats are written as integers so that 1e11 reads as 100000000000 in diffs."""
    if f.kind == "float" and isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def canonical_record(shape: RecordShape, record: dict[str, Any]) -> dict[str, Any]:
    """The record with schema fields in schema order; unknown keys are kept, sorted, after them."""
    known = {f.name: _canonical_value(f, record[f.name]) for f in shape.fields if f.name in record}
    extra = {k: record[k] for k in sorted(record) if k not in known}
    return {**known, **extra}


def sort_key(shape: RecordShape, record: dict[str, Any]) -> tuple:
    return tuple((record.get(name) is None, record.get(name)) for name in shape.sort_fields)


def dumps_records(shape: RecordShape, records: Iterable[dict[str, Any]]) -> str:
    """The canonical file content for a set of records: sorted, one compact JSON object a line."""
    ordered = sorted(records, key=lambda r: sort_key(shape, r))
    lines = [json.dumps(canonical_record(shape, r), ensure_ascii=False) for r in ordered]
    return "".join(line + "\n" for line in lines)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_records(path: Path, shape: RecordShape, records: Iterable[dict[str, Any]]) -> None:
    atomic_write_text(path, dumps_records(shape, records))
