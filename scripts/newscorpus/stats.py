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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .schema import Inventory, RecordShape
from .corpus import CorpusError, Document, Layout, iter_documents, read_entity_table
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

    # ------------------------------------------------------------------ derived counts

    def documents_by_split(self) -> Counter[str]:
        return Counter(row.split for row in self.documents)

    def characters_by_split(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for row in self.documents:
            out[row.split] += row.characters
        return out

    def records_by_split(self, layer: str) -> Counter[str]:
        out: Counter[str] = Counter()
        for row in self.documents:
            out[row.split] += row.records.get(layer, 0)
        return out

    def to_json(self) -> dict[str, Any]:
        """Plain dicts with a fixed key order: splits in inventory order, labels in inventory order."""
        by_split = self.documents_by_split()
        chars = self.characters_by_split()
        return {
            "version": self.version,
            "splits": self.splits,
            "documents": {
                "total": len(self.documents),
                "by_split": {s: by_split[s] for s in self.splits},
                "characters_by_split": {s: chars[s] for s in self.splits},
            },
            "layers": {
                shape.name: {
                    "total": sum(self.records_by_split(shape.name).values()),
                    "by_split": {s: self.records_by_split(shape.name)[s] for s in self.splits},
                }
                for shape in COUNTED_LAYERS
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

    def unmentioned_entities(self) -> int:
        mentioned = set().union(*self.entity_mentioned.values()) if self.entity_mentioned else set()
        return sum(self.entity_labels.values()) - len(mentioned)


# --------------------------------------------------------------------------- counting


def _label_counters(inventory: Inventory) -> dict[str, Counter[str]]:
    return {name: Counter() for name in inventory.names}


def _empty_label_table() -> dict[str, dict[str, dict[str, Counter[str]]]]:
    return {
        shape.name: {f.name: _label_counters(f.inventory) for f in shape.label_fields if f.inventory}
        for shape in COUNTED_LAYERS
    }


def _label_of(record: dict[str, Any], f: schema.Field, where: str) -> str:
    value = record.get(f.name)
    assert f.inventory is not None
    if value not in f.inventory:
        raise CorpusError(f"{where}: field {f.name!r} has {value!r}, which is not in the {f.inventory.key} inventory (run `newscorpus validate`)")
    return str(value)


def _count_entity_table(root: Path, stats: CorpusStats) -> None:
    stats.entity_labels = Counter({name: 0 for name in schema.ENTITY_LABELS.names})
    stats.entity_methods = Counter({name: 0 for name in schema.METHODS.names})
    for record in read_entity_table(root):
        where = f"{Layout(root).relative(Layout(root).entity_table_path)}, entity {record.get('entity_id')!r}"
        stats.entity_labels[_label_of(record, schema.ENTITY.field("label"), where)] += 1
        stats.entity_methods[_label_of(record, schema.ENTITY.field("method"), where)] += 1


def _count_document(layout: Layout, stats: CorpusStats, doc: Document) -> None:
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


def compute(root: Path) -> CorpusStats:
    """Count a corpus root, one document at a time; :class:`CorpusError` on what cannot be read."""
    stats = CorpusStats(CORPUS_VERSION, [])
    stats.labels = _empty_label_table()
    _count_entity_table(root, stats)
    for doc in iter_documents(root):
        if doc.split not in schema.SPLITS:
            raise CorpusError(f"document {doc.doc_id!r}: split {doc.split!r} is not in the {schema.SPLITS.key} inventory (run `newscorpus validate`)")
        _count_document(Layout(root), stats, doc)
    present = stats.documents_by_split()
    stats.splits = [name for name in schema.SPLITS.names if present[name]]
    return stats


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    """A titled table; rendered as aligned text or as Markdown."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _n(value: int) -> str:
    return str(value)


def split_table(stats: CorpusStats) -> Table:
    layers = [s.name for s in COUNTED_LAYERS]
    docs, chars = stats.documents_by_split(), stats.characters_by_split()
    per_layer = {name: stats.records_by_split(name) for name in layers}
    rows = [
        (split, _n(docs[split]), _n(chars[split]), *(_n(per_layer[name][split]) for name in layers))
        for split in stats.splits
    ]
    rows.append(
        (TOTAL, _n(sum(docs.values())), _n(sum(chars.values())), *(_n(sum(per_layer[name].values())) for name in layers))
    )
    return Table("splits", "Documents and records per split", ("split", "documents", "characters", *layers), tuple(rows))


def document_table(stats: CorpusStats) -> Table:
    layers = [s.name for s in COUNTED_LAYERS]
    rows = tuple(
        (row.doc_id, row.split, _n(row.characters), *(_n(row.records.get(name, 0)) for name in layers))
        for row in stats.documents
    )
    return Table("documents", "Records per document", ("doc_id", "split", "characters", *layers), rows)


def label_tables(stats: CorpusStats) -> list[Table]:
    """One table per inventory-valued field of every layer, labels in inventory order."""
    tables = []
    for shape in COUNTED_LAYERS:
        for f in shape.label_fields:
            per_label = stats.labels[shape.name][f.name]
            rows = tuple(
                (label, *(_n(counts[s]) for s in stats.splits), _n(sum(counts.values())))
                for label, counts in per_label.items()
            )
            title = f"{shape.name}.{f.name}: {f.inventory.title if f.inventory else f.name}"
            tables.append(Table(f"{shape.name}.{f.name}", title, (f.name, *stats.splits, TOTAL), rows))
    return tables


def entity_table_tables(stats: CorpusStats) -> list[Table]:
    by_label = tuple((label, _n(n)) for label, n in stats.entity_labels.items())
    by_method = tuple((method, _n(n)) for method, n in stats.entity_methods.items())
    mentioned = tuple(
        (f"mentioned in {split}", _n(len(stats.entity_mentioned.get(split, ())))) for split in stats.splits
    ) + (("never mentioned", _n(stats.unmentioned_entities())), (TOTAL, _n(sum(stats.entity_labels.values()))))
    return [
        Table("entity_table.label", "Entity table: entities per type", ("label", "entities"), by_label),
        Table("entity_table.method", "Entity table: entities per method", ("method", "entities"), by_method),
        Table("entity_table.mentions", "Entity table: entities with mentions", ("entities", "count"), mentioned),
    ]


def all_tables(stats: CorpusStats) -> list[Table]:
    return [split_table(stats), document_table(stats), *label_tables(stats), *entity_table_tables(stats)]


def render(stats: CorpusStats, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(stats.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        parts = [f"Corpus version {stats.version}.\n"]
        parts += [f"**{t.title}**\n\n{markdown_table(t.header, t.rows)}" for t in all_tables(stats)]
        return "\n".join(parts)
    parts = [f"newscorpus stats (corpus version {stats.version})\n"]
    parts += [text_table(t.title, t.header, t.rows) for t in all_tables(stats)]
    return "\n".join(parts)


# --------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    import sys

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
