"""Level 3 checks that relate records to each other: entity references and duplicate spans.

The entity table is the one corpus-wide index the validator keeps in memory;
it is small (one row per real-world entity) however many documents there are.
Which fields hold entity ids and which fields make two records one annotation
are declared in ``schema`` (``Field.entity_ref``, ``RecordShape.same_annotation``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable

from .. import corpus, schema
from ..schema import RecordShape
from .records import Rec
from .report import FileReporter


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
            if entity_id is None or entity_id in index.lines or not rec.ok("entity_id"):
                continue
            index.lines[entity_id] = rec.line
            index.labels[entity_id] = rec.get("label") if rec.ok("label") else None
        return index


def _entity_ids(f: schema.Field, value: Any) -> list[str] | tuple[str]:
    return value if f.kind == "string_list" else (value,)


def check_entity_refs(shape: RecordShape, recs: list[Rec], entities: EntityIndex, out: FileReporter) -> None:
    """References resolve in the entity table, and a mention's label is its entity's label."""
    known, used = entities.lines, entities.used
    for f in shape.entity_ref_fields:
        for rec in recs:
            value = rec.data.get(f.name)
            if value is None or not rec.ok(f.name):
                continue
            for one in _entity_ids(f, value):
                if one in known:
                    used.add(one)
                else:
                    out.add("unknown-entity", rec.line, f"{f.name} {one!r} is not in the entity table", rec.record_id(shape))
    if shape is not schema.ENTITY_MENTION:
        return
    for rec in recs:
        entity_id, actual = rec.data.get("entity_id"), rec.data.get("label")
        expected = entities.labels.get(entity_id) if rec.ok("entity_id", "label") else None
        if expected is not None and actual != expected:
            out.add(
                "label-mismatch",
                rec.line,
                f"label is {actual!r} but entity {entity_id!r} is {expected!r} in the entity table",
                rec.record_id(shape),
            )


def check_mentioned_entities(shape: RecordShape, recs: Iterable[Rec], mentioned: set[str], entities: EntityIndex, out: FileReporter) -> None:
    """A holder or measured entity needs a mention in the document: the text must name it.

    An id missing from the entity table is left to ``unknown-entity``: one mistake, one finding.
    """
    if shape is schema.ENTITY_MENTION:
        return
    for rec in recs:
        for f in shape.entity_ref_fields:
            value = rec.get(f.name)
            if value is None or not rec.ok(f.name):
                continue
            for one in _entity_ids(f, value):
                if one not in mentioned and one in entities.lines:
                    out.add(
                        "unmentioned-entity",
                        rec.line,
                        f"{f.name} {one!r} has no mention in this document; annotate a mention of it "
                        "(the text must name whom a record is about)",
                        rec.record_id(shape),
                    )


class DuplicateSpans:
    """``duplicate-span``: fed a file's records a batch at a time, finds one annotating the same span
    the same way as an earlier one (a copy), and reports them all at :meth:`finish`.

    Keeps each key with its first line only; the ids the messages name are read back from the
    file at :meth:`finish`, so no record and no id is held for this check (but the copies found)."""

    def __init__(self, shape: RecordShape, out: FileReporter, path: Path) -> None:
        self.shape, self.out, self.path = shape, out, path
        self.key_fields = shape.annotation_key
        self.lists = any(f.kind == "string_list" for f in shape.fields if f.name in self.key_fields)
        self.first: dict[tuple, int] = {}
        self.found: list[tuple[int, int, str | None]] = []  # (line, line of the first copy, record id)

    def add(self, recs: list[Rec]) -> None:
        if not self.shape.spans:
            return
        key_fields, first = self.key_fields, self.first
        key_of = itemgetter(*key_fields)
        for rec in recs:
            if not rec.span_ok or (rec.bad and not rec.ok(*key_fields)):
                continue
            key = key_of(rec.data)
            if self.lists:
                key = tuple(map(_hashable, key))
            line = first.setdefault(key, rec.line)
            if line != rec.line:
                self.found.append((rec.line, line, rec.record_id(self.shape)))

    def finish(self) -> None:
        if not self.found:
            return
        wanted = {first for _, first, _ in self.found}
        ids = {line.no: Rec(line.no, line.record).record_id(self.shape) for line in corpus.iter_lines(self.path) if line.no in wanted}
        for line, first, record_id in self.found:
            self.out.add("duplicate-span", line, f"same {', '.join(self.key_fields)} as {ids.get(first)!r} on line {first}", record_id)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
