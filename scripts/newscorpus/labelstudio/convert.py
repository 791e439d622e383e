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


@dataclass(frozen=True)
class _LayerPlan:
    """Everything result_to_records needs about one layer, derived once per process from config and schema.

    A pull converts ~4 results per region and ~30 regions per task; looking these facts up in
    the schema per result (properties, list scans, f-strings) was a large share of the time.
    """

    layer: LayerControls
    name: str
    labels: frozenset[str]
    id_field: str
    span: schema.Span
    label_field: str | None
    fields: tuple[str, ...]
    false_when_absent: dict[str, bool]
    required: frozenset[str]
    is_figure: bool


def _layer_plan(layer: LayerControls) -> _LayerPlan:
    spec = _RECORD_SPEC[layer.control]
    return _LayerPlan(
        layer=layer, name=layer.shape.name, labels=_LABEL_SETS[layer.control], id_field=layer.shape.id_field,
        span=_SPAN[layer.control], label_field=layer.label_field, fields=_FIELDS[layer.control],
        # An absent per-region value reads as False for a bool and as null where the field is nullable.
        false_when_absent={name: False for name, _, _, is_bool in spec if is_bool},
        required=frozenset(name for name, _, nullable, is_bool in spec if not (is_bool or nullable)),
        is_figure=layer is config.FIGURE_LAYER,
    )


_PLANS: dict[str, _LayerPlan] = {layer.control: _layer_plan(layer) for layer in config.LAYERS}
_OWNER: dict[str, LayerControls] = {name: layer for name, (layer, _) in _PER_REGION.items()}
# per-region control -> (field name, key of its value list, field kind, allowed values, what one value is called)
_PER_REGION_READ: dict[str, tuple[str, str, str, frozenset[str] | None, str]] = {
    name: (field_name, "choices" if is_choices else "text", kind, allowed, "choice" if is_choices else "text")
    for name, (field_name, is_choices, kind, allowed) in _PER_REGION_SPEC.items()
}


class _Region:
    """A region being assembled from the results that share its id."""

    __slots__ = ("plan", "start", "end", "text", "label", "values", "spans")

    def __init__(self) -> None:
        self.plan: _LayerPlan | None = None
        self.start = -1
        self.end = -1
        self.text = ""
        self.label = ""
        self.values: dict[str, Any] = {}
        self.spans: list[tuple[str, Any, Any]] = []  # (per-region control, start, end), checked once the label is known


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


def _add_labels(doc_id: str, rid: str, plan: _LayerPlan, item: dict[str, Any], text: str,
                regions: dict[str, _Region]) -> None:
    start, end, value = _span_of(doc_id, rid, item, text)
    region = regions.get(rid)
    if region is None:
        region = regions[rid] = _Region()
    elif region.plan is not None:
        raise ConversionError(doc_id, rid, f"the region is labelled twice ({region.plan.layer.control} and {plan.layer.control})")
    span_text = value.get("text")
    if text[start:end] != span_text:
        raise ConversionError(
            doc_id, rid, f"span text {span_text!r} does not match the task text at {start}..{end} ({text[start:end]!r})"
        )
    region.plan, region.start, region.end, region.text = plan, start, end, span_text
    region.label = _one(doc_id, rid, plan.layer.control, value.get("labels"), plan.labels, "label")


def _add_per_region(doc_id: str, rid: str, name: str, read: tuple[str, str, str, frozenset[str] | None, str],
                    item: dict[str, Any], regions: dict[str, _Region]) -> None:
    """A per-region value; its offsets are only compared with its region's (already checked) span."""
    field_name, key, kind, allowed, what = read
    value = item.get("value")
    if value.__class__ is not dict:
        raise ConversionError(doc_id, rid, f"result from {name!r} has no value object")
    region = regions.get(rid)
    if region is None:
        region = regions[rid] = _Region()
    values = region.values
    if field_name in values:
        raise ConversionError(doc_id, rid, f"{name}: given twice")
    items = value.get(key)
    if items.__class__ is list and len(items) == 1 and items[0].__class__ is str and (allowed is None or items[0] in allowed):
        raw = items[0]
    else:
        raw = _one(doc_id, rid, name, items, allowed, what)
    if kind == "float":
        try:
            values[field_name] = float(raw)
        except ValueError:
            raise ConversionError(doc_id, rid, f"{field_name}: {raw!r} is not a number") from None
    elif kind == "bool":
        values[field_name] = raw == "true"
    else:
        values[field_name] = raw
    start, end, plan = value.get("start"), value.get("end"), region.plan
    # Checked in _check_region, after every result is in; one that already passes need not wait.
    if plan is None or start != region.start or end != region.end or _OWNER[name] is not plan.layer:
        region.spans.append((name, start, end))


def _check_region(doc_id: str, rid: str, region: _Region) -> _LayerPlan:
    plan = region.plan
    if plan is None:
        raise ConversionError(doc_id, rid, "per-region values for a region that has no span label")
    layer, start, end = plan.layer, region.start, region.end
    for name, item_start, item_end in region.spans:
        if _OWNER[name] is not layer:
            raise ConversionError(doc_id, rid, f"{name} belongs to {_OWNER[name].control} regions, not {layer.control}")
        if item_start != start or item_end != end:
            raise ConversionError(doc_id, rid, f"{name} is attached at {item_start}..{item_end}, the region is at {start}..{end}")
    return plan


def _region_record(doc_id: str, rid: str, plan: _LayerPlan, region: _Region) -> Record:
    """The region's record, its keys in schema order from the start (relations fill in the links later).

    Starting from ``dict.fromkeys`` of the output fields keeps that order without a reordering
    copy per record; every field left None is a nullable one (or a link set by the relations).
    """
    values = region.values
    if not plan.required <= values.keys():
        for field_name, control, _, _ in _RECORD_SPEC[plan.layer.control]:
            if field_name in plan.required and field_name not in values:
                raise ConversionError(doc_id, rid, f"{control}: required value {field_name!r} is missing")
    record = dict.fromkeys(plan.fields)
    record.update(plan.false_when_absent)
    record.update(values)
    span = plan.span
    record[plan.id_field] = rid
    record[span.start] = region.start
    record[span.end] = region.end
    record[span.text] = region.text
    if plan.label_field:
        record[plan.label_field] = region.label
    if plan.is_figure:
        record[_MEASURED_FIELD] = []
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
        a_control, b_control = a.plan.layer.control, b.plan.layer.control  # type: ignore[union-attr]
        kind = _RELATION_KINDS.get(frozenset((a_control, b_control)))
        if kind is None:
            raise ConversionError(doc_id, a_id, f"relation {a_id} -> {b_id} links {a_control} to {b_control} regions; "
                                  f"only entity-stance ({config.HOLDER_RELATION}) and figure-entity ({config.MEASURED_RELATION}) links exist")
        labels = rel.get("labels") or []
        if any(label != kind for label in labels):
            raise ConversionError(doc_id, a_id, f"relation {a_id} -> {b_id} is labelled {labels!r} but links a {kind} pair")
        mention_id = a_id if a_control == config.ENTITY_CONTROL else b_id
        other_id = b_id if mention_id == a_id else a_id
        entity_id = records[mention_id]["entity_id"]
        if kind == config.HOLDER_RELATION:
            holders.setdefault(other_id, []).append(entity_id)
        else:
            measured = records[other_id][_MEASURED_FIELD]
            if entity_id not in measured:
                measured.append(entity_id)
    stances = _PLANS[config.STANCE_CONTROL]
    for rid, region in regions.items():
        if region.plan is not stances:
            continue
        found = sorted(set(holders.get(rid, [])))
        if len(found) != 1:
            problem = "has no holder relation from an entity mention" if not found else f"has several holders {found}"
            raise ConversionError(doc_id, rid, f"stance {problem}")
        records[rid][_HOLDER_FIELD] = found[0]


_LAYER_NAMES = tuple(layer.shape.name for layer in config.LAYERS)


def result_to_records(doc_id: str, text: str, result: Any) -> dict[str, list[Record]]:
    """One annotation's result list -> records per layer name (annotation fields only, schema order).

    Three passes, so that every error is raised in the same order whatever the result order:
    gather the results by region id, check and build each region's record, resolve relations.
    """
    if not isinstance(result, list):
        raise ConversionError(doc_id, None, f"annotation result must be a list, got {type(result).__name__}")
    regions: dict[str, _Region] = {}
    relations: list[dict[str, Any]] = []
    per_region, plans = _PER_REGION_READ, _PLANS
    for item in result:
        if not isinstance(item, dict):
            raise ConversionError(doc_id, None, f"result item must be an object, got {item!r}")
        if item.get("type") == "relation":
            relations.append(item)
            continue
        rid, name = item.get("id"), item.get("from_name")
        if not isinstance(rid, str) or not rid:
            raise ConversionError(doc_id, None, f"result from {name!r} has no region id")
        read = per_region.get(name)
        if read is not None:
            _add_per_region(doc_id, rid, name, read, item, regions)
        elif name in plans:
            _add_labels(doc_id, rid, plans[name], item, text, regions)
        else:
            raise ConversionError(doc_id, rid, f"unknown control {name!r} (not in the generated labeling config)")
    out: dict[str, list[Record]] = {name: [] for name in _LAYER_NAMES}
    records: dict[str, Record] = {}
    for rid, region in regions.items():
        plan = _check_region(doc_id, rid, region)
        records[rid] = record = _region_record(doc_id, rid, plan, region)
        out[plan.name].append(record)
    _apply_relations(doc_id, relations, regions, records)
    return out
