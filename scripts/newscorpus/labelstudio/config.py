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

RELATIONS_CONTROL = "relation"
HOLDER_RELATION = "holder"
"""entity region -> stance region: the mention's entity holds the stance."""
MEASURED_RELATION = "measured"
"""figure region -> entity region: the figure is about the mention's entity."""

APPROXIMATE_CHOICES = ("true", "false")
"""Choice values of the per-region ``approximate`` control; a missing choice reads as false."""
APPROXIMATE_HINTS = {
    "true": "the text marks the figure as approximate, or it could only be resolved approximately",
    "false": "the figure is stated exactly",
}
"""Hover hints of the ``approximate`` choices.  Label Studio's editor reads a ``hint`` of
"true"/"false" as a boolean and refuses to render the whole config, so a hint is never a bare
boolean word."""


@dataclass(frozen=True)
class PerRegion:
    """One per-region control: which record field it fills and how."""

    field: str
    kind: str  # "choices" (a label from an inventory, or a bool) or "textarea" (typed free text)
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
    (_choices_for(schema.ENTITY_MENTION, "mention_type"), PerRegion("entity_id", "textarea")),
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
        PerRegion("measured", "textarea"),
        PerRegion("approximate", "choices"),
    ),
)
STANCE_LAYER = LayerControls(
    schema.STANCE,
    STANCE_CONTROL,
    None,
    (
        _choices_for(schema.STANCE, "polarity"),
        _choices_for(schema.STANCE, "target"),
        _choices_for(schema.STANCE, "attribution"),
    ),
)
LAYERS: tuple[LayerControls, ...] = (ENTITY_LAYER, FIGURE_LAYER, STANCE_LAYER)
LAYER_BY_CONTROL: dict[str, LayerControls] = {layer.control: layer for layer in LAYERS}


def per_region_control(layer: LayerControls, item: PerRegion) -> str:
    """The control name of a per-region field; prefixed so names are unique across layers."""
    return f"{layer.control}_{item.field}"


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
    return [(value, APPROXIMATE_HINTS[value]) for value in APPROXIMATE_CHOICES]


def _per_region_tuple(layer: LayerControls, item: PerRegion) -> tuple:
    name = per_region_control(layer, item)
    description = layer.shape.field(item.field).description
    header = ("Header", {"value": f"{item.field}: {description}", "size": "6"}, ())
    if item.kind == "choices":
        children = tuple(("Choice", {"value": value, "hint": hint}, ()) for value, hint in _choice_values(item))
        control = ("Choices", {"name": name, "toName": TEXT_NAME, "perRegion": "true",
                               "choice": "single-radio", "showInline": "true"}, children)
    else:
        control = ("TextArea", {"name": name, "toName": TEXT_NAME, "perRegion": "true",
                                "maxSubmissions": "1", "editable": "true", "rows": "1"}, ())
    return ("View", {}, (header, control))


def _layer_tuples(layer: LayerControls) -> tuple[tuple, tuple]:
    labels = tuple(("Label", {"value": value, "hint": hint}, ()) for value, hint in _label_inventory(layer))
    labels_tag = ("Labels", {"name": layer.control, "toName": TEXT_NAME}, labels)
    panel = (
        "View",
        {"visibleWhen": "region-selected", "whenTagName": layer.control},
        tuple(_per_region_tuple(layer, item) for item in layer.per_region),
    )
    return labels_tag, panel


def _relations_tuple() -> tuple:
    return (
        "Relations",
        {"name": RELATIONS_CONTROL, "toName": TEXT_NAME},
        (("Relation", {"value": HOLDER_RELATION}, ()), ("Relation", {"value": MEASURED_RELATION}, ())),
    )


@lru_cache(maxsize=1)
def labeling_config() -> str:
    """The labeling config XML: label tags first, the text, then the per-region panels."""
    from label_studio_sdk.label_interface import create

    label_tags, panels = zip(*(_layer_tuples(layer) for layer in LAYERS))
    text = ("Text", {"name": TEXT_NAME, "value": f"${TEXT_NAME}", "granularity": "symbol"}, ())
    tree = create.tree_from_tuples(*label_tags, _relations_tuple(), text, *panels)
    return create.tree_to_string(tree, pretty=True)


def label_interface() -> "LabelInterface":
    """The parsed config, for validating results with the SDK (tests and push; never per region on pull)."""
    from label_studio_sdk.label_interface import LabelInterface

    return LabelInterface(labeling_config())


def validation_errors(result: list[dict[str, Any]]) -> list[str]:
    """The SDK's own verdict on one annotation result list against the generated config."""
    return list(label_interface().validate_prediction({"result": result}, return_errors=True))
