"""One validated document -> its rows in every config (plain dicts, label names not yet ids).

Only schema fields are read from a record, so an unknown key never leaks into a
column.  Rows are encoded (ClassLabel names -> ids) and written by ``exporter``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import schema
from ..corpus import Document, Record
from .features import CORPUS_VERSION, DOC_ID, DOCUMENT_EXCLUDE, ENTITY_NAME, HOLDER_NAME, NESTED_LAYERS, TEXT
from .ner import Misalignment, Tokens, name_spans, ontonotes_spans, sentences, tag

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

Row = dict[str, Any]

RESOLVED_NAMES: dict[str, tuple[str, str]] = {
    schema.ENTITY_MENTION.name: (ENTITY_NAME.name, "entity_id"),
    schema.STANCE.name: (HOLDER_NAME.name, "holder_entity_id"),
}
"""Per layer: the column the export adds with an entity's canonical name, and the id field it resolves."""


def _fields(shape: schema.RecordShape, record: Record) -> Row:
    return {name: record.get(name) for name in shape.field_names}


def document_row(doc: Document, version: str) -> Row:
    """The ``documents`` row: manifest fields, text, version and each annotation layer nested."""
    row = {name: doc.manifest.get(name) for name in schema.DOCUMENT.field_names if name not in DOCUMENT_EXCLUDE}
    row[TEXT.name] = doc.text
    row[CORPUS_VERSION.name] = version
    for shape in NESTED_LAYERS:
        row[shape.name] = [_fields(shape, r) for r in doc.records(shape)]
    return row


def layer_rows(doc: Document, shape: schema.RecordShape, entity_names: dict[str, str]) -> list[Row]:
    """One row per record of a layer: ``doc_id``, the record's fields, the resolved entity name."""
    resolved = RESOLVED_NAMES.get(shape.name)
    rows = []
    for record in doc.records(shape):
        row = {DOC_ID.name: doc.doc_id, **_fields(shape, record)}
        if resolved is not None:
            row[resolved[0]] = entity_names[record[resolved[1]]]
        rows.append(row)
    return rows


TAGS_COLUMN = "ner_tags"
"""The one column in which the token configs differ; they share every other column."""


def token_columns(doc: Document, parsed: "Doc") -> tuple[dict[str, list[Any]], dict[str, list[list[str]]], list[Misalignment]]:
    """The token configs' rows as columns (one entry per sentence): the columns ``ner`` and
    ``ner_ontonotes`` share, each config's :data:`TAGS_COLUMN`, and the spans neither could tag."""
    mentions = doc.records(schema.ENTITY_MENTION)
    tokens = Tokens.of(parsed, doc.text)
    sents = sentences(tokens)
    shared = {
        "doc_id": [doc.doc_id] * len(sents),
        "sentence_id": [s.sentence_id for s in sents],
        "start": [s.starts[0] for s in sents],
        "end": [s.ends[-1] for s in sents],
        "tokens": [s.tokens for s in sents],
        "token_starts": [s.starts for s in sents],
        "token_ends": [s.ends for s in sents],
    }
    tags: dict[str, list[list[str]]] = {}
    problems: list[Misalignment] = []
    for config, spans in (("ner", name_spans(mentions)), ("ner_ontonotes", ontonotes_spans(mentions, doc.records(schema.FIGURE)))):
        tags[config], missed = tag(doc.doc_id, tokens, spans)
        problems += [m for m in missed if m not in problems]
    return shared, tags, problems


def entity_table_rows(table: list[Record], counts: dict[str, int], doc_ids: dict[str, list[str]]) -> list[Row]:
    """The ``entity_table`` rows of a split: the entities mentioned in it, in entity-table order."""
    return [
        {**_fields(schema.ENTITY, e), "mention_count": counts[e["entity_id"]], "doc_ids": doc_ids[e["entity_id"]]}
        for e in table
        if e["entity_id"] in counts
    ]
