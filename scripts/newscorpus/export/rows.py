"""The columns of every config for a batch of documents of one split.

The build hands over documents as the validator parsed them; a
:class:`DocumentBatch` collects a few hundred, then lays their records out
column by column (one list per column, records in canonical order) for
:mod:`columns` to encode.  Only schema fields are read from a record, so an
unknown key never leaks into a column.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .. import schema, store
from .features import CORPUS_VERSION, DOC_ID, DOC_IDS, ENTITY_NAME, HOLDER_NAME, MENTION_COUNT, NESTED_LAYERS, TEXT
from .ner import TokenArrays

Columns = dict[str, Sequence[Any]]
"""Column name -> the Python values of that column, in row order."""


class ExportError(Exception):
    """Input the export cannot turn into rows; the message names the file, record and problem."""


@dataclass(frozen=True)
class DocumentData:
    """One document ready to export: manifest record, text, records per layer (canonical order), tokens, tags."""

    manifest: dict[str, Any]
    text: str
    layers: dict[str, list[dict[str, Any]]]
    tokens: TokenArrays
    tag_ids: bytearray  # one BIO tag id per token (see tagging.tag_document)

    @property
    def doc_id(self) -> str:
        return self.manifest["doc_id"]


def read_records(path: Path, shape: schema.RecordShape) -> list[dict[str, Any]]:
    """A layer file's records in canonical order; a missing file is an empty layer."""
    if not path.is_file():
        return []
    records = []
    for line_no, record, error in store.iter_json_lines(path):
        if record is None:
            raise ExportError(f"{path}:{line_no}: {error}")
        records.append(record)
    return canonical_order(shape, records)


def canonical_order(shape: schema.RecordShape, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records sorted as ``store.write_records`` writes them, whatever order a file had."""
    return sorted(records, key=_sort_key(shape.sort_fields))


@functools.lru_cache(maxsize=None)
def _sort_key(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple]:
    """``store.sort_key`` for one shape's sort fields, with the field list bound once: the same tuples."""

    def key(record: dict[str, Any]) -> tuple:
        return tuple([(value is None, value) for value in map(record.get, names)])

    return key


def manifest_records(layout: store.Layout) -> Iterator[dict[str, Any]]:
    """Manifest records in file order; the manifest is the one index kept for the whole corpus."""
    for line in store.read_jsonl(layout.manifest_path):
        if line.record is None:
            raise ExportError(f"{layout.relative(layout.manifest_path)}:{line.line_no}: {line.error}")
        yield line.record


class EntityNames:
    """Entity id -> canonical name, failing with the file of a record whose entity is missing."""

    def __init__(self, table: dict[str, dict[str, Any]], layout: store.Layout):
        self.names = {entity_id: entity["name"] for entity_id, entity in table.items()}
        self.layout = layout

    def column(self, entity_ids: list[Any], shape: schema.RecordShape, doc_ids: list[str]) -> list[str]:
        names = self.names
        try:
            return [names[entity_id] for entity_id in entity_ids]
        except KeyError:
            i = next(i for i, entity_id in enumerate(entity_ids) if entity_id not in names)
            path = self.layout.relative(self.layout.layer_path(shape, doc_ids[i]))
            table = self.layout.relative(self.layout.entity_table_path)
            raise ExportError(f"{path}: a record refers to entity {entity_ids[i]!r}, which is not in {table}") from None


# Columns the export derives from another column of the same records: (new column, source field).
_RESOLVED_NAMES: dict[str, tuple[str, str]] = {
    schema.ENTITY_MENTION.name: (ENTITY_NAME.name, "entity_id"),
    schema.STANCE.name: (HOLDER_NAME.name, "holder_entity_id"),
}


@dataclass
class DocumentBatch:
    """Documents of one split waiting to be written; the build cuts a batch every few hundred documents."""

    docs: list[DocumentData] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.docs)

    def documents(self, names: list[str], corpus_version: str) -> Columns:
        """The ``documents`` config: manifest fields, text, version and each layer nested."""
        docs = self.docs
        columns: Columns = {}
        for name in names:
            if name == TEXT.name:
                columns[name] = [d.text for d in docs]
            elif name == CORPUS_VERSION.name:
                columns[name] = [corpus_version] * len(docs)
            elif name in _LAYER_NAMES:
                columns[name] = [d.layers[name] for d in docs]
            else:
                columns[name] = [d.manifest.get(name) for d in docs]
        return columns

    def layer(self, shape: schema.RecordShape, names: list[str], entities: EntityNames) -> Columns:
        """A per-record config (entities, figures, stances): ``doc_id``, the record's fields, resolved names."""
        records = [r for d in self.docs for r in d.layers[shape.name]]
        doc_ids = [d.doc_id for d in self.docs for _ in d.layers[shape.name]]
        resolved = _RESOLVED_NAMES.get(shape.name)
        columns: Columns = {}
        for name in names:
            if name == DOC_ID.name:
                columns[name] = doc_ids
            elif resolved is not None and name == resolved[0]:
                columns[name] = entities.column([r.get(resolved[1]) for r in records], shape, doc_ids)
            else:
                columns[name] = [r.get(name) for r in records]
        return columns

    def ner(self) -> Columns:
        """The ``ner`` config: one row per sentence; list columns as (flat values, row offsets).

        Token columns are concatenations of each document's arrays from the tokenizer
        process; only the per-sentence columns are built in Python."""
        import numpy as np
        import pyarrow as pa

        docs = [d for d in self.docs if len(d.tokens.sentence_starts)]
        doc_ids: list[str] = []
        for d in docs:
            doc_ids.extend([d.doc_id] * len(d.tokens.sentence_starts))
        bounds = [np.append(d.tokens.sentence_starts, len(d.tokens.starts)) for d in docs]
        starts = [d.tokens.starts[b[:-1]] for d, b in zip(docs, bounds)]
        ends = [d.tokens.ends[b[1:] - 1] for d, b in zip(docs, bounds)]
        lengths = [np.diff(b) for b in bounds]
        text_offsets, base = [], 0
        for d in docs:
            text_offsets.append(d.tokens.text_offsets[:-1].astype(np.int64) + base)
            base += int(d.tokens.text_offsets[-1])
        text_offsets.append(np.array([base], dtype=np.int64))
        if base >= 2**31:
            raise ExportError(f"the tokens of {len(docs)} documents ({docs[0].doc_id} ...) hold {base:,} bytes: more than one Arrow string array holds")
        token_count = sum(len(d.tokens.starts) for d in docs)
        tokens = pa.StringArray.from_buffers(
            token_count, pa.py_buffer(_concat(text_offsets, np.int32)), pa.py_buffer(b"".join(d.tokens.text_bytes for d in docs))
        )
        row_lengths = _concat(lengths, np.int64)
        return {
            "doc_id": doc_ids,
            "sentence_id": _concat([np.arange(len(b) - 1, dtype=np.int32) for b in bounds], np.int32),
            "start": _concat(starts, np.int32),
            "end": _concat(ends, np.int32),
            "tokens": FlatLists(tokens, row_lengths),
            "ner_tags": FlatLists(np.frombuffer(b"".join(d.tag_ids for d in docs), dtype=np.uint8).astype(np.int64), row_lengths),
            "token_starts": FlatLists(_concat([d.tokens.starts for d in docs], np.int32), row_lengths),
            "token_ends": FlatLists(_concat([d.tokens.ends for d in docs], np.int32), row_lengths),
        }


def _concat(parts: list[Any], dtype: Any) -> Any:
    """numpy.concatenate that also takes no parts (an empty batch gives empty columns)."""
    import numpy as np

    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype=dtype)


@dataclass(frozen=True)
class FlatLists:
    """A list column given as its flattened items and each row's length (cheaper than a list per row).

    Items and lengths may be Python lists, numpy arrays or (items) an Arrow array."""

    items: Any
    lengths: Any

    def __len__(self) -> int:
        return len(self.lengths)


_LAYER_NAMES = frozenset(shape.name for shape in NESTED_LAYERS)


def entity_table_columns(
    table: dict[str, dict[str, Any]], counts: dict[str, int], doc_ids: dict[str, list[str]], names: list[str]
) -> Columns:
    """The ``entity_table`` config of a split: the entities mentioned in it, in entity-table order."""
    entities = [entity for entity_id, entity in table.items() if entity_id in counts]
    columns: Columns = {}
    for name in names:
        if name == MENTION_COUNT.name:
            columns[name] = [counts[e["entity_id"]] for e in entities]
        elif name == DOC_IDS.name:
            columns[name] = [doc_ids[e["entity_id"]] for e in entities]
        else:
            columns[name] = [e.get(name) for e in entities]
    return columns

