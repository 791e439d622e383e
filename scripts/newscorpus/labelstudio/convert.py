"""Native records <-> Label Studio results: pure, strict, one pass.

Label Studio stores whatever it is sent and never checks offsets or labels, so
everything coming back is checked here: every span against the task text,
every label and choice against the inventories, every value's type.  A problem
raises :class:`ConversionError` naming the task (doc_id), the region id and
what is wrong; nothing is skipped, and no input (wrong types, unhashable ids,
strings where lists belong) ends in anything but a ConversionError.

Region id = record id (``m-001``, ``f-001``, ``s-001``), kept verbatim both ways;
regions drawn in Label Studio come back with its random ids, which the pull
(``sync.assign_ids``) replaces by the document's next free id.

Entity links are per-region choices, not relations: a mention's ``entity_id``,
a stance's ``holder_entity_id`` and a figure's ``measured_entity_ids`` are picked
from the entity list each task carries (``config.task_data``); every choice is
stored as ``"<field>: <value>"`` (``config.stored_choice``).  A mention may
instead carry a new id typed into ``new_entity_id``.  ``measured_entity_ids``
come back sorted: their order is not an annotation (the pull keeps the local
order when the set is unchanged).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from .. import schema
from . import config
from .config import LayerControls, PerRegion

Record = dict[str, Any]

PROVENANCE = tuple(f.name for f in schema.PROVENANCE_FIELDS)
ENTITY_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""What a new entity id typed in Label Studio must look like (the form every id in the table has)."""


class ConversionError(ValueError):
    """A Label Studio result or a native record that cannot be converted; names task and region."""

    def __init__(self, doc_id: str, region_id: str | None, problem: str) -> None:
        where = f"task {doc_id}" + (f", region {region_id}" if region_id is not None else "")
        super().__init__(f"{where}: {problem}")


def annotation_fields(shape: schema.RecordShape) -> list[str]:
    """The fields that say what was annotated (everything but who and how)."""
    return [name for name in shape.field_names if name not in PROVENANCE]


def _short(value: Any, limit: int = 80) -> str:
    """A value as shown in an error message: repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


# --------------------------------------------------------------------------- wiring, derived once from config

_PER_REGION: dict[str, tuple[LayerControls, PerRegion]] = {
    config.per_region_control(layer, item): (layer, item) for layer in config.LAYERS for item in layer.per_region
}
_LABEL_SETS: dict[str, frozenset[str]] = {
    layer.control: frozenset(
        layer.shape.field(layer.label_field).inventory.names  # type: ignore[union-attr]
        if layer.label_field
        else [config.STANCE_REGION_LABEL]
    )
    for layer in config.LAYERS
}
_NEW_ENTITY = next(item for item in config.ENTITY_LAYER.per_region if item.kind == "new_entity")
_MENTION_ENTITY = next(item for item in config.ENTITY_LAYER.per_region if item.kind == "entity")


# --------------------------------------------------------------------------- native -> Label Studio


def _format_textarea(field: schema.Field, value: Any) -> str:
    """Typed value -> textarea text; floats as integers when integral, as the store writes them."""
    if field.kind == "float":
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
    return str(value)


def _regions_of(doc_id: str, layer: LayerControls, record: Record) -> list[dict[str, Any]]:
    span = layer.shape.spans[0]
    rid = record[layer.shape.id_field]
    value = {"start": record[span.start], "end": record[span.end], "text": record[span.text]}

    def result(name: str, kind: str, key: str, given: list[Any]) -> dict[str, Any]:
        return {"id": rid, "from_name": name, "to_name": config.TEXT_NAME, "type": kind, "value": {**value, key: given}}

    label = record[layer.label_field] if layer.label_field else config.STANCE_REGION_LABEL
    out = [result(layer.control, "labels", "labels", [label])]
    for item in layer.per_region:
        if item.kind == "new_entity":
            continue  # gold mentions name entities of the table; the box is for annotators' new ones
        field = layer.shape.field(item.field)
        raw = record.get(item.field)
        name = config.per_region_control(layer, item)
        if raw is None:
            if not field.nullable:
                raise ConversionError(doc_id, rid, f"field {item.field!r} is missing or null")
            continue
        if item.kind == "textarea":
            out.append(result(name, "textarea", "text", [_format_textarea(field, raw)]))
            continue
        if item.kind == "entities":
            values = list(raw)
            if not values:
                continue
        elif field.kind == "bool":
            values = ["true" if raw else "false"]
        else:
            values = [raw]
        out.append(result(name, "choices", "choices", [config.stored_choice(item.field, v) for v in values]))
    return out


def records_to_result(doc_id: str, layers: Mapping[str, Iterable[Record]]) -> list[dict[str, Any]]:
    """One document's annotation layers as one Label Studio result list, layer by layer."""
    result: list[dict[str, Any]] = []
    for layer in config.LAYERS:
        for record in layers.get(layer.shape.name, ()):
            result += _regions_of(doc_id, layer, record)
    return result


# --------------------------------------------------------------------------- Label Studio -> native


class _Region:
    """A region being assembled from the results that share its id."""

    __slots__ = ("layer", "start", "end", "text", "label", "values", "attached")

    def __init__(self) -> None:
        self.layer: LayerControls | None = None
        self.start = self.end = -1
        self.text = self.label = ""
        self.values: dict[str, Any] = {}
        self.attached: list[tuple[str, Any, Any]] = []  # (per-region control, start, end), checked once the label is known


def _one(doc_id: str, rid: str, control: str, items: Any, what: str) -> str:
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], str):
        raise ConversionError(doc_id, rid, f"{control}: expected exactly one {what}, got {_short(items)}")
    return items[0]


def _unstored(doc_id: str, rid: str, control: str, item: PerRegion, stored: Any) -> str:
    """The value of one stored choice ``"<field>: <value>"``."""
    prefix = config.stored_choice(item.field, "")
    if not isinstance(stored, str) or not stored.startswith(prefix) or len(stored) == len(prefix):
        raise ConversionError(doc_id, rid, f"{control}: unknown choice {_short(stored)} (a choice reads {prefix!r} then a value)")
    return stored[len(prefix):]


def _entity_id(doc_id: str, rid: str, control: str, value: str) -> str:
    if not ENTITY_ID_PATTERN.fullmatch(value):
        raise ConversionError(doc_id, rid, f"{control}: {_short(value)} is not an entity id "
                              "(lowercase letters and digits in words joined by hyphens, e.g. sergey-lavrov)")
    return value


def _per_region_value(doc_id: str, rid: str, name: str, layer: LayerControls, item: PerRegion, value: dict[str, Any]) -> Any:
    """The typed value of one per-region result."""
    if item.kind in ("textarea", "new_entity"):
        raw = _one(doc_id, rid, name, value.get("text"), "text")
        if item.kind == "new_entity":
            return _entity_id(doc_id, rid, name, raw.strip())
        if layer.shape.field(item.field).kind == "float":
            try:
                return float(raw)
            except ValueError:
                raise ConversionError(doc_id, rid, f"{item.field}: {_short(raw)} is not a number") from None
        return raw
    choices = value.get("choices")
    if item.kind == "entities":
        if not isinstance(choices, list):
            raise ConversionError(doc_id, rid, f"{name}: expected a list of choices, got {_short(choices)}")
        return sorted({_entity_id(doc_id, rid, name, _unstored(doc_id, rid, name, item, c)) for c in choices})
    picked = _unstored(doc_id, rid, name, item, _one(doc_id, rid, name, choices, "choice"))
    if item.kind == "entity":
        return _entity_id(doc_id, rid, name, picked)
    allowed = item.inventory.names if item.inventory else list(config.APPROXIMATE_HINTS)
    if picked not in allowed:
        raise ConversionError(doc_id, rid, f"{name}: unknown choice {_short(picked)} (allowed: {sorted(allowed)})")
    return picked == "true" if layer.shape.field(item.field).kind == "bool" else picked


def _add_result(doc_id: str, text: str, item: Any, regions: dict[str, _Region]) -> None:
    if not isinstance(item, dict):
        raise ConversionError(doc_id, None, f"result item must be an object, got {_short(item)}")
    rid, name = item.get("id"), item.get("from_name")
    if not isinstance(name, str):
        raise ConversionError(doc_id, rid if isinstance(rid, str) else None, f"result has no control name (from_name {_short(name)})")
    if not isinstance(rid, str) or not rid:
        raise ConversionError(doc_id, None, f"result from {name!r} has no region id (id {_short(rid)})")
    region = regions.setdefault(rid, _Region())
    value = item.get("value")
    if not isinstance(value, dict):
        raise ConversionError(doc_id, rid, f"result from {name!r} has no value object")
    if name in config.LAYER_BY_CONTROL:
        layer = config.LAYER_BY_CONTROL[name]
        if region.layer is not None:
            raise ConversionError(doc_id, rid, f"the region is labelled twice ({region.layer.control} and {name})")
        start, end = value.get("start"), value.get("end")
        if type(start) is not int or type(end) is not int:
            raise ConversionError(doc_id, rid, f"offsets must be integers, got start={_short(start)} end={_short(end)}")
        if not 0 <= start < end <= len(text):
            raise ConversionError(doc_id, rid, f"offsets {start}..{end} are outside the text (length {len(text)}) or empty")
        span_text = value.get("text")
        if text[start:end] != span_text:
            raise ConversionError(doc_id, rid, f"span text {_short(span_text)} does not match the task text at {start}..{end} ({text[start:end]!r})")
        label = _one(doc_id, rid, name, value.get("labels"), "label")
        if label not in _LABEL_SETS[name]:
            raise ConversionError(doc_id, rid, f"{name}: unknown label {_short(label)} (allowed: {sorted(_LABEL_SETS[name])})")
        region.layer, region.start, region.end, region.text, region.label = layer, start, end, span_text, label
        return
    if name not in _PER_REGION:
        raise ConversionError(doc_id, rid, f"unknown control {_short(name)} (not in the generated labeling config)")
    layer, per_region = _PER_REGION[name]
    if per_region.field in region.values:
        raise ConversionError(doc_id, rid, f"{name}: given twice")
    region.values[per_region.field] = _per_region_value(doc_id, rid, name, layer, per_region, value)
    region.attached.append((name, value.get("start"), value.get("end")))


def _record(doc_id: str, rid: str, region: _Region) -> tuple[LayerControls, Record]:
    layer = region.layer
    if layer is None:
        raise ConversionError(doc_id, rid, "per-region values for a region that has no span label")
    for name, start, end in region.attached:
        owner = _PER_REGION[name][0]
        if owner is not layer:
            raise ConversionError(doc_id, rid, f"{name} belongs to {owner.control} regions, not {layer.control}")
        if (start, end) != (region.start, region.end):
            raise ConversionError(doc_id, rid, f"{name} is attached at {_short(start)}..{_short(end)}, the region is at {region.start}..{region.end}")
    values = dict(region.values)
    if layer is config.ENTITY_LAYER:
        new_id = values.pop(_NEW_ENTITY.field, None)
        picked = values.get(_MENTION_ENTITY.field)
        if new_id is not None and picked is not None and new_id != picked:
            raise ConversionError(doc_id, rid, f"the mention has an entity picked ({picked}) and a new id typed ({new_id}); keep one")
        if picked is None and new_id is not None:
            values[_MENTION_ENTITY.field] = new_id
    shape, span = layer.shape, layer.shape.spans[0]
    values.update({shape.id_field: rid, span.start: region.start, span.end: region.end, span.text: region.text})
    if layer.label_field:
        values[layer.label_field] = region.label
    record: Record = {}
    for field in annotation_fields(shape):
        kind = shape.field(field).kind
        if field in values:
            record[field] = values[field]
        elif kind == "bool":
            record[field] = False
        elif kind == "string_list":
            record[field] = []
        elif shape.field(field).nullable:
            record[field] = None
        else:
            control = next((config.per_region_control(layer, i) for i in layer.per_region if i.field == field), field)
            hint = f" (pick one from the list, or type a new id in {config.per_region_control(layer, _NEW_ENTITY)})" \
                if layer is config.ENTITY_LAYER and field == _MENTION_ENTITY.field else ""
            raise ConversionError(doc_id, rid, f"{control}: required value {field!r} is missing{hint}")
    return layer, record


def result_to_records(doc_id: str, text: str, result: Any) -> dict[str, list[Record]]:
    """One annotation's result list -> records per layer name (annotation fields only, schema order).

    Two passes, so that every error is raised in the same order whatever the result order:
    gather the results by region id, then check and build each region's record.
    Relations are not part of this config; one in the result is refused.
    """
    if not isinstance(result, list):
        raise ConversionError(doc_id, None, f"annotation result must be a list, got {type(result).__name__}")
    regions: dict[str, _Region] = {}
    for item in result:
        if isinstance(item, dict) and item.get("type") == "relation":
            raise ConversionError(doc_id, None, "the result has a relation; this labeling config links entities by "
                                  "per-region choices, not relations (was the project made with an older config?)")
        _add_result(doc_id, text, item, regions)
    out: dict[str, list[Record]] = {layer.shape.name: [] for layer in config.LAYERS}
    for rid, region in regions.items():
        layer, record = _record(doc_id, rid, region)
        out[layer.shape.name].append(record)
    return out
