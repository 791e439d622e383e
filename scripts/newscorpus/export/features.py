"""The export's configs and their ``datasets.Features``, all derived from ``newscorpus.schema``.

Each config is one table users load with ``load_dataset(path, "<config>")``.
Column types and ClassLabel names come from the schema's record shapes, so
appending a label to an inventory appends a class id everywhere at once and
no label name is spelt here.  Columns the export adds (``doc_id`` on
per-document rows, resolved names, counts, token offsets) are declared here
with their descriptions, which the card and the Croissant file reuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import schema

if TYPE_CHECKING:  # pragma: no cover
    import datasets


@dataclass(frozen=True)
class ExtraColumn:
    """A column the export adds to a schema record: its name, feature kind and description."""

    name: str
    kind: str  # a schema.Field kind, "int_list" or "tag_list"
    description: str


@dataclass(frozen=True)
class ConfigSpec:
    """One exported config: name, what a row is, and the ordered columns with descriptions."""

    name: str
    row: str
    columns: tuple[tuple[str, str], ...]  # (column name, description), in column order
    default: bool = False


DOC_ID = ExtraColumn("doc_id", "string", "Id of the document the row belongs to (the `doc_id` of `documents`).")
TEXT = ExtraColumn("text", "string", "The verbatim article text; every offset in every config indexes this string (code points).")
CORPUS_VERSION = ExtraColumn("corpus_version", "string", "Corpus version the row was exported from.")
ENTITY_NAME = ExtraColumn("entity_name", "string", "Canonical name of `entity_id` from the entity table.")
HOLDER_NAME = ExtraColumn("holder_name", "string", "Canonical name of `holder_entity_id` from the entity table.")
MENTION_COUNT = ExtraColumn("mention_count", "int", "Number of mentions of the entity in this split.")
DOC_IDS = ExtraColumn("doc_ids", "string_list", "Documents of this split that mention the entity, in manifest order.")
SENTENCE_ID = ExtraColumn("sentence_id", "int", "Position of the sentence in its document (0-based); (doc_id, sentence_id) is unique.")
SENTENCE_START = ExtraColumn("start", "int", "Start offset of the sentence's first token in the document text.")
SENTENCE_END = ExtraColumn("end", "int", "End offset (exclusive) of the sentence's last token.")
TOKENS = ExtraColumn("tokens", "string_list", "spaCy rule-based English tokens; whitespace-only tokens are left out.")
NER_TAGS = ExtraColumn("ner_tags", "tag_list", "BIO tag per token over NAM (proper-name) mentions only; NOM and PRO mentions are not names.")
ONTONOTES_TAGS = ExtraColumn(
    "ner_tags",
    "ontonotes_tag_list",
    "BIO tag per token over the 18 OntoNotes 5 types: NAM mentions by entity label, figures by kind (DURATION folded into DATE).",
)
TOKEN_STARTS = ExtraColumn("token_starts", "int_list", "Start offset of each token in the document text.")
TOKEN_ENDS = ExtraColumn("token_ends", "int_list", "End offset (exclusive) of each token in the document text.")

DOCUMENT_EXCLUDE = ("split",)
"""Manifest fields that are not columns: the split is the split the row is in."""

NESTED_LAYERS: tuple[schema.RecordShape, ...] = schema.ANNOTATION_LAYERS
"""Annotation layers nested in each `documents` row, under the shape's name."""


def _extra_feature(column: ExtraColumn) -> Any:
    import datasets

    if column.kind == "int_list":
        return datasets.List(datasets.Value("int32"))
    if column.kind == "tag_list":
        return datasets.List(datasets.ClassLabel(names=schema.ner_tag_names()))
    if column.kind == "ontonotes_tag_list":
        return datasets.List(datasets.ClassLabel(names=schema.ontonotes_tag_names()))
    field = schema.Field(column.name, column.kind, column.description)
    return schema.record_features(schema.RecordShape(column.name, column.name, (field,)))[column.name]


def _shape_columns(shape: schema.RecordShape, exclude: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(f.name, f.description) for f in shape.fields if f.name not in exclude]


def _insert_after(columns: list[Any], after: str, new: Any, key=lambda c: c[0]) -> list[Any]:
    """Columns with ``new`` placed right after the column named ``after`` (which must exist)."""
    index = next(i for i, c in enumerate(columns) if key(c) == after)
    return [*columns[: index + 1], new, *columns[index + 1 :]]


def _described(column: ExtraColumn) -> tuple[str, str]:
    return (column.name, column.description)


def document_columns() -> list[tuple[str, str]]:
    columns = _insert_after(_shape_columns(schema.DOCUMENT, DOCUMENT_EXCLUDE), "event_id", _described(TEXT))
    columns.append(_described(CORPUS_VERSION))
    for shape in NESTED_LAYERS:
        columns.append((shape.name, f"The document's `{shape.name}` records (see the `{shape.name}` config for the fields)."))
    return columns


CONFIGS: tuple[ConfigSpec, ...] = (
    ConfigSpec("documents", "one document with its text and nested annotations", tuple(document_columns()), default=True),
    ConfigSpec(
        "entities",
        "one entity mention",
        tuple(
            [
                _described(DOC_ID),
                *_insert_after(_shape_columns(schema.ENTITY_MENTION), "entity_id", _described(ENTITY_NAME)),
            ]
        ),
    ),
    ConfigSpec(
        "entity_table",
        "one real-world entity mentioned in the split",
        tuple(
            _insert_after(
                _insert_after(_shape_columns(schema.ENTITY), "description", _described(MENTION_COUNT)),
                MENTION_COUNT.name,
                _described(DOC_IDS),
            )
        ),
    ),
    ConfigSpec("figures", "one figure", tuple([_described(DOC_ID), *_shape_columns(schema.FIGURE)])),
    ConfigSpec(
        "stances",
        "one stance",
        tuple(
            [
                _described(DOC_ID),
                *_insert_after(_shape_columns(schema.STANCE), "holder_entity_id", _described(HOLDER_NAME)),
            ]
        ),
    ),
    ConfigSpec(
        "ner",
        "one sentence, tokenized, with BIO name tags",
        tuple(
            _described(c)
            for c in (DOC_ID, SENTENCE_ID, SENTENCE_START, SENTENCE_END, TOKENS, NER_TAGS, TOKEN_STARTS, TOKEN_ENDS)
        ),
    ),
    ConfigSpec(
        "ner_ontonotes",
        "one sentence of `ner`, tagged over the 18 OntoNotes 5 types (names and figures)",
        tuple(
            _described(c)
            for c in (DOC_ID, SENTENCE_ID, SENTENCE_START, SENTENCE_END, TOKENS, ONTONOTES_TAGS, TOKEN_STARTS, TOKEN_ENDS)
        ),
    ),
)

CONFIG_NAMES: tuple[str, ...] = tuple(c.name for c in CONFIGS)
TOKEN_CONFIGS: tuple[str, ...] = ("ner", "ner_ontonotes")
"""Configs with one row per sentence: the same tokens, tagged over different span sets."""


def config_spec(name: str) -> ConfigSpec:
    return next(c for c in CONFIGS if c.name == name)


_EXTRA_COLUMNS: dict[str, ExtraColumn] = {
    c.name: c
    for c in (DOC_ID, TEXT, CORPUS_VERSION, ENTITY_NAME, HOLDER_NAME, MENTION_COUNT, DOC_IDS)
}
_NER_COLUMNS: dict[str, ExtraColumn] = {
    c.name: c
    for c in (DOC_ID, SENTENCE_ID, SENTENCE_START, SENTENCE_END, TOKENS, NER_TAGS, TOKEN_STARTS, TOKEN_ENDS)
}
_CONFIG_SHAPES: dict[str, schema.RecordShape] = {
    "documents": schema.DOCUMENT,
    "entities": schema.ENTITY_MENTION,
    "entity_table": schema.ENTITY,
    "figures": schema.FIGURE,
    "stances": schema.STANCE,
}


def config_features(name: str) -> "datasets.Features":
    """The Features of one config: schema-derived record fields plus the export's own columns."""
    import datasets

    spec = config_spec(name)
    if name in TOKEN_CONFIGS:
        columns = {**_NER_COLUMNS, "ner_tags": NER_TAGS if name == "ner" else ONTONOTES_TAGS}
        return datasets.Features({col: _extra_feature(columns[col]) for col, _ in spec.columns})
    shape = _CONFIG_SHAPES[name]
    record = schema.record_features(shape)
    nested = {s.name: datasets.List(schema.record_features(s)) for s in NESTED_LAYERS} if name == "documents" else {}
    features: dict[str, Any] = {}
    for col, _ in spec.columns:
        if col in nested:
            features[col] = nested[col]
        elif col in record:
            features[col] = record[col]
        else:
            features[col] = _extra_feature(_EXTRA_COLUMNS[col])
    return datasets.Features(features)
