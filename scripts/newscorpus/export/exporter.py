"""Write the export folder: every config's Parquet shards, card, Croissant, checksums.

The corpus is walked split by split and document by document; each document
feeds every config's writer, so only one document's records are in memory at
a time.  Across documents the build keeps small indexes only: the manifest,
the entity table, per-split entity counts (document positions as a compact
``array``) and label counters for the card.

The folder is built next to the destination and swapped into place at the
end, so a failed build leaves the previous export exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .. import schema, store
from ..version import CORPUS_VERSION
from . import ner
from .features import CONFIG_NAMES, config_features
from .parquet import ShardPolicy, SplitStats, SplitWriter
from .tokenizer_worker import TokenizerWorker
from .rows import (
    DocumentData,
    EntityNames,
    ExportError,
    document_row,
    entity_rows,
    entity_table_row,
    figure_rows,
    load_document,
    manifest_records,
    read_records,
    stance_rows,
)

DATA_DIR = "data"
ALIGNMENT_FILE = "ner_alignment.jsonl"
CHECKSUM_FILE = "SHA256SUMS"
CARD_FILE = "README.md"
CROISSANT_FILE = "croissant.json"

STREAMED_CONFIGS = tuple(c for c in CONFIG_NAMES if c != "entity_table")
"""Configs written while walking documents; the entity table is written per split afterwards."""


@dataclass
class LabelCounts:
    """Per split, per (config, column): how often each label occurs. Small: one counter per column."""

    counts: dict[tuple[str, str, str], Counter] = field(default_factory=dict)

    def add(self, split: str, config: str, column: str, value: str) -> None:
        self.counter(split, config, column)[value] += 1

    def counter(self, split: str, config: str, column: str) -> Counter:
        """The live counter of one column (created on first use), for adding many values at once."""
        key = (split, config, column)
        counter = self.counts.get(key)
        if counter is None:
            counter = self.counts[key] = Counter()
        return counter

    def get(self, split: str, config: str, column: str) -> Counter:
        return self.counts.get((split, config, column), Counter())


@dataclass
class ExportResult:
    """What was built: per config and split the Parquet stats, plus the NER alignment report."""

    out: Path
    splits: list[str]
    stats: dict[str, dict[str, SplitStats]]
    documents: dict[str, int]
    labels: LabelCounts
    misaligned: int = 0
    misaligned_examples: list[ner.Misalignment] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)


class _EntityIndex:
    """Per split: entity id -> mention count and the positions of the documents mentioning it."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.docs: dict[str, array] = {}

    def add(self, entity_id: str, doc_position: int) -> None:
        self.counts[entity_id] += 1
        positions = self.docs.get(entity_id)
        if positions is None:
            positions = self.docs[entity_id] = array("I")
        if not positions or positions[-1] != doc_position:
            positions.append(doc_position)


def _count_labels(result: "ExportResult", split: str, shape: schema.RecordShape, records: list[dict[str, Any]]) -> None:
    """Label counts for the card's tables and the methods behind the card's annotations_creators."""
    if not records:
        return
    for f in shape.fields:
        if f.class_label:
            result.labels.counter(split, shape.name, f.name).update([record[f.name] for record in records])
    result.methods.update([record["method"] for record in records])


def _write_split(
    layout: store.Layout,
    out: Path,
    split: str,
    manifests: list[dict[str, Any]],
    names: EntityNames,
    table: dict[str, dict[str, Any]],
    policy: ShardPolicy,
    alignment: TextIO,
    tokenizer: TokenizerWorker,
    result: ExportResult,
) -> None:
    writers = {c: SplitWriter(out / DATA_DIR / c, split, config_features(c), CORPUS_VERSION, policy) for c in CONFIG_NAMES}
    index = _EntityIndex()
    try:
        for position, manifest in enumerate(manifests):
            doc = load_document(layout, manifest)
            tokens = tokenizer.next(doc.doc_id)
            _write_document(doc, split, names, writers, index, position, alignment, tokens, result)
        _write_entity_table(writers["entity_table"], table, index, manifests)
        for config, writer in writers.items():
            result.stats.setdefault(config, {})[split] = writer.close()
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise


def _write_document(
    doc: DocumentData,
    split: str,
    names: EntityNames,
    writers: dict[str, SplitWriter],
    index: _EntityIndex,
    position: int,
    alignment: TextIO,
    tokens: ner.Tokenized,
    result: ExportResult,
) -> None:
    writers["documents"].add(document_row(doc, CORPUS_VERSION))
    for row in entity_rows(doc, names):
        writers["entities"].add(row)
        index.add(row["entity_id"], position)
    for row in figure_rows(doc):
        writers["figures"].add(row)
    for row in stance_rows(doc, names):
        writers["stances"].add(row)
    sentences, problems = ner.tag(doc.doc_id, doc.text, tokens, doc.layers[schema.ENTITY_MENTION.name])
    for sentence in sentences:
        writers["ner"].add(sentence.row(doc.doc_id))
    for problem in problems:
        alignment.write(json.dumps(problem.as_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        result.misaligned += 1
        if len(result.misaligned_examples) < 20:
            result.misaligned_examples.append(problem)
    for shape in schema.ANNOTATION_LAYERS:
        _count_labels(result, split, shape, doc.layers[shape.name])
    result.languages.add(doc.manifest["language"])


def _write_entity_table(
    writer: SplitWriter,
    table: dict[str, dict[str, Any]],
    index: _EntityIndex,
    manifests: list[dict[str, Any]],
) -> None:
    """One row per entity mentioned in the split, in entity-table order."""
    for entity_id, entity in table.items():
        if entity_id not in index.counts:
            continue
        doc_ids = [manifests[p]["doc_id"] for p in index.docs[entity_id]]
        writer.add(entity_table_row(entity, index.counts[entity_id], doc_ids))


def _load_entity_table(layout: store.Layout) -> dict[str, dict[str, Any]]:
    records = read_records(layout.entity_table_path, schema.ENTITY)
    return {r["entity_id"]: r for r in records}


def _split_manifests(layout: store.Layout) -> dict[str, list[dict[str, Any]]]:
    """Manifest records per split, splits in schema order, documents in manifest order."""
    per_split: dict[str, list[dict[str, Any]]] = {name: [] for name in schema.SPLITS.names}
    for record in manifest_records(layout):
        split = record.get("split")
        if split not in per_split:
            raise ExportError(
                f"{layout.relative(layout.manifest_path)}: document {record.get('doc_id')!r} has split {split!r}, "
                f"not one of {schema.SPLITS.names}"
            )
        per_split[split].append(record)
    return {name: docs for name, docs in per_split.items() if docs}


def write_checksums(out: Path) -> None:
    """``SHA256SUMS`` over every other file of the export, in path order (sha256sum -c format)."""
    lines = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != CHECKSUM_FILE):
        digest = sha256_path(path)
        lines.append(f"{digest}  {path.relative_to(out).as_posix()}\n")
    store.atomic_write_text(out / CHECKSUM_FILE, "".join(lines))


def sha256_path(path: Path) -> str:
    """Hash in chunks: shards can be hundreds of megabytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def build_order(root: Path) -> list[str]:
    """Document ids in the order the build visits them: splits in schema order, then manifest order."""
    return [m["doc_id"] for manifests in _split_manifests(store.Layout(root)).values() for m in manifests]


def start_tokenizer(root: Path) -> TokenizerWorker:
    """Start tokenizing now, so spaCy loads on the other core while the parent validates and imports datasets."""
    return TokenizerWorker(root, build_order(root))


def write_export(root: Path, out: Path, policy: ShardPolicy, tokenizer: TokenizerWorker) -> ExportResult:
    """Build the export into ``out`` (a fresh folder); the caller swaps it into place."""
    from .card import write_card
    from .croissant import write_croissant

    layout = store.Layout(root)
    table = _load_entity_table(layout)
    names = EntityNames(table, layout)
    per_split = _split_manifests(layout)
    result = ExportResult(out, list(per_split), {}, {s: len(d) for s, d in per_split.items()}, LabelCounts())
    result.methods.update(e["method"] for e in table.values())
    with (out / ALIGNMENT_FILE).open("w", encoding="utf-8") as alignment:
        for split, manifests in per_split.items():
            _write_split(layout, out, split, manifests, names, table, policy, alignment, tokenizer, result)
    write_card(out / CARD_FILE, result)
    write_croissant(out / CROISSANT_FILE, result)
    write_checksums(out)
    return result


def build_atomically(root: Path, dest: Path, policy: ShardPolicy, tokenizer: TokenizerWorker | None = None) -> ExportResult:
    """Build next to ``dest`` and swap it in; on any failure ``dest`` is left untouched.

    ``tokenizer`` is one already started by :func:`start_tokenizer` (the CLI starts it
    before validating); this function closes it either way.
    """
    tokenizer = tokenizer or start_tokenizer(root)
    dest = dest.resolve()
    tmp: Path | None = None
    try:
        with tokenizer:
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.build-", dir=dest.parent))
            result = write_export(root, tmp, policy, tokenizer)
        _swap_into_place(tmp, dest)
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    result.out = dest
    result.stats = {c: {s: _moved(st, tmp, dest) for s, st in per.items()} for c, per in result.stats.items()}
    return result


def _moved(stats: SplitStats, old: Path, new: Path) -> SplitStats:
    return SplitStats(stats.num_examples, stats.num_bytes, [new / p.relative_to(old) for p in stats.files])


def _swap_into_place(tmp: Path, dest: Path) -> None:
    """Rename the finished build over the destination; the old export is removed only afterwards."""
    os.chmod(tmp, 0o755)  # mkdtemp makes the folder private; an export is meant to be shared
    if not dest.exists():
        os.replace(tmp, dest)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
    os.replace(dest, old / dest.name)
    try:
        os.replace(tmp, dest)
    except BaseException:
        os.replace(old / dest.name, dest)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def print_alignment_warnings(result: ExportResult, stream: TextIO = sys.stderr) -> None:
    if not result.misaligned:
        return
    print(
        f"warning: {result.misaligned} name mention(s) do not align with token boundaries and are left "
        f"untagged in the ner config (all listed in {ALIGNMENT_FILE}):",
        file=stream,
    )
    for m in result.misaligned_examples:
        print(f"  {m.doc_id} {m.mention_id} [{m.start}, {m.end}) {m.text!r} {m.label}: {m.reason}", file=stream)
    if result.misaligned > len(result.misaligned_examples):
        print(f"  ... and {result.misaligned - len(result.misaligned_examples)} more", file=stream)

