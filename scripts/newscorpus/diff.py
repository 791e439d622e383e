"""``newscorpus diff A B``: what changed between two versions of the corpus.

A and B are either two versions of the repository that holds the root
(release versions such as ``1.0.0``, found even in a clone without tags; tags,
branches, commit ids) or two export folders built by
``newscorpus build``.  For every layer -- the manifest, the entity table and
the annotation layers -- records are matched by their key ((doc_id, id) per
document, the id for corpus-wide files) and reported as added, removed or
changed (with each changed field's old and new value), with the per-label
counts before and after.

Git revisions are read with ``git archive`` into a temporary folder (only the
manifest and annotations/, streamed member by member); export folders are read
from their Parquet files with pyarrow, decoding ClassLabel ids back to names
from the Hugging Face features stored in the Parquet schema metadata.  Both
sides are walked one document at a time in doc_id order, so memory does not
grow with the number of records that did not change.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from . import schema
from .schema import RecordShape
from .corpus import CorpusError, Layout, read_records
from .repo import VERSION_RE, GitError, git, has_path, release_commit

DIFF_SHAPES: tuple[RecordShape, ...] = (schema.DOCUMENT, schema.ENTITY, *schema.ANNOTATION_LAYERS)
"""Layers compared, in report order; names match the export's config names."""

Key = tuple[str, str]  # (doc_id or "", record id)


class DiffError(Exception):
    """A side that cannot be read; the message names the revision or file and the problem."""


# --------------------------------------------------------------------------- results


@dataclass
class Changed:
    doc_id: str
    record_id: str
    fields: dict[str, tuple[Any, Any]]  # field -> (old, new), in schema order


@dataclass
class LayerDiff:
    """One layer's differences; label counts are (before, after) per label of each label field."""

    layer: str
    added: list[Key] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    before: int = 0
    after: int = 0
    labels: dict[str, tuple[Counter[str], Counter[str]]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def label_rows(self, field_name: str) -> list[tuple[str, int, int]]:
        """(label, before, after) in inventory order, then labels outside the inventory; zero rows skipped."""
        before, after = self.labels[field_name]
        inventory = schema_field(self.layer, field_name).inventory
        known = inventory.names if inventory else []
        extra = sorted((set(before) | set(after)) - set(known))
        return [(name, before[name], after[name]) for name in [*known, *extra] if before[name] or after[name]]


@dataclass
class CorpusDiff:
    a: str
    b: str
    layers: list[LayerDiff]

    @property
    def is_empty(self) -> bool:
        return all(layer.is_empty for layer in self.layers)

    def layer(self, name: str) -> LayerDiff:
        return next(layer for layer in self.layers if layer.layer == name)


def schema_field(layer: str, field_name: str) -> schema.Field:
    return schema.shape_by_name(layer).field(field_name)


# --------------------------------------------------------------------------- comparing


def _compared_fields(shape: RecordShape, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Schema fields first, in schema order, then any other keys, sorted: the order a reader expects."""
    names = shape.field_names
    return [*names, *sorted((set(old) | set(new)) - set(names))]


def compare_records(shape: RecordShape, old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (old.get(name), new.get(name))
        for name in _compared_fields(shape, old, new)
        if old.get(name) != new.get(name)
    }


def _index(shape: RecordShape, records: list[dict[str, Any]], where: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for record in records:
        rid = record.get(shape.id_field)
        if not isinstance(rid, str):
            raise DiffError(f"{where}: a {shape.name} record has no string {shape.id_field!r}: {record}")
        if rid in out:
            raise DiffError(f"{where}: duplicate {shape.id_field} {rid!r}")
        out[rid] = record
    return out


def _count_labels(shape: RecordShape, records: Iterator[dict[str, Any]] | list[dict[str, Any]], into: dict[str, Counter[str]]) -> None:
    for record in records:
        for f in shape.label_fields:
            into[f.name][str(record.get(f.name))] += 1


def diff_layer(shape: RecordShape, docs: Iterator[tuple[str, list[dict[str, Any]], list[dict[str, Any]], str]]) -> LayerDiff:
    """Compare one layer, fed one document at a time as (doc_id, old records, new records, where)."""
    result = LayerDiff(shape.name)
    before: dict[str, Counter[str]] = {f.name: Counter() for f in shape.label_fields}
    after: dict[str, Counter[str]] = {f.name: Counter() for f in shape.label_fields}
    for doc_id, old_records, new_records, where in docs:
        old, new = _index(shape, old_records, f"{where} (old)"), _index(shape, new_records, f"{where} (new)")
        result.before += len(old)
        result.after += len(new)
        _count_labels(shape, old_records, before)
        _count_labels(shape, new_records, after)
        for rid in sorted(set(old) | set(new)):
            if rid not in old:
                result.added.append((doc_id, rid))
            elif rid not in new:
                result.removed.append((doc_id, rid))
            else:
                changes = compare_records(shape, old[rid], new[rid])
                if changes:
                    result.changed.append(Changed(doc_id, rid, changes))
    result.labels = {name: (before[name], after[name]) for name in before}
    return result


# --------------------------------------------------------------------------- sides


class Side:
    """One version of the corpus, read layer by layer and document by document."""

    label: str

    def doc_ids(self, shape: RecordShape) -> set[str]:
        raise NotImplementedError

    def records(self, shape: RecordShape, doc_id: str) -> list[dict[str, Any]]:
        raise NotImplementedError

    def has_layer(self, shape: RecordShape) -> bool:
        return True


class RootSide(Side):
    """A corpus root on disk (a git revision extracted to a temporary folder)."""

    def __init__(self, root: Path, label: str) -> None:
        self.layout = Layout(root)
        self.label = label

    def _path(self, shape: RecordShape, doc_id: str) -> Path:
        if shape is schema.DOCUMENT:
            return self.layout.manifest_path
        if not shape.per_document:
            return self.layout.annotations_dir / f"{shape.name}.jsonl"
        return self.layout.layer_path(shape, doc_id)

    def doc_ids(self, shape: RecordShape) -> set[str]:
        if not shape.per_document:
            return {""}
        folder = self.layout.layer_dir(shape)
        return {p.stem for p in folder.glob("*.jsonl")} if folder.is_dir() else set()

    def records(self, shape: RecordShape, doc_id: str) -> list[dict[str, Any]]:
        path = self._path(shape, doc_id)
        try:
            return read_records(path, shown_as=self.layout.relative(path))
        except CorpusError as exc:
            raise DiffError(f"{self.label}: {exc}") from exc


def _git(root: Path, *args: str) -> str:
    try:
        return git(root, *args)
    except GitError as exc:
        raise DiffError(str(exc)) from None


def resolve_revision(root: Path, rev: str) -> str:
    """A commit id for ``rev``: a release version X.Y.Z (found with or without its tag), or any git revision."""
    try:
        if VERSION_RE.match(rev):
            return release_commit(root, rev)
        return git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
    except GitError:
        raise DiffError(f"{rev!r} is neither a folder, a release version nor a git revision of the repository at {root}") from None


def extract_revision(root: Path, rev: str, dest: Path) -> Path:
    """Write the manifest and annotations/ of ``rev`` under ``dest``; returns the root inside it.

    The root may be a sub-folder of the repository, so paths are taken relative
    to the repository's top level.  Members stream out of ``git archive`` one
    at a time; the texts are not needed for a diff and are not extracted.
    """
    commit = resolve_revision(root, rev)
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    wanted = [f"{prefix}corpus/manifest.jsonl", f"{prefix}annotations"]
    present = [p for p in wanted if has_path(top, commit, p)]
    if f"{prefix}corpus/manifest.jsonl" not in present:
        raise DiffError(f"revision {rev!r} has no {prefix}corpus/manifest.jsonl: not a corpus revision")
    with subprocess.Popen(["git", "-C", str(top), "archive", "--format=tar", commit, "--", *present], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if member.isfile() or member.isdir():
                    tar.extract(member, dest, filter="data")
        stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise DiffError(f"git archive {rev} failed: {stderr.strip()}")
    return dest / prefix


class ExportSide(Side):
    """An export folder: data/<config>/<split>-*.parquet, one table per layer."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = str(folder)
        if not (folder / "data").is_dir():
            raise DiffError(f"{folder}: not an export folder (no data/ with Parquet configs)")
        self._cache: tuple[str, dict[str, list[dict[str, Any]]]] | None = None

    def has_layer(self, shape: RecordShape) -> bool:
        return any((self.folder / "data" / self._config(shape)).glob("*.parquet"))

    @staticmethod
    def _config(shape: RecordShape) -> str:
        return "documents" if shape is schema.DOCUMENT else shape.name

    def _load(self, shape: RecordShape) -> dict[str, list[dict[str, Any]]]:
        """Rows of one config grouped by doc_id, reduced to the shape's own fields.

        One config is held at a time (the cache keeps the last one), which is
        the price of Parquet files being laid out by split rather than by document.
        """
        if self._cache and self._cache[0] == shape.name:
            return self._cache[1]
        grouped: dict[str, list[dict[str, Any]]] = {}
        seen_entities: set[str] = set()
        for path in sorted((self.folder / "data" / self._config(shape)).glob("*.parquet")):
            split = path.name.split("-", 1)[0]
            for row in read_parquet_rows(path):
                record = {k: row[k] for k in shape.field_names if k in row}
                if shape is schema.DOCUMENT:
                    record["split"] = split
                    record = {k: record.get(k) for k in shape.field_names}
                if not shape.per_document:
                    if shape is schema.ENTITY:  # one row per split that mentions the entity
                        if record.get(shape.id_field) in seen_entities:
                            continue
                        seen_entities.add(record.get(shape.id_field))  # type: ignore[arg-type]
                    grouped.setdefault("", []).append(record)
                else:
                    grouped.setdefault(str(row.get("doc_id")), []).append(record)
        self._cache = (shape.name, grouped)
        return grouped

    def doc_ids(self, shape: RecordShape) -> set[str]:
        return set(self._load(shape))

    def records(self, shape: RecordShape, doc_id: str) -> list[dict[str, Any]]:
        return self._load(shape).get(doc_id, [])


def read_parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of one Parquet file, batch by batch, with ClassLabel ids turned back into names."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    names = _class_label_names(parquet.schema_arrow.metadata or {})
    for batch in parquet.iter_batches():
        for row in batch.to_pylist():
            for column, labels in names.items():
                value = row.get(column)
                if isinstance(value, int) and 0 <= value < len(labels):
                    row[column] = labels[value]
            yield row


def _class_label_names(metadata: dict[bytes, bytes]) -> dict[str, list[str]]:
    """Top-level ClassLabel columns and their names, from the 'huggingface' schema metadata."""
    raw = metadata.get(b"huggingface")
    if not raw:
        return {}
    features = json.loads(raw).get("info", {}).get("features", {})
    return {
        name: feature["names"]
        for name, feature in features.items()
        if isinstance(feature, dict) and feature.get("_type") == "ClassLabel" and "names" in feature
    }


# --------------------------------------------------------------------------- driver


def diff_sides(a: Side, b: Side) -> CorpusDiff:
    layers = []
    for shape in DIFF_SHAPES:
        if not (a.has_layer(shape) and b.has_layer(shape)):
            continue
        doc_ids = sorted(a.doc_ids(shape) | b.doc_ids(shape))
        where = shape.name
        feed = ((d, a.records(shape, d), b.records(shape, d), f"{where} {d}".strip()) for d in doc_ids)
        layers.append(diff_layer(shape, feed))
    return CorpusDiff(a.label, b.label, layers)


@contextmanager
def open_side(root: Path, spec: str, tmp: Path) -> Iterator[Side]:
    """An export folder when ``spec`` is a folder, otherwise a git revision of ``root``'s repository."""
    folder = Path(spec)
    if folder.is_dir():
        yield ExportSide(folder)
        return
    extracted = extract_revision(root, spec, tmp)
    yield RootSide(extracted, spec)


def diff(root: Path, a: str, b: str) -> CorpusDiff:
    if Path(a).is_dir() != Path(b).is_dir():
        raise DiffError(f"compare two folders or two revisions, not one of each ({a!r}, {b!r})")
    with tempfile.TemporaryDirectory(prefix="newscorpus-diff-") as tmp:
        with open_side(root, a, Path(tmp) / "a") as side_a, open_side(root, b, Path(tmp) / "b") as side_b:
            return diff_sides(side_a, side_b)


# --------------------------------------------------------------------------- rendering


def _key(key: Key) -> str:
    return f"{key[0]}/{key[1]}" if key[0] else key[1]


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def summary_lines(result: CorpusDiff) -> list[str]:
    """One line a layer: what the changelog quotes."""
    return [
        f"{layer.layer}: {len(layer.added)} added, {len(layer.removed)} removed, {len(layer.changed)} changed "
        f"({layer.before} -> {layer.after} records)"
        for layer in result.layers
    ]


def render_text(result: CorpusDiff) -> str:
    lines = [f"newscorpus diff {result.a} {result.b}"]
    for layer in result.layers:
        lines.append("")
        lines.append(summary_lines(CorpusDiff(result.a, result.b, [layer]))[0])
        lines += [f"  + {_key(k)}" for k in layer.added]
        lines += [f"  - {_key(k)}" for k in layer.removed]
        for change in layer.changed:
            fields = "; ".join(f"{name}: {_value(old)} -> {_value(new)}" for name, (old, new) in change.fields.items())
            lines.append(f"  ~ {_key((change.doc_id, change.record_id))}: {fields}")
        for field_name in layer.labels:
            rows = [r for r in layer.label_rows(field_name) if r[1] != r[2]]
            if rows:
                lines.append(f"  {field_name}: " + ", ".join(f"{label} {b} -> {a}" for label, b, a in rows))
    return "\n".join(lines) + "\n"


def to_json(result: CorpusDiff) -> dict[str, Any]:
    def key(k: Key) -> dict[str, str]:
        return {"doc_id": k[0], "id": k[1]} if k[0] else {"id": k[1]}

    return {
        "a": result.a,
        "b": result.b,
        "layers": {
            layer.layer: {
                "records": {"before": layer.before, "after": layer.after},
                "added": [key(k) for k in layer.added],
                "removed": [key(k) for k in layer.removed],
                "changed": [
                    {**key((c.doc_id, c.record_id)), "fields": {n: {"old": o, "new": v} for n, (o, v) in c.fields.items()}}
                    for c in layer.changed
                ],
                "labels": {
                    name: {label: {"before": b, "after": a} for label, b, a in layer.label_rows(name)}
                    for name in layer.labels
                },
            }
            for layer in result.layers
        },
    }


# --------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", help="old side: a git revision (tag, branch, commit) or an export folder")
    parser.add_argument("b", help="new side: a git revision or an export folder")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    try:
        result = diff(Path(args.root), args.a, args.b)
    except DiffError as exc:
        print(f"newscorpus diff: error: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        sys.stdout.write(json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(result))
    return 0
