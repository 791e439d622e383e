"""Native records <-> Label Studio results: pure, strict, one pass.

Label Studio stores whatever it is sent and never checks offsets or labels, so
everything coming back is checked here: every span against the task text,
every label against the inventories, every relation against its two ends.  A
problem raises :class:`ConversionError` naming the task (doc_id), the region id
and what is wrong; nothing is skipped.

The hot path (``result_to_records``) is one pass over a result list into dicts
indexed by region id, with the control -> field wiring precomputed from
``config``; the SDK's ``LabelInterface`` is never called per region.

Region id = record id (``m-001``, ``f-001``, ``s-001``), kept verbatim both ways.
Entity holders and measured entities are relations between regions, so a
record's entity ids travel as links to a mention of that entity in the same
document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .. import schema
from . import config
from .config import LayerControls, PerRegion

Record = dict[str, Any]

PROVENANCE = tuple(f.name for f in schema.PROVENANCE_FIELDS)


class ConversionError(ValueError):
    """A Label Studio result or a native record that cannot be converted; names task and region."""

    def __init__(self, doc_id: str, region_id: str | None, problem: str) -> None:
        self.doc_id = doc_id
        self.region_id = region_id
        self.problem = problem
        where = f"task {doc_id}" + (f", region {region_id}" if region_id is not None else "")
        super().__init__(f"{where}: {problem}")


def annotation_fields(shape: schema.RecordShape) -> list[str]:
    """The fields that say what was annotated (everything but who and how)."""
    return [name for name in shape.field_names if name not in PROVENANCE]


# --------------------------------------------------------------------------- precomputed wiring

# control name -> (layer, per-region item); built once from config, read per result.
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
_CHOICE_SETS: dict[str, frozenset[str]] = {
    name: frozenset(item.inventory.names if item.inventory else config.APPROXIMATE_CHOICES)
    for name, (_, item) in _PER_REGION.items()
    if item.kind == "choices"
}
_SPAN = {layer.control: layer.shape.spans[0] for layer in config.LAYERS}
_FIELDS = {layer.control: tuple(annotation_fields(layer.shape)) for layer in config.LAYERS}
# control name -> (field name, is choices, field kind, allowed choices); the per-result lookups of the hot path
_PER_REGION_SPEC: dict[str, tuple[str, bool, str, frozenset[str] | None]] = {
    name: (item.field, item.kind == "choices", layer.shape.field(item.field).kind, _CHOICE_SETS.get(name))
    for name, (layer, item) in _PER_REGION.items()
}
# layer control -> [(field name, control name, nullable, is bool)] to assemble a record
_RECORD_SPEC: dict[str, list[tuple[str, str, bool, bool]]] = {
    layer.control: [
        (item.field, config.per_region_control(layer, item), layer.shape.field(item.field).nullable,
         layer.shape.field(item.field).kind == "bool")
        for item in layer.per_region
    ]
    for layer in config.LAYERS
}
_HOLDER_FIELD = "holder_entity_id"
_MEASURED_FIELD = "measured_entity_ids"


# --------------------------------------------------------------------------- native -> Label Studio


def _format_textarea(field: schema.Field, value: Any) -> str:
    """Typed value -> textarea text; floats as integers when integral, as the store writes them."""
    if field.kind == "float":
        number = float(value)
        return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
    return str(value)


def _region_value(start: int, end: int, text: str) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text}


def _nearest_mention(mentions: list[Record], start: int, end: int) -> Record:
    """The mention to link a relation to: inside the span if any, else the closest; ties by position."""

    span = schema.ENTITY_MENTION.spans[0]

    def distance(m: Record) -> tuple[int, int]:
        m_start, m_end = m[span.start], m[span.end]
        if m_start >= start and m_end <= end:
            return (0, m_start)
        gap = start - m_end if m_end <= start else m_start - end
        return (1 + max(gap, 0), m_start)

    return min(mentions, key=distance)


def _relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right", "labels": [label]}


def _regions_of(doc_id: str, layer: LayerControls, record: Record) -> list[dict[str, Any]]:
    span = layer.shape.spans[0]
    rid = record[layer.shape.id_field]
    value = _region_value(record[span.start], record[span.end], record[span.text])
    label = record[layer.label_field] if layer.label_field else config.STANCE_REGION_LABEL
    out = [{"id": rid, "from_name": layer.control, "to_name": config.TEXT_NAME, "type": "labels",
            "value": {**value, "labels": [label]}}]
    for item in layer.per_region:
        field = layer.shape.field(item.field)
        raw = record.get(item.field)
        name = config.per_region_control(layer, item)
        if raw is None:
            if not field.nullable:
                raise ConversionError(doc_id, rid, f"field {item.field!r} is missing or null")
            continue
        if item.kind == "choices":
            choice = ("true" if raw else "false") if field.kind == "bool" else raw
            out.append({"id": rid, "from_name": name, "to_name": config.TEXT_NAME, "type": "choices",
                        "value": {**value, "choices": [choice]}})
        else:
            out.append({"id": rid, "from_name": name, "to_name": config.TEXT_NAME, "type": "textarea",
                        "value": {**value, "text": [_format_textarea(field, raw)]}})
    return out


def records_to_result(doc_id: str, layers: Mapping[str, Iterable[Record]]) -> list[dict[str, Any]]:
    """One document's annotation layers as one Label Studio result list (regions, then relations)."""
    by_layer = {layer.shape.name: list(layers.get(layer.shape.name, ())) for layer in config.LAYERS}
    mentions_by_entity: dict[str, list[Record]] = {}
    for mention in by_layer[schema.ENTITY_MENTION.name]:
        mentions_by_entity.setdefault(mention["entity_id"], []).append(mention)
    result: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    for layer in config.LAYERS:
        for record in by_layer[layer.shape.name]:
            result += _regions_of(doc_id, layer, record)
    mention_id = schema.ENTITY_MENTION.id_field
    fig, fig_span = schema.FIGURE, schema.FIGURE.spans[0]
    for figure in by_layer[fig.name]:
        for entity_id in figure.get(_MEASURED_FIELD) or []:
            mention = _linked_mention(doc_id, figure[fig.id_field], mentions_by_entity, entity_id,
                                      figure[fig_span.start], figure[fig_span.end])
            relations.append(_relation(figure[fig.id_field], mention[mention_id], config.MEASURED_RELATION))
    st, st_span = schema.STANCE, schema.STANCE.spans[0]
    for stance in by_layer[st.name]:
        mention = _linked_mention(doc_id, stance[st.id_field], mentions_by_entity, stance[_HOLDER_FIELD],
                                  stance[st_span.start], stance[st_span.end])
        relations.append(_relation(mention[mention_id], stance[st.id_field], config.HOLDER_RELATION))
    return result + relations


def _linked_mention(doc_id: str, rid: str, mentions_by_entity: dict[str, list[Record]], entity_id: str,
                    start: int, end: int) -> Record:
    mentions = mentions_by_entity.get(entity_id)
    if not mentions:
        raise ConversionError(
            doc_id, rid, f"entity {entity_id!r} has no mention in this document, so Label Studio cannot link to it"
        )
    return _nearest_mention(mentions, start, end)


# --------------------------------------------------------------------------- Label Studio -> native


@dataclass
class _Region:
    """A region being assembled from the results that share its id."""

    layer: LayerControls | None = None
    start: int = -1
    end: int = -1
    text: str = ""
    label: str = ""
    values: dict[str, Any] | None = None
    per_region_spans: list[tuple[str, int, int]] | None = None


def _span_of(doc_id: str, rid: str, item: dict[str, Any], text: str) -> tuple[int, int, dict[str, Any]]:
    value = item.get("value")
    if not isinstance(value, dict):
        raise ConversionError(doc_id, rid, f"result from {item.get('from_name')!r} has no value object")
    start, end = value.get("start"), value.get("end")
    if type(start) is not int or type(end) is not int:
        raise ConversionError(doc_id, rid, f"offsets must be integers, got start={start!r} end={end!r}")
    if not 0 <= start < end <= len(text):
        raise ConversionError(doc_id, rid, f"offsets {start}..{end} are outside the text (length {len(text)}) or empty")
    return start, end, value


def _one(doc_id: str, rid: str, control: str, items: Any, allowed: frozenset[str] | None, what: str) -> str:
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], str):
        raise ConversionError(doc_id, rid, f"{control}: expected exactly one {what}, got {items!r}")
    if allowed is not None and items[0] not in allowed:
        raise ConversionError(doc_id, rid, f"{control}: unknown {what} {items[0]!r} (allowed: {sorted(allowed)})")
    return items[0]


def _add_labels(doc_id: str, rid: str, item: dict[str, Any], text: str, regions: dict[str, _Region]) -> None:
    layer = config.LAYER_BY_CONTROL[item["from_name"]]
    start, end, value = _span_of(doc_id, rid, item, text)
    region = regions.setdefault(rid, _Region())
    if region.layer is not None:
        raise ConversionError(doc_id, rid, f"the region is labelled twice ({region.layer.control} and {layer.control})")
    span_text = value.get("text")
    if text[start:end] != span_text:
        raise ConversionError(
            doc_id, rid, f"span text {span_text!r} does not match the task text at {start}..{end} ({text[start:end]!r})"
        )
    region.layer, region.start, region.end, region.text = layer, start, end, span_text
    region.label = _one(doc_id, rid, layer.control, value.get("labels"), _LABEL_SETS[layer.control], "label")


def _add_per_region(doc_id: str, rid: str, item: dict[str, Any], text: str, regions: dict[str, _Region]) -> None:
    """A per-region value; its offsets are only compared with its region's (already checked) span."""
    name = item["from_name"]
    field_name, is_choices, kind, allowed = _PER_REGION_SPEC[name]
    value = item.get("value")
    if value.__class__ is not dict:
        raise ConversionError(doc_id, rid, f"result from {name!r} has no value object")
    region = regions.get(rid)
    if region is None:
        region = regions[rid] = _Region()
    if region.values is None:
        region.values, region.per_region_spans = {}, []
    if field_name in region.values:
        raise ConversionError(doc_id, rid, f"{name}: given twice")
    items = value.get("choices" if is_choices else "text")
    if items.__class__ is list and len(items) == 1 and items[0].__class__ is str and (allowed is None or items[0] in allowed):
        raw = items[0]
    else:
        raw = _one(doc_id, rid, name, items, allowed, "choice" if is_choices else "text")
    if kind == "float":
        try:
            parsed: Any = float(raw)
        except ValueError:
            raise ConversionError(doc_id, rid, f"{field_name}: {raw!r} is not a number") from None
    elif kind == "bool":
        parsed = raw == "true"
    else:
        parsed = raw
    region.values[field_name] = parsed
    region.per_region_spans.append((name, value.get("start"), value.get("end")))  # type: ignore[union-attr]


def _check_region(doc_id: str, rid: str, region: _Region) -> LayerControls:
    layer = region.layer
    if layer is None:
        raise ConversionError(doc_id, rid, "per-region values for a region that has no span label")
    for name, start, end in region.per_region_spans or ():
        owner, _ = _PER_REGION[name]
        if owner is not layer:
            raise ConversionError(doc_id, rid, f"{name} belongs to {owner.control} regions, not {layer.control}")
        if (start, end) != (region.start, region.end):
            raise ConversionError(doc_id, rid, f"{name} is attached at {start}..{end}, the region is at {region.start}..{region.end}")
    return layer


def _region_record(doc_id: str, rid: str, layer: LayerControls, region: _Region) -> Record:
    shape, span = layer.shape, _SPAN[layer.control]
    values = region.values or {}
    record: Record = {shape.id_field: rid, span.start: region.start, span.end: region.end, span.text: region.text}
    if layer.label_field:
        record[layer.label_field] = region.label
    for field_name, control, nullable, is_bool in _RECORD_SPEC[layer.control]:
        value = values.get(field_name)
        if value is None:
            if is_bool:
                value = False
            elif not nullable:
                raise ConversionError(doc_id, rid, f"{control}: required value {field_name!r} is missing")
        record[field_name] = value
    return record


def _relation_ends(doc_id: str, rel: dict[str, Any], regions: dict[str, _Region]) -> tuple[str, _Region, str, _Region]:
    from_id, to_id = rel.get("from_id"), rel.get("to_id")
    label = f"relation {from_id} -> {to_id}"
    if from_id not in regions or to_id not in regions:
        missing = from_id if from_id not in regions else to_id
        raise ConversionError(doc_id, str(missing), f"{label} points to a region that does not exist")
    return from_id, regions[from_id], to_id, regions[to_id]


_RELATION_KINDS = {
    frozenset((config.ENTITY_CONTROL, config.STANCE_CONTROL)): config.HOLDER_RELATION,
    frozenset((config.FIGURE_CONTROL, config.ENTITY_CONTROL)): config.MEASURED_RELATION,
}


def _apply_relations(doc_id: str, relations: list[dict[str, Any]], regions: dict[str, _Region],
                     records: dict[str, Record]) -> None:
    """Resolve links; the kind follows from the two ends' layers, so UI direction does not matter."""
    holders: dict[str, list[str]] = {}
    for rel in relations:
        a_id, a, b_id, b = _relation_ends(doc_id, rel, regions)
        pair = frozenset((a.layer.control, b.layer.control))  # type: ignore[union-attr]
        kind = _RELATION_KINDS.get(pair)
        if kind is None:
            raise ConversionError(doc_id, a_id, f"relation {a_id} -> {b_id} links {a.layer.control} to {b.layer.control} regions; "  # type: ignore[union-attr]
                                  f"only entity-stance ({config.HOLDER_RELATION}) and figure-entity ({config.MEASURED_RELATION}) links exist")
        labels = rel.get("labels") or []
        if any(label != kind for label in labels):
            raise ConversionError(doc_id, a_id, f"relation {a_id} -> {b_id} is labelled {labels!r} but links a {kind} pair")
        mention_id = a_id if a.layer.control == config.ENTITY_CONTROL else b_id  # type: ignore[union-attr]
        other_id = b_id if mention_id == a_id else a_id
        entity_id = records[mention_id]["entity_id"]
        if kind == config.HOLDER_RELATION:
            holders.setdefault(other_id, []).append(entity_id)
        else:
            measured = records[other_id][_MEASURED_FIELD]
            if entity_id not in measured:
                measured.append(entity_id)
    for rid, record in records.items():
        if regions[rid].layer is not config.STANCE_LAYER:
            continue
        found = sorted(set(holders.get(rid, [])))
        if len(found) != 1:
            problem = "has no holder relation from an entity mention" if not found else f"has several holders {found}"
            raise ConversionError(doc_id, rid, f"stance {problem}")
        record[_HOLDER_FIELD] = found[0]


def result_to_records(doc_id: str, text: str, result: Any) -> dict[str, list[Record]]:
    """One annotation's result list -> records per layer name (annotation fields only, schema order)."""
    if not isinstance(result, list):
        raise ConversionError(doc_id, None, f"annotation result must be a list, got {type(result).__name__}")
    regions: dict[str, _Region] = {}
    relations: list[dict[str, Any]] = []
    for item in result:
        if not isinstance(item, dict):
            raise ConversionError(doc_id, None, f"result item must be an object, got {item!r}")
        if item.get("type") == "relation":
            relations.append(item)
            continue
        rid, name = item.get("id"), item.get("from_name")
        if not isinstance(rid, str) or not rid:
            raise ConversionError(doc_id, None, f"result from {name!r} has no region id")
        if name in config.LAYER_BY_CONTROL:
            _add_labels(doc_id, rid, item, text, regions)
        elif name in _PER_REGION:
            _add_per_region(doc_id, rid, item, text, regions)
        else:
            raise ConversionError(doc_id, rid, f"unknown control {name!r} (not in the generated labeling config)")
    records: dict[str, Record] = {}
    for rid, region in regions.items():
        layer = _check_region(doc_id, rid, region)
        records[rid] = _region_record(doc_id, rid, layer, region)
        if layer is config.FIGURE_LAYER:
            records[rid][_MEASURED_FIELD] = []
    _apply_relations(doc_id, relations, regions, records)
    out: dict[str, list[Record]] = {layer.shape.name: [] for layer in config.LAYERS}
    for rid, record in records.items():
        layer = regions[rid].layer
        out[layer.shape.name].append({name: record[name] for name in _FIELDS[layer.control]})  # type: ignore[union-attr]
    return out
