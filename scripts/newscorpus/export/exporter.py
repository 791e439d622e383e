"""Write the export folder from a validated corpus: Parquet shards, CoNLL files, card, Croissant,
viewer, checksums.

:func:`build_export` runs in two passes over the corpus: the validator reads it
and the build is refused on any error; then a fresh stream of documents
is read, parsed by spaCy (``nlp.pipe``), encoded (and the token configs' CoNLL
text made) batch by batch of documents in worker processes (``parallel``), and
written config by config in manifest order by this process.  Across documents the build keeps small indexes
only: per split the entities' mention counts and documents, label counters
for the card.

The folder is built next to the destination and swapped into place at the
end, so a failed or refused build leaves the previous export exactly as it was;
the destination is only ever an absent folder, an empty one or a previous
export (``destination``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, TextIO

from .. import corpus, schema
from ..parallel import default_workers, ordered_map
from ..version import CORPUS_VERSION
from . import ExportError, ner, rows
from .destination import check_destination, locked_parent, staging_prefix, write_marker
from .features import CONFIG_NAMES, TOKEN_CONFIGS, config_features
from .parquet import ShardPolicy, SplitStats, SplitWriter

if TYPE_CHECKING:  # pragma: no cover
    from ..checks import Finding

DATA_DIR = "data"
ALIGNMENT_FILE = "ner_alignment.jsonl"
CHECKSUM_FILE = "SHA256SUMS"
CARD_FILE = "README.md"
CROISSANT_FILE = "croissant.json"

BATCH_DOCUMENTS = 64
"""Documents of a split whose rows are gathered before they are encoded and handed to the writers."""

LAYER_CONFIGS: dict[str, schema.RecordShape] = {shape.name: shape for shape in schema.ANNOTATION_LAYERS}
"""Configs with one row per record of an annotation layer (the config is named after the layer)."""


@dataclass
class LabelCounts:
    """Per split, per (config, column): how often each label occurs."""

    counts: dict[tuple[str, str, str], Counter] = field(default_factory=dict)

    def counter(self, split: str, config: str, column: str) -> Counter:
        return self.counts.setdefault((split, config, column), Counter())

    def get(self, split: str, config: str, column: str) -> Counter:
        return self.counts.get((split, config, column), Counter())


@dataclass
class ExportResult:
    """What was built: per config and split the Parquet stats, plus the token alignment report."""

    out: Path
    splits: list[str]
    stats: dict[str, dict[str, SplitStats]]
    documents: dict[str, int]
    labels: LabelCounts
    misaligned: int = 0
    misaligned_examples: list[ner.Misalignment] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)
    viewer: bool = True  # the export holds the HTML document viewer


@dataclass
class BuildOutcome:
    """A finished build (``result``) or a refused one (the validator's ``findings`` hold errors)."""

    findings: list["Finding"]
    result: ExportResult | None


def build_export(root: Path, dest: Path, policy: ShardPolicy, *, workers: int | None = None, viewer: bool = True) -> BuildOutcome:
    """Validate ``root``; unless that finds an error, write its export and swap it in at ``dest``.

    Raises ``DestinationError`` (before validating) when ``dest`` is not a folder a build may
    replace or another build is writing next to it.
    """
    from ..validate import has_errors, validate_root

    workers = default_workers() if workers is None else workers
    dest = dest.resolve()
    check_destination(dest, root.resolve())
    with locked_parent(dest):
        findings = validate_root(root, workers=workers)
        if has_errors(findings):
            return BuildOutcome(findings, None)
        if next(corpus.iter_manifest(root), None) is None:
            raise ExportError("the manifest lists no documents: there is nothing to export")
        tmp = Path(tempfile.mkdtemp(prefix=staging_prefix(dest, "build"), dir=dest.parent))
        try:
            result = write_export(root, tmp, policy, workers, viewer=viewer)
            _swap_into_place(tmp, dest)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    result.out = dest
    for per_split in result.stats.values():
        for stats in per_split.values():
            stats.files = [dest / path.relative_to(tmp) for path in stats.files]
    return BuildOutcome(findings, result)


@dataclass
class _Batch:
    """What one batch of documents (all of one split) gives the writers and the card's counts."""

    split: str
    tables: dict[str, Any]  # config -> Arrow record batch
    documents: int = 0
    labels: dict[tuple[str, str], Counter] = field(default_factory=dict)  # (config, column) -> label counts
    mentions: list[tuple[str, list[str]]] = field(default_factory=list)  # (doc_id, entity ids of its mentions)
    misaligned: list[ner.Misalignment] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)
    conll: dict[str, str] = field(default_factory=dict)  # token config -> the batch's CoNLL text


@dataclass
class _Job:
    root: Path
    entity_names: dict[str, str]
    schemas: dict[str, Any]  # config -> (Features, Arrow schema)


_JOB: _Job | None = None
"""What the batch workers need; set before they fork."""


def _batches(root: Path) -> Iterator[list[corpus.Record]]:
    """Manifest records in batches of :data:`BATCH_DOCUMENTS` of one split, each split in manifest order."""
    pending: dict[str, list[corpus.Record]] = {}
    for manifest in corpus.iter_manifest(root):
        batch = pending.setdefault(manifest["split"], [])
        batch.append(manifest)
        if len(batch) >= BATCH_DOCUMENTS:
            yield pending.pop(manifest["split"])
    for split in schema.SPLITS.names:
        if pending.get(split):
            yield pending[split]


def _export_batch(manifests: list[corpus.Record]) -> _Batch:
    """Read, parse and turn one batch of documents into a record batch per config (in a worker)."""
    import pyarrow as pa

    from .conll import conll_text
    from .parquet import encode_columns, encode_rows

    assert _JOB is not None
    documents = [corpus.read_document(_JOB.root, m) for m in manifests]
    batch = _Batch(documents[0].split, {})
    pending: dict[str, list[rows.Row]] = {name: [] for name in CONFIG_NAMES if name not in ("entity_table", *TOKEN_CONFIGS)}
    shared: dict[str, list[Any]] = {}
    tags: dict[str, list[list[str]]] = {config: [] for config in TOKEN_CONFIGS}
    for parsed, doc in ner.parse((doc.text, doc) for doc in documents):
        batch.documents += 1
        batch.languages.add(doc.manifest["language"])
        pending["documents"].append(rows.document_row(doc, CORPUS_VERSION))
        for name, shape in LAYER_CONFIGS.items():
            layer = rows.layer_rows(doc, shape, _JOB.entity_names)
            pending[name] += layer
            for f in shape.fields:
                if f.class_label:
                    batch.labels.setdefault((name, f.name), Counter()).update(row[f.name] for row in layer)
            batch.methods.update(row["method"] for row in layer)
        columns, config_tags, problems = rows.token_columns(doc, parsed)
        for column, values in columns.items():
            shared.setdefault(column, []).extend(values)
        for config in TOKEN_CONFIGS:
            tags[config] += config_tags[config]
        batch.misaligned += problems
        batch.mentions.append((doc.doc_id, [m["entity_id"] for m in doc.records(schema.ENTITY_MENTION)]))
    batch.tables = {name: encode_rows(config_rows, *_JOB.schemas[name]) for name, config_rows in pending.items()}
    for config in TOKEN_CONFIGS:  # the shared columns are encoded once, for the first config
        table = encode_columns({**shared, rows.TAGS_COLUMN: tags[config]}, *_JOB.schemas[config])
        shared = {column: table.column(column) for column in shared}
        batch.tables[config] = table
        tag_names = _JOB.schemas[config][0][rows.TAGS_COLUMN].feature.names
        batch.conll[config], _ = conll_text(pa.Table.from_batches([table]), tag_names, f"{config}/{batch.split}")
    return batch


def write_export(root: Path, out: Path, policy: ShardPolicy, workers: int = 1, *, viewer: bool = True) -> ExportResult:
    """Write every config of a validated corpus into ``out`` (a fresh folder), then card, Croissant, checksums.

    Batches of documents are read, parsed and encoded by ``workers`` processes; this process
    writes them in manifest order, so the export does not depend on the number of workers.
    """
    global _JOB
    from .card import write_card
    from .croissant import write_croissant
    from .conll import conll_path
    from .parquet import arrow_schema, encode_rows
    from .viewer import write_viewer

    table = corpus.read_entity_table(root)
    schemas = {name: (config_features(name), arrow_schema(config_features(name), CORPUS_VERSION)) for name in CONFIG_NAMES}
    result = ExportResult(out, [], {}, Counter(), LabelCounts(), methods={e["method"] for e in table}, viewer=viewer)
    writers: dict[str, dict[str, SplitWriter]] = {}
    mentions: dict[str, Counter] = {}
    doc_ids: dict[str, dict[str, list[str]]] = {}
    _JOB = _Job(root, {e["entity_id"]: e["name"] for e in table}, schemas)
    conll: dict[tuple[str, str], TextIO] = {}
    try:
        with (out / ALIGNMENT_FILE).open("w", encoding="utf-8") as alignment:
            for batch in ordered_map(_export_batch, _batches(root), workers):
                split = batch.split
                if split not in writers:
                    writers[split] = {name: SplitWriter(out / DATA_DIR / name, split, features, CORPUS_VERSION, policy) for name, (features, _) in schemas.items()}
                for name, records in batch.tables.items():
                    writers[split][name].add_batch(records)
                for config, text in batch.conll.items():
                    if (config, split) not in conll:
                        path = conll_path(out, config, split)
                        path.parent.mkdir(parents=True, exist_ok=True)
                        conll[config, split] = path.open("w", encoding="utf-8", newline="\n")
                    conll[config, split].write(text)
                result.documents[split] += batch.documents
                result.languages |= batch.languages
                result.methods |= batch.methods
                for (config, column), counts in batch.labels.items():
                    result.labels.counter(split, config, column).update(counts)
                for doc_id, entity_ids in batch.mentions:
                    mentions.setdefault(split, Counter()).update(entity_ids)
                    for entity_id in dict.fromkeys(entity_ids):
                        doc_ids.setdefault(split, {}).setdefault(entity_id, []).append(doc_id)
                for problem in batch.misaligned:
                    alignment.write(json.dumps(problem.as_dict(), ensure_ascii=False, sort_keys=True) + "\n")
                result.misaligned += len(batch.misaligned)
                result.misaligned_examples += batch.misaligned[: 20 - len(result.misaligned_examples)]
    finally:
        _JOB = None
        for handle in conll.values():
            handle.close()
    result.splits = [s for s in schema.SPLITS.names if s in writers]
    result.documents = {s: result.documents[s] for s in result.splits}
    for split in result.splits:
        entities = rows.entity_table_rows(table, mentions.get(split, Counter()), doc_ids.get(split, {}))
        writers[split]["entity_table"].add_batch(encode_rows(entities, *schemas["entity_table"]))
        for config, writer in writers[split].items():
            result.stats.setdefault(config, {})[split] = writer.close()
    write_card(out / CARD_FILE, result, root)
    write_croissant(out / CROISSANT_FILE, result, root)
    if viewer:
        write_viewer(out)  # read back from the Parquet just written
    write_marker(out, CORPUS_VERSION)
    write_checksums(out)
    return result


def write_checksums(out: Path) -> None:
    lines = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != CHECKSUM_FILE):
        lines.append(f"{sha256_path(path)}  {path.relative_to(out).as_posix()}\n")
    corpus.atomic_write_text(out / CHECKSUM_FILE, "".join(lines))


def sha256_path(path: Path) -> str:
    """Hash in chunks: shards can be hundreds of megabytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _swap_into_place(tmp: Path, dest: Path) -> None:
    """Rename the finished build over the destination; the old export is removed only afterwards."""
    os.chmod(tmp, 0o777 & ~corpus.current_umask())  # mkdtemp makes the folder private; an export is meant to be shared
    if not dest.exists():
        os.replace(tmp, dest)
        return
    old = Path(tempfile.mkdtemp(prefix=staging_prefix(dest, "old"), dir=dest.parent))
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
        f"warning: {result.misaligned} span(s) do not align with token boundaries and are left "
        f"untagged in the token configs (all listed in {ALIGNMENT_FILE}):",
        file=stream,
    )
    for m in result.misaligned_examples:
        print(f"  {m.doc_id} {m.mention_id} [{m.start}, {m.end}) {m.text!r} {m.label}: {m.reason}", file=stream)
    if result.misaligned > len(result.misaligned_examples):
        print(f"  ... and {result.misaligned - len(result.misaligned_examples)} more", file=stream)
