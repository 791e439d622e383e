"""``newscorpus diff A B``: what changed between two versions of the corpus.

A and B are two git revisions of the repository that holds the root (release versions such
as ``1.0.0``, found even in a clone without tags; tags, branches, commit ids) or two export
folders built by ``newscorpus build``.  Every layer's records (manifest, entity table,
annotation layers) are matched by key ((doc_id, id) per document, the id in corpus-wide
files) and reported as added, removed or changed (each changed field's old and new value),
with the per-label counts before and after.

Revisions are streamed out of ``git archive`` (only the manifest and annotations/); exports are
read from their Parquet files, ClassLabel ids decoded with the features in the schema metadata.
Both sides are walked one document at a time in doc_id order, so memory does not grow with the
number of records that did not change.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
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
    fields: dict[str, tuple[Any, Any]]  # field -> (old, new): schema fields in schema order, then other keys sorted


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
        inventory = schema.shape_by_name(self.layer).field(field_name).inventory
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


# --------------------------------------------------------------------------- comparing


def compare_records(shape: RecordShape, old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields whose values differ: schema fields first, in schema order, then any other keys, sorted."""
    names = [*shape.field_names, *sorted((set(old) | set(new)) - set(shape.field_names))]
    return {name: (old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)}


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


def _count_labels(shape: RecordShape, records: list[dict[str, Any]], into: dict[str, Counter[str]]) -> None:
    for record in records:
        for f in shape.label_fields:
            into[f.name][str(record.get(f.name))] += 1


def diff_layer(shape: RecordShape, docs: Iterator[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]) -> LayerDiff:
    """Compare one layer, fed one document at a time as (doc_id, old records, new records)."""
    result = LayerDiff(shape.name)
    before: dict[str, Counter[str]] = {f.name: Counter() for f in shape.label_fields}
    after: dict[str, Counter[str]] = {f.name: Counter() for f in shape.label_fields}
    for doc_id, old_records, new_records in docs:
        where = f"{shape.name} {doc_id}".strip()
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
            elif changes := compare_records(shape, old[rid], new[rid]):
                result.changed.append(Changed(doc_id, rid, changes))
    result.labels = {name: (before[name], after[name]) for name in before}
    return result


# --------------------------------------------------------------------------- sides


class RootSide:
    """A corpus root on disk (a git revision extracted to a temporary folder), read document by document."""

    def __init__(self, root: Path, label: str) -> None:
        self.layout = Layout(root)
        self.label = label

    def has_layer(self, shape: RecordShape) -> bool:
        return True

    def doc_ids(self, shape: RecordShape) -> set[str]:
        if not shape.per_document:
            return {""}
        folder = self.layout.layer_dir(shape)
        return {p.stem for p in folder.glob("*.jsonl")} if folder.is_dir() else set()

    def records(self, shape: RecordShape, doc_id: str) -> list[dict[str, Any]]:
        if shape is schema.DOCUMENT:
            path = self.layout.manifest_path
        elif not shape.per_document:
            path = self.layout.annotations_dir / f"{shape.name}.jsonl"
        else:
            path = self.layout.layer_path(shape, doc_id)
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
        what = "a folder, a release version nor a git revision"
        raise DiffError(f"{rev!r} is neither {what} of the repository at {root}") from None


def extract_revision(root: Path, rev: str, dest: Path) -> Path:
    """Write the manifest and annotations/ of ``rev`` under ``dest``; returns the root inside it.

    The root may be a sub-folder of the repository, so paths are taken relative
    to the repository's top level.  Members stream out of ``git archive`` one
    at a time; the texts are not needed for a diff and are not extracted.
    """
    commit = resolve_revision(root, rev)
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    manifest = f"{prefix}corpus/manifest.jsonl"
    present = [p for p in (manifest, f"{prefix}annotations") if has_path(top, commit, p)]
    if manifest not in present:
        raise DiffError(f"revision {rev!r} has no {manifest}: not a corpus revision")
    command = ["git", "-C", str(top), "archive", "--format=tar", commit, "--", *present]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if member.isfile() or member.isdir():
                    tar.extract(member, dest, filter="data")
        stderr = proc.stderr.read().decode()
    if proc.returncode != 0:
        raise DiffError(f"git archive {rev} failed: {stderr.strip()}")
    return dest / prefix


class ExportSide:
    """An export folder: data/<config>/<split>-*.parquet, one table per layer."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = str(folder)
        if not (folder / "data").is_dir():
            raise DiffError(f"{folder}: not an export folder (no data/ with Parquet configs)")
        self._cache: tuple[str, dict[str, list[dict[str, Any]]]] | None = None

    def _files(self, shape: RecordShape) -> list[Path]:
        return sorted((self.folder / "data" / ("documents" if shape is schema.DOCUMENT else shape.name)).glob("*.parquet"))

    def has_layer(self, shape: RecordShape) -> bool:
        return bool(self._files(shape))

    def _load(self, shape: RecordShape) -> dict[str, list[dict[str, Any]]]:
        """Rows of one config grouped by doc_id, reduced to the shape's own fields.

        One config is held at a time (the cache keeps the last one), which is
        the price of Parquet files being laid out by split rather than by document.
        """
        if self._cache and self._cache[0] == shape.name:
            return self._cache[1]
        grouped: dict[str, list[dict[str, Any]]] = {}
        seen_entities: set[str] = set()
        for path in self._files(shape):
            split = path.name.split("-", 1)[0]
            for row in read_parquet_rows(path):
                record = {k: row[k] for k in shape.field_names if k in row}
                if shape is schema.DOCUMENT:
                    record = {k: split if k == "split" else record.get(k) for k in shape.field_names}
                if shape is schema.ENTITY:  # one row per split that mentions the entity
                    if record.get(shape.id_field) in seen_entities:
                        continue
                    seen_entities.add(record.get(shape.id_field))  # type: ignore[arg-type]
                grouped.setdefault(str(row.get("doc_id")) if shape.per_document else "", []).append(record)
        self._cache = (shape.name, grouped)
        return grouped

    def doc_ids(self, shape: RecordShape) -> set[str]:
        return set(self._load(shape))

    def records(self, shape: RecordShape, doc_id: str) -> list[dict[str, Any]]:
        return self._load(shape).get(doc_id, [])


def read_parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of one Parquet file, batch by batch, with top-level ClassLabel ids turned back into names."""
    import pyarrow.parquet as pq
    from datasets import ClassLabel, Features

    parquet = pq.ParquetFile(path)
    features = Features.from_arrow_schema(parquet.schema_arrow)  # the export's features, from the schema metadata
    names = {name: feature.names for name, feature in features.items() if isinstance(feature, ClassLabel)}
    for batch in parquet.iter_batches():
        for row in batch.to_pylist():
            for column, labels in names.items():
                value = row.get(column)
                if isinstance(value, int) and 0 <= value < len(labels):
                    row[column] = labels[value]
            yield row


# --------------------------------------------------------------------------- driver


def diff(root: Path, a: str, b: str) -> CorpusDiff:
    """Compare two export folders, or two git revisions of ``root``'s repository."""
    if Path(a).is_dir() != Path(b).is_dir():
        raise DiffError(f"compare two folders or two revisions, not one of each ({a!r}, {b!r})")
    with tempfile.TemporaryDirectory(prefix="newscorpus-diff-") as tmp:
        if Path(a).is_dir():
            side_a, side_b = ExportSide(Path(a)), ExportSide(Path(b))
        else:
            side_a = RootSide(extract_revision(root, a, Path(tmp) / "a"), a)
            side_b = RootSide(extract_revision(root, b, Path(tmp) / "b"), b)
        layers = []
        for shape in DIFF_SHAPES:
            if side_a.has_layer(shape) and side_b.has_layer(shape):
                doc_ids = sorted(side_a.doc_ids(shape) | side_b.doc_ids(shape))
                feed = ((d, side_a.records(shape, d), side_b.records(shape, d)) for d in doc_ids)
                layers.append(diff_layer(shape, feed))
        return CorpusDiff(a, b, layers)


# --------------------------------------------------------------------------- rendering


def _key(key: Key) -> str:
    return f"{key[0]}/{key[1]}" if key[0] else key[1]


def describe_change(change: Changed) -> str:
    """``field: old -> new; ...`` with JSON values: how the diff and the errata show a change."""
    return "; ".join(
        f"{name}: {json.dumps(old, ensure_ascii=False)} -> {json.dumps(new, ensure_ascii=False)}"
        for name, (old, new) in change.fields.items()
    )


def _summary(layer: LayerDiff) -> str:
    counts = f"{len(layer.added)} added, {len(layer.removed)} removed, {len(layer.changed)} changed"
    return f"{layer.layer}: {counts} ({layer.before} -> {layer.after} records)"


def summary_lines(result: CorpusDiff) -> list[str]:
    """One line a layer: what the changelog quotes."""
    return [_summary(layer) for layer in result.layers]


def render_text(result: CorpusDiff) -> str:
    lines = [f"newscorpus diff {result.a} {result.b}"]
    for layer in result.layers:
        lines += ["", _summary(layer)]
        lines += [f"  + {_key(k)}" for k in layer.added]
        lines += [f"  - {_key(k)}" for k in layer.removed]
        lines += [f"  ~ {_key((c.doc_id, c.record_id))}: {describe_change(c)}" for c in layer.changed]
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
