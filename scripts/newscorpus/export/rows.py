"""Rows of each config, built from one document's records at a time.

Row builders take plain records (label names, not ids) and return plain
dicts keyed by the config's columns; :mod:`parquet` encodes and writes them.
Only schema fields are copied, so an unknown key in a record never leaks
into a column.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import schema, store
from .features import CORPUS_VERSION, DOCUMENT_EXCLUDE, NESTED_LAYERS, TEXT


class ExportError(Exception):
    """Input the export cannot turn into rows; the message names the file, record and problem."""


@dataclass(frozen=True)
class DocumentData:
    """One document, loaded: its manifest record, text and records per annotation layer."""

    manifest: dict[str, Any]
    text: str
    layers: dict[str, list[dict[str, Any]]]

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
    return sorted(records, key=_sort_key(shape.sort_fields))


@functools.lru_cache(maxsize=None)
def _sort_key(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple]:
    """``store.sort_key`` for one shape's sort fields, with the field list bound once: the same tuples."""

    def key(record: dict[str, Any]) -> tuple:
        return tuple([(value is None, value) for value in map(record.get, names)])

    return key


def load_document(layout: store.Layout, manifest: dict[str, Any]) -> DocumentData:
    doc_id = manifest["doc_id"]
    text_path = layout.text_path(doc_id)
    if not text_path.is_file():
        raise ExportError(f"{layout.relative(text_path)}: text of document {doc_id} is missing")
    layers = {shape.name: read_records(layout.layer_path(shape, doc_id), shape) for shape in NESTED_LAYERS}
    return DocumentData(manifest, store.read_text(text_path), layers)


def manifest_records(layout: store.Layout) -> Iterator[dict[str, Any]]:
    """Manifest records in file order; the manifest is the one index kept for the whole corpus."""
    for line in store.read_jsonl(layout.manifest_path):
        if line.record is None:
            raise ExportError(f"{layout.relative(layout.manifest_path)}:{line.line_no}: {line.error}")
        yield line.record


def schema_fields(shape: schema.RecordShape, record: dict[str, Any], *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The record's schema fields in schema order; absent nullable fields become None."""
    names = _column_names(shape.name, exclude)
    # Keyed by the schema's own name strings, not copied from the record: json.loads makes fresh key
    # strings for every record, and rows wait in batches: copying records cost 18 MB of peak memory
    # on a 1,000-document synthetic build.
    return dict(zip(names, map(record.get, names)))


@functools.lru_cache(maxsize=None)
def _column_names(shape_name: str, exclude: tuple[str, ...]) -> tuple[str, ...]:
    """A shape's field names minus ``exclude``, derived once (this runs for every exported record)."""
    return tuple(f.name for f in schema.shape_by_name(shape_name).fields if f.name not in exclude)


class EntityNames:
    """Entity id -> canonical name lookups that fail with the record that needs them."""

    def __init__(self, table: dict[str, dict[str, Any]], layout: store.Layout):
        self.table, self.layout = table, layout

    def name(self, entity_id: str, shape: schema.RecordShape, doc_id: str, record: dict[str, Any]) -> str:
        entity = self.table.get(entity_id)
        if entity is None:
            path = self.layout.relative(self.layout.layer_path(shape, doc_id))
            raise ExportError(
                f"{path}: {shape.id_field} {record.get(shape.id_field)!r} refers to entity {entity_id!r}, "
                f"which is not in {self.layout.relative(self.layout.entity_table_path)}"
            )
        return entity["name"]


def document_row(doc: DocumentData, corpus_version: str) -> dict[str, Any]:
    row = schema_fields(schema.DOCUMENT, doc.manifest, exclude=DOCUMENT_EXCLUDE)
    row[TEXT.name] = doc.text
    row[CORPUS_VERSION.name] = corpus_version
    for shape in NESTED_LAYERS:
        row[shape.name] = [schema_fields(shape, r) for r in doc.layers[shape.name]]
    return row


def entity_rows(doc: DocumentData, names: EntityNames) -> Iterator[dict[str, Any]]:
    shape = schema.ENTITY_MENTION
    for record in doc.layers[shape.name]:
        row = {"doc_id": doc.doc_id, **schema_fields(shape, record)}
        row["entity_name"] = names.name(record["entity_id"], shape, doc.doc_id, record)
        yield row


def figure_rows(doc: DocumentData) -> Iterator[dict[str, Any]]:
    for record in doc.layers[schema.FIGURE.name]:
        yield {"doc_id": doc.doc_id, **schema_fields(schema.FIGURE, record)}


def stance_rows(doc: DocumentData, names: EntityNames) -> Iterator[dict[str, Any]]:
    shape = schema.STANCE
    for record in doc.layers[shape.name]:
        row = {"doc_id": doc.doc_id, **schema_fields(shape, record)}
        row["holder_name"] = names.name(record["holder_entity_id"], shape, doc.doc_id, record)
        yield row


def entity_table_row(entity: dict[str, Any], mention_count: int, doc_ids: list[str]) -> dict[str, Any]:
    row = schema_fields(schema.ENTITY, entity)
    row["mention_count"] = mention_count
    row["doc_ids"] = doc_ids
    return row
