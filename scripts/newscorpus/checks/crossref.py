"""Level 3 checks that relate records to each other: entity references and duplicate spans.

The entity table is the one corpus-wide index the validator keeps in memory;
it is small (one row per real-world entity) however many documents there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

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


def check_entity_refs(shape: RecordShape, rec: Rec, entities: EntityIndex, out: FileReporter) -> None:
    """References resolve in the entity table, and a mention's label is its entity's label."""
    record_id = rec.record_id(shape)
    for f in entity_ref_fields(shape):
        if not rec.ok(f.name) or rec.get(f.name) is None:
            continue
        values = rec.get(f.name) if f.kind == "string_list" else [rec.get(f.name)]
        for value in values:
            if value in entities.lines:
                entities.used.add(value)
            else:
                out.add("unknown-entity", rec.line, f"{f.name} {value!r} is not in the entity table", record_id)
    label_field = entity_label_field(shape)
    if label_field is None or not rec.ok("entity_id", label_field.name):
        return
    expected = entities.labels.get(rec.get("entity_id"))
    actual = rec.get(label_field.name)
    if expected is not None and actual != expected:
        out.add(
            "label-mismatch",
            rec.line,
            f"{label_field.name} is {actual!r} but entity {rec.get('entity_id')!r} is {expected!r} in the entity table",
            record_id,
        )


@per_shape
def linked_entity_fields(shape: RecordShape) -> tuple[schema.Field, ...]:
    """Entity references Label Studio carries as a relation from a mention: every one but a mention's own."""
    if shape is schema.ENTITY_MENTION:
        return ()
    return tuple(f for f in entity_ref_fields(shape) if f.name != "entity_id")


def mentioned_entities(mentions: Iterable[Rec]) -> set[str]:
    """The entity ids a document's mentions refer to: what its stances and figures may link to."""
    return {rec.get("entity_id") for rec in mentions if rec.ok("entity_id")}


def check_mentioned_entities(shape: RecordShape, recs: Iterable[Rec], mentioned: set[str], entities: EntityIndex, out: FileReporter) -> None:
    """A holder or measured entity needs a mention in the document to hang its Label Studio relation on.

    An id missing from the entity table is left to ``unknown-entity``: one mistake, one finding.
    """
    fields = linked_entity_fields(shape)
    if not fields:
        return
    for rec in recs:
        for f in fields:
            if not rec.ok(f.name) or rec.get(f.name) is None:
                continue
            values = rec.get(f.name) if f.kind == "string_list" else [rec.get(f.name)]
            for value in values:
                if value not in mentioned and value in entities.lines:
                    out.add(
                        "unmentioned-entity",
                        rec.line,
                        f"{f.name} {value!r} has no mention in this document; annotate a mention of it "
                        "(Label Studio links it from one)",
                        rec.record_id(shape),
                    )


def check_duplicate_spans(shape: RecordShape, recs: Iterable[Rec], out: FileReporter) -> None:
    """Two records annotating the same span the same way: one of them is a copy."""
    key_fields = [name for span in shape.spans for name in (span.start, span.end)] + list(DUPLICATE_KEYS.get(shape.name, ()))
    if not shape.spans:
        return
    first: dict[tuple, Rec] = {}
    for rec in recs:
        if not rec.span_ok or not rec.ok(*key_fields):
            continue
        key = tuple(_hashable(rec.get(name)) for name in key_fields)
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
