"""Level 3 checks that relate records to each other: entity references and duplicate spans.

The entity table is the one corpus-wide index the validator keeps in memory;
it is small (one row per real-world entity) however many documents there are.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .. import schema
from ..schema import RecordShape
from .records import Rec, per_shape
from .report import FileReporter

# Which fields besides the span make two records of a layer "the same annotation".  Mentions,
# figures and exceptions are the same when they share span and type; a stance also needs the
# same holder, target and polarity (two holders may share one evidence sentence).
DUPLICATE_KEYS: dict[str, tuple[str, ...]] = {
    schema.ENTITY_MENTION.name: ("label",),
    schema.FIGURE.name: ("kind",),
    schema.STANCE.name: ("holder_entity_id", "target", "polarity"),
    schema.EXCEPTION.name: ("check",),
}


@per_shape
def entity_ref_fields(shape: RecordShape) -> tuple[schema.Field, ...]:
    """Fields holding entity-table ids: derived from the naming rule entity_id / *_entity_id(s)."""
    if shape is schema.ENTITY:
        return ()
    return tuple(f for f in shape.fields if f.name == "entity_id" or f.name.endswith(("_entity_id", "_entity_ids")))


@per_shape
def entity_label_field(shape: RecordShape) -> schema.Field | None:
    """The field that must agree with the entity table's label, when the shape has one."""
    if shape is schema.ENTITY or "entity_id" not in shape.field_names:
        return None
    return next((f for f in shape.fields if f.inventory is schema.ENTITY_LABELS), None)


@dataclass
class EntityIndex:
    """entity_id -> (label, line in the entity table), and which ids anything referred to."""

    labels: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    @classmethod
    def from_records(cls, recs: Iterable[Rec]) -> "EntityIndex":
        index = cls()
        for rec in recs:
            entity_id = rec.record_id(schema.ENTITY)
            if entity_id is None or entity_id in index.lines:
                continue
            index.lines[entity_id] = rec.line
            index.labels[entity_id] = rec.get("label") if rec.ok("label") else None
        return index


@per_shape
def _ref_specs(shape: RecordShape) -> tuple[tuple[tuple[str, bool], ...], schema.Field | None]:
    """(name, holds a list) per entity reference field, and the label field: looked up once per record."""
    return tuple((f.name, f.kind == "string_list") for f in entity_ref_fields(shape)), entity_label_field(shape)


def check_entity_refs(shape: RecordShape, rec: Rec, entities: EntityIndex, out: FileReporter) -> None:
    """References resolve in the entity table, and a mention's label is its entity's label."""
    data, bad = rec.data, rec.bad
    known, used = entities.lines, entities.used
    ref_fields, label_field = _ref_specs(shape)
    for name, is_list in ref_fields:
        value = data.get(name)
        if value is None or (bad and name in bad):
            continue
        for one in value if is_list else (value,):
            if one in known:
                used.add(one)
            else:
                out.add("unknown-entity", rec.line, f"{name} {one!r} is not in the entity table", rec.record_id(shape))
    if label_field is None or not rec.ok("entity_id", label_field.name):
        return
    expected = entities.labels.get(data.get("entity_id"))
    actual = data.get(label_field.name)
    if expected is not None and actual != expected:
        out.add(
            "label-mismatch",
            rec.line,
            f"{label_field.name} is {actual!r} but entity {rec.get('entity_id')!r} is {expected!r} in the entity table",
            rec.record_id(shape),
        )


@per_shape
def linked_entity_fields(shape: RecordShape) -> tuple[schema.Field, ...]:
    """Entity references Label Studio carries as a relation from a mention: every one but a mention's own."""
    if shape is schema.ENTITY_MENTION:
        return ()
    return tuple(f for f in entity_ref_fields(shape) if f.name != "entity_id")


def mentioned_entities(mentions: Iterable[Rec]) -> set[str]:
    """The entity ids a document's mentions refer to: what its stances and figures may link to."""
    return {rec.data.get("entity_id") for rec in mentions if not rec.bad or "entity_id" not in rec.bad}


def check_mentioned_entities(shape: RecordShape, recs: Iterable[Rec], mentioned: set[str], entities: EntityIndex, out: FileReporter) -> None:
    """A holder or measured entity needs a mention in the document to hang its Label Studio relation on.

    An id missing from the entity table is left to ``unknown-entity``: one mistake, one finding.
    """
    fields = linked_entity_fields(shape)
    if not fields:
        return
    for rec in recs:
        data, bad = rec.data, rec.bad
        for f in fields:
            value = data.get(f.name)
            if value is None or (bad and f.name in bad):
                continue
            for one in value if f.kind == "string_list" else (value,):
                if one not in mentioned and one in entities.lines:
                    out.add(
                        "unmentioned-entity",
                        rec.line,
                        f"{f.name} {one!r} has no mention in this document; annotate a mention of it "
                        "(Label Studio links it from one)",
                        rec.record_id(shape),
                    )


@per_shape
def duplicate_key_fields(shape: RecordShape) -> tuple[str, ...]:
    """The fields whose values, all equal, make two records of a layer one annotation twice."""
    return tuple(name for span in shape.spans for name in (span.start, span.end)) + DUPLICATE_KEYS.get(shape.name, ())


@per_shape
def _duplicate_key(shape: RecordShape) -> Callable[[dict[str, Any]], tuple]:
    """The duplicate key of a record's data, list values made hashable only where a key field is a list."""
    names = duplicate_key_fields(shape)
    if any(shape.field(name).kind == "string_list" for name in names):
        return lambda data: tuple(_hashable(data.get(name)) for name in names)
    getter = operator.itemgetter(*names)
    return (lambda data: getter(data)) if len(names) > 1 else (lambda data: (getter(data),))


def check_duplicate_spans(shape: RecordShape, recs: Iterable[Rec], out: FileReporter) -> None:
    """Two records annotating the same span the same way: one of them is a copy."""
    if not shape.spans:
        return
    key_fields = duplicate_key_fields(shape)
    key_of = _duplicate_key(shape)
    first: dict[tuple, Rec] = {}
    for rec in recs:
        if not rec.span_ok or (rec.bad and not rec.bad.isdisjoint(key_fields)):
            continue
        key = key_of(rec.data)
        if key in first:
            other = first[key]
            out.add(
                "duplicate-span",
                rec.line,
                f"same {', '.join(key_fields)} as {other.record_id(shape)!r} on line {other.line}",
                rec.record_id(shape),
            )
        else:
            first[key] = rec


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
