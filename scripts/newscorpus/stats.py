"""``newscorpus stats``: counts per layer, label, split and document.

The counts are computed by streaming: the manifest is read one line at a time
and each document's layer files are read, counted and dropped before the next
document, so memory grows with the number of documents (one small row each)
and labels, never with the number of records.  Every inventory-valued field of
every layer is counted against its inventory (zeros included, so the tables
show which labels the corpus does not cover).  The same tables feed the
generated blocks of DATASHEET.md and README.md through ``newscorpus docs``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from . import schema
from .schema import RecordShape
from .corpus import CorpusError, Layout, iter_documents, read_entity_table
from .tables import markdown_table, text_table
from .version import CORPUS_VERSION

COUNTED_LAYERS: tuple[RecordShape, ...] = schema.PER_DOCUMENT_SHAPES
"""Per-document layers counted; exceptions are included because they are part of the release."""

TOTAL = "total"


@dataclass
class DocumentRow:
    """One document's line in the per-document table: small, so 100,000 of them fit easily."""

    doc_id: str
    split: str
    characters: int
    records: dict[str, int]


@dataclass
class CorpusStats:
    """All counts of one corpus root; ``to_json`` gives the stable machine-readable form."""

    version: str
    splits: list[str]
    documents: list[DocumentRow] = field(default_factory=list)
    # layer name -> field name -> label -> split -> count
    labels: dict[str, dict[str, dict[str, Counter[str]]]] = field(default_factory=dict)
    entity_labels: Counter[str] = field(default_factory=Counter)
    entity_methods: Counter[str] = field(default_factory=Counter)
    entity_mentioned: dict[str, set[str]] = field(default_factory=dict)  # split -> entity ids mentioned

    def by_split(self, count: Callable[[DocumentRow], int]) -> Counter[str]:
        """A per-document count summed per split."""
        out: Counter[str] = Counter()
        for row in self.documents:
            out[row.split] += count(row)
        return out

    def records_by_split(self) -> dict[str, Counter[str]]:
        """Layer name -> records per split."""
        return {shape.name: self.by_split(lambda row, name=shape.name: row.records.get(name, 0)) for shape in COUNTED_LAYERS}

    def unmentioned_entities(self) -> int:
        return sum(self.entity_labels.values()) - len(set().union(*self.entity_mentioned.values()))

    def to_json(self) -> dict[str, Any]:
        """Plain dicts with a fixed key order: splits in inventory order, labels in inventory order."""
        by_split = self.by_split(lambda row: 1)
        chars = self.by_split(lambda row: row.characters)
        return {
            "version": self.version,
            "splits": self.splits,
            "documents": {
                "total": len(self.documents),
                "by_split": {s: by_split[s] for s in self.splits},
                "characters_by_split": {s: chars[s] for s in self.splits},
            },
            "layers": {
                name: {"total": sum(counts.values()), "by_split": {s: counts[s] for s in self.splits}}
                for name, counts in self.records_by_split().items()
            },
            "labels": {
                layer: {
                    fname: {
                        label: {**{s: counts[s] for s in self.splits}, TOTAL: sum(counts.values())}
                        for label, counts in per_label.items()
                    }
                    for fname, per_label in per_field.items()
                }
                for layer, per_field in self.labels.items()
            },
            "entity_table": {
                "total": sum(self.entity_labels.values()),
                "by_label": dict(self.entity_labels),
                "by_method": dict(self.entity_methods),
                "mentioned_by_split": {s: len(self.entity_mentioned.get(s, ())) for s in self.splits},
                "unmentioned": self.unmentioned_entities(),
            },
            "per_document": [
                {"doc_id": r.doc_id, "split": r.split, "characters": r.characters, **r.records}
                for r in self.documents
            ],
        }


# --------------------------------------------------------------------------- counting


def _label_of(record: dict[str, Any], f: schema.Field, where: str) -> str:
    value = record.get(f.name)
    assert f.inventory is not None
    if value not in f.inventory:
        inventory = f"the {f.inventory.key} inventory (run `newscorpus validate`)"
        raise CorpusError(f"{where}: field {f.name!r} has {value!r}, which is not in {inventory}")
    return str(value)


def compute(root: Path) -> CorpusStats:
    """Count a corpus root, one document at a time; :class:`CorpusError` on what cannot be read."""
    layout = Layout(root)
    stats = CorpusStats(CORPUS_VERSION, [])
    stats.labels = {
        shape.name: {f.name: {name: Counter() for name in f.inventory.names} for f in shape.label_fields if f.inventory}
        for shape in COUNTED_LAYERS
    }
    stats.entity_labels = Counter({name: 0 for name in schema.ENTITY_LABELS.names})
    stats.entity_methods = Counter({name: 0 for name in schema.METHODS.names})
    table = layout.relative(layout.entity_table_path)
    for record in read_entity_table(root):
        where = f"{table}, entity {record.get('entity_id')!r}"
        stats.entity_labels[_label_of(record, schema.ENTITY.field("label"), where)] += 1
        stats.entity_methods[_label_of(record, schema.ENTITY.field("method"), where)] += 1
    for doc in iter_documents(root):
        if doc.split not in schema.SPLITS:
            inventory = f"the {schema.SPLITS.key} inventory (run `newscorpus validate`)"
            raise CorpusError(f"document {doc.doc_id!r}: split {doc.split!r} is not in {inventory}")
        row = DocumentRow(doc.doc_id, doc.split, len(doc.text), {})
        for shape in COUNTED_LAYERS:
            records = doc.records(shape)
            path = layout.relative(layout.layer_path(shape, doc.doc_id))
            for record in records:
                for f in shape.label_fields:
                    label = _label_of(record, f, f"{path}, record {record.get(shape.id_field)!r}")
                    stats.labels[shape.name][f.name][label][row.split] += 1
                if shape is schema.ENTITY_MENTION and record.get("entity_id"):
                    stats.entity_mentioned.setdefault(row.split, set()).add(str(record["entity_id"]))
            row.records[shape.name] = len(records)
        stats.documents.append(row)
    present = stats.by_split(lambda row: 1)
    stats.splits = [name for name in schema.SPLITS.names if present[name]]
    return stats


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """A titled table; rendered as aligned text or as Markdown (the renderers turn cells into text)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def split_table(stats: CorpusStats) -> Table:
    docs, chars = stats.by_split(lambda row: 1), stats.by_split(lambda row: row.characters)
    per_layer = stats.records_by_split()
    rows = [(split, docs[split], chars[split], *(counts[split] for counts in per_layer.values())) for split in stats.splits]
    rows.append((TOTAL, sum(docs.values()), sum(chars.values()), *(sum(counts.values()) for counts in per_layer.values())))
    return Table("Documents and records per split", ("split", "documents", "characters", *per_layer), tuple(rows))


def document_table(stats: CorpusStats) -> Table:
    layers = [s.name for s in COUNTED_LAYERS]
    rows = tuple((r.doc_id, r.split, r.characters, *(r.records.get(name, 0) for name in layers)) for r in stats.documents)
    return Table("Records per document", ("doc_id", "split", "characters", *layers), rows)


def label_tables(stats: CorpusStats) -> list[Table]:
    """One table per inventory-valued field of every layer, labels in inventory order."""
    tables = []
    for shape in COUNTED_LAYERS:
        for f in shape.label_fields:
            per_label = stats.labels[shape.name][f.name]
            rows = tuple((label, *(counts[s] for s in stats.splits), sum(counts.values())) for label, counts in per_label.items())
            title = f"{shape.name}.{f.name}: {f.inventory.title if f.inventory else f.name}"
            tables.append(Table(title, (f.name, *stats.splits, TOTAL), rows))
    return tables


def entity_table_tables(stats: CorpusStats) -> list[Table]:
    mentioned = [(f"mentioned in {split}", len(stats.entity_mentioned.get(split, ()))) for split in stats.splits]
    mentioned += [("never mentioned", stats.unmentioned_entities()), (TOTAL, sum(stats.entity_labels.values()))]
    return [
        Table("Entity table: entities per type", ("label", "entities"), tuple(stats.entity_labels.items())),
        Table("Entity table: entities per method", ("method", "entities"), tuple(stats.entity_methods.items())),
        Table("Entity table: entities with mentions", ("entities", "count"), tuple(mentioned)),
    ]


def markdown(tables: Iterable[Table]) -> str:
    """Titled Markdown tables: how ``--format markdown`` and the generated doc blocks show them."""
    return "\n".join(f"**{t.title}**\n\n{markdown_table(t.header, t.rows)}" for t in tables)


def render(stats: CorpusStats, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(stats.to_json(), indent=2, ensure_ascii=False) + "\n"
    tables = [split_table(stats), document_table(stats), *label_tables(stats), *entity_table_tables(stats)]
    if fmt == "markdown":
        return f"Corpus version {stats.version}.\n\n" + markdown(tables)
    text_tables = [text_table(t.title, t.header, t.rows) for t in tables]
    return "\n".join([f"newscorpus stats (corpus version {stats.version})\n", *text_tables])


# --------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    try:
        stats = compute(Path(args.root))
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, AttributeError) as exc:
        print(f"error: the corpus does not follow the record shapes ({exc!r}); run `newscorpus validate`", file=sys.stderr)
        return 1
    sys.stdout.write(render(stats, args.format))
    return 0
