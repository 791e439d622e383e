"""The Label Studio labeling config, generated from the schema module.

The config is never written by hand: every label, choice and per-region field
comes from :mod:`newscorpus.schema`, so appending a label to an inventory
appends it to the annotation UI, and the converter (``convert.py``) reads the
same constants below to know which control carries which record field.

Control names here are UI wiring, not labels: ``entity``/``figure``/``stance``
are the three span-labelling controls; per-region controls are named after the
record field they fill.  Only the SDK's tag builders (``label_interface.create``)
and its parser (``LabelInterface``) touch XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import schema

if TYPE_CHECKING:  # pragma: no cover
    from label_studio_sdk.label_interface import LabelInterface

TEXT_NAME = "text"
"""The Text object tag; also the key of the document text in task data."""
DOC_ID_KEY = "doc_id"
"""The task data key that ties a task to a document; re-pushes look tasks up by it."""

ENTITY_CONTROL = "entity"
FIGURE_CONTROL = "figure"
STANCE_CONTROL = "stance"
STANCE_REGION_LABEL = "stance evidence"
"""The one label of the stance control: a stance region marks its evidence span;
polarity, target and attribution are per-region choices, not region labels."""

APPROXIMATE_HINTS = {
    "true": "the text marks the figure as approximate, or it could only be resolved approximately",
    "false": "the figure is stated exactly",
}
"""The choices of the per-region ``approximate`` control (a missing choice reads as false) and their
hover hints.  Label Studio's editor reads a ``hint`` of "true"/"false" as a boolean and refuses to
render the whole config, so a hint is never a bare boolean word."""

NEW_ENTITY_FIELD = "new_entity_id"
"""A mention's per-region text box for an entity the list does not have yet; not a record field:
on pull its value becomes the mention's ``entity_id`` and a new entity-table row."""
NEW_ENTITY_DESCRIPTION = ("only for an entity missing from the list above: type a new id "
                          "(lowercase words joined by hyphens, e.g. sergey-lavrov); the pull adds it to the entity table")


@dataclass(frozen=True)
class PerRegion:
    """One per-region control: which record field it fills and how.

    kinds: ``choices`` (a label from an inventory, or a bool), ``textarea`` (typed free text),
    ``entity`` / ``entities`` (one / any number of entity ids, picked from a list that each task
    carries in its data, names shown and ids stored) and ``new_entity`` (the text box for an id
    not in that list).
    """

    field: str
    kind: str
    inventory: schema.Inventory | None = None


@dataclass(frozen=True)
class LayerControls:
    """How one annotation layer appears in Label Studio."""

    shape: schema.RecordShape
    control: str
    label_field: str | None  # record field holding the region label; None for stances
    per_region: tuple[PerRegion, ...]


def _choices_for(shape: schema.RecordShape, name: str) -> PerRegion:
    return PerRegion(name, "choices", shape.field(name).inventory)


ENTITY_LAYER = LayerControls(
    schema.ENTITY_MENTION,
    ENTITY_CONTROL,
    "label",
    (
        _choices_for(schema.ENTITY_MENTION, "mention_type"),
        PerRegion("entity_id", "entity"),
        PerRegion(NEW_ENTITY_FIELD, "new_entity"),
    ),
)
FIGURE_LAYER = LayerControls(
    schema.FIGURE,
    FIGURE_CONTROL,
    "kind",
    (
        PerRegion("value", "textarea"),
        PerRegion("value_low", "textarea"),
        PerRegion("value_high", "textarea"),
        PerRegion("unit", "textarea"),
        PerRegion("normalized", "textarea"),
        PerRegion("approximate", "choices"),
        PerRegion("measured", "textarea"),
        PerRegion("measured_entity_ids", "entities"),
    ),
)
STANCE_LAYER = LayerControls(
    schema.STANCE,
    STANCE_CONTROL,
    None,
    (
        PerRegion("holder_entity_id", "entity"),
        _choices_for(schema.STANCE, "polarity"),
        _choices_for(schema.STANCE, "target"),
        _choices_for(schema.STANCE, "attribution"),
    ),
)
LAYERS: tuple[LayerControls, ...] = (ENTITY_LAYER, FIGURE_LAYER, STANCE_LAYER)
LAYER_BY_CONTROL: dict[str, LayerControls] = {layer.control: layer for layer in LAYERS}


def per_region_control(layer: LayerControls, item: PerRegion) -> str:
    """The control name of a per-region field; prefixed so names are unique across layers.

    For the entity pickers it is also the task-data key holding that picker's list."""
    return f"{layer.control}_{item.field}"


def stored_choice(field: str, value: str) -> str:
    """What a choice result stores (the Choice's ``alias``): the field name, then the value, so Label Studio's
    side panel, which prints only "Choices: ...", names the field."""
    return f"{field}: {value}"


def ui_text(text: str) -> str:
    """Text safe to show in a tag attribute.  The editor reads ``$`` followed by a word character as a
    task-data variable (``$100bn`` rendered "undefined"), so every ``$`` is followed by an invisible
    WORD JOINER (U+2060): it still shows as "$100bn" but is no variable."""
    return text.replace("$", "$\u2060")


def _label_inventory(layer: LayerControls) -> list[tuple[str, str]]:
    """(value, hint) pairs of a layer's region labels."""
    if layer.label_field is None:
        return [(STANCE_REGION_LABEL, "The evidence span of one stance.")]
    inventory = layer.shape.field(layer.label_field).inventory
    assert inventory is not None
    return [(label.name, label.definition) for label in inventory.labels]


def _choice_values(item: PerRegion) -> list[tuple[str, str]]:
    if item.inventory is not None:
        return [(label.name, label.definition) for label in item.inventory.labels]
    return list(APPROXIMATE_HINTS.items())


def _per_region_tuple(layer: LayerControls, item: PerRegion) -> tuple:
    name = per_region_control(layer, item)
    description = NEW_ENTITY_DESCRIPTION if item.kind == "new_entity" else layer.shape.field(item.field).description
    header = ("Header", {"value": ui_text(f"{item.field}: {description}"), "size": "6"}, ())
    common = {"name": name, "toName": TEXT_NAME, "perRegion": "true"}
    if item.kind == "choices":
        children = tuple(("Choice", {"value": value, "alias": stored_choice(item.field, value), "hint": ui_text(hint)}, ())
                         for value, hint in _choice_values(item))
        control = ("Choices", {**common, "choice": "single-radio", "layout": "inline"}, children)
    elif item.kind in ("entity", "entities"):
        # Dynamic choices: the list comes from the task's data (see entity_options), so each task
        # offers the corpus's entities by name; the stored value is the entity id.
        control = ("Choices", {**common, "value": f"${name}", "layout": "select",
                               "choice": "single" if item.kind == "entity" else "multiple"}, ())
    else:
        control = ("TextArea", {**common, "maxSubmissions": "1", "editable": "true", "rows": "1"}, ())
    return ("View", {}, (header, control))


def _layer_tuples(layer: LayerControls) -> tuple[tuple, tuple]:
    labels = tuple(("Label", {"value": value, "hint": ui_text(hint)}, ()) for value, hint in _label_inventory(layer))
    labels_tag = ("Labels", {"name": layer.control, "toName": TEXT_NAME}, labels)
    panel = (
        "View",
        {"visibleWhen": "region-selected", "whenTagName": layer.control},
        tuple(_per_region_tuple(layer, item) for item in layer.per_region),
    )
    return labels_tag, panel


def entity_options(item: PerRegion, entity_table: list[dict[str, Any]]) -> list[dict[str, str]]:
    """One entity picker's list for the task data: every entity of the table, by name.

    Shown: "name (label, id)", unique even when two entities share a name; stored: the id.
    """
    rows = sorted(entity_table, key=lambda row: (str(row["name"]).casefold(), row["entity_id"]))
    return [{"value": ui_text(f"{row['name']} ({row['label']}, {row['entity_id']})"),
             "alias": stored_choice(item.field, row["entity_id"]),
             "hint": ui_text(str(row.get("description") or ""))}
            for row in rows]


def task_data(doc_id: str, text: str, entity_table: list[dict[str, Any]]) -> dict[str, Any]:
    """A task's data: the text, its doc_id, and one entity list per entity picker."""
    data: dict[str, Any] = {TEXT_NAME: text, DOC_ID_KEY: doc_id}
    for layer in LAYERS:
        for item in layer.per_region:
            if item.kind in ("entity", "entities"):
                data[per_region_control(layer, item)] = entity_options(item, entity_table)
    return data


@lru_cache(maxsize=1)
def labeling_config() -> str:
    """The labeling config XML: label tags first, the text, then the per-region panels."""
    from label_studio_sdk.label_interface import create

    label_tags, panels = zip(*(_layer_tuples(layer) for layer in LAYERS))
    text = ("Text", {"name": TEXT_NAME, "value": f"${TEXT_NAME}", "granularity": "symbol"}, ())
    tree = create.tree_from_tuples(*label_tags, text, *panels)
    return create.tree_to_string(tree, pretty=True)


def label_interface() -> "LabelInterface":
    """The parsed config, for validating results with the SDK (the converter checks pulled results itself)."""
    from label_studio_sdk.label_interface import LabelInterface

    return LabelInterface(labeling_config())


def validation_errors(result: list[dict[str, Any]]) -> list[str]:
    """The SDK's own verdict on one annotation result list against the generated config."""
    return list(label_interface().validate_prediction({"result": result}, return_errors=True))
