"""Label Studio results -> records: how a region is assembled from the results that share its id.

These pin what the converter's fast path must keep: field order, what an absent value reads as,
independence from the order results come in, and the per-region checks that name task and region.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus import schema
from newscorpus.corpus import load_corpus
from newscorpus.labelstudio import config, convert
from newscorpus.labelstudio.convert import ConversionError

FIXTURE_ROOT = Path(__file__).parent / "fixture_root"
DOC = "ls-001"


def _result() -> tuple[str, list[dict]]:
    corpus = load_corpus(FIXTURE_ROOT)
    layers = {shape.name: corpus.records(shape, DOC) for shape in schema.ANNOTATION_LAYERS}
    return corpus.texts[DOC], convert.records_to_result(DOC, layers)


def _per_region_control(layer: config.LayerControls, field: str) -> str:
    item = next(i for i in layer.per_region if i.field == field)
    return config.per_region_control(layer, item)


def _item(result: list[dict], region_id: str, from_name: str) -> dict:
    return next(i for i in result if i.get("id") == region_id and i.get("from_name") == from_name)


def _by_id(layers: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Records come in the order their regions first appear; compare them regardless of it."""
    shapes = {shape.name: shape for shape in schema.ANNOTATION_LAYERS}
    return {name: sorted(records, key=lambda r: r[shapes[name].id_field]) for name, records in layers.items()}


def test_every_record_has_exactly_the_annotation_fields_in_schema_order():
    text, result = _result()
    back = convert.result_to_records(DOC, text, result)
    for shape in schema.ANNOTATION_LAYERS:
        assert back[shape.name], shape.name
        for record in back[shape.name]:
            assert list(record) == convert.annotation_fields(shape)


def test_an_absent_bool_choice_reads_as_false_and_an_absent_nullable_value_as_null():
    text, result = _result()
    approximate = _per_region_control(config.FIGURE_LAYER, "approximate")
    normalized = _per_region_control(config.FIGURE_LAYER, "normalized")
    result = [i for i in result if not (i.get("id") == "f-001" and i.get("from_name") in (approximate, normalized))]
    figure = next(f for f in convert.result_to_records(DOC, text, result)[schema.FIGURE.name] if f["figure_id"] == "f-001")
    assert (figure["approximate"], figure["normalized"]) == (False, None)


def test_results_in_any_order_give_the_same_records():
    text, result = _result()
    shuffled = result[::-1]  # every per-region value now comes before its label
    assert _by_id(convert.result_to_records(DOC, text, shuffled)) == _by_id(convert.result_to_records(DOC, text, result))


def test_a_per_region_value_attached_at_other_offsets_than_its_region_names_task_and_region():
    text, result = _result()
    control = _per_region_control(config.ENTITY_LAYER, "entity_id")
    _item(result, "m-002", control)["value"]["start"] += 1
    with pytest.raises(ConversionError, match=rf"task {DOC}, region m-002: {control} is attached at \d+\.\.\d+, the region is at"):
        convert.result_to_records(DOC, text, result)


def test_a_per_region_value_of_another_layer_names_task_and_region():
    text, result = _result()
    control = _per_region_control(config.STANCE_LAYER, "polarity")
    moved = dict(_item(result, "s-001", control), id="m-001")
    moved["value"] = {**_item(result, "m-001", config.ENTITY_CONTROL)["value"], "choices": moved["value"]["choices"]}
    result.append(moved)
    with pytest.raises(ConversionError, match=rf"task {DOC}, region m-001: {control} belongs to {config.STANCE_CONTROL} regions"):
        convert.result_to_records(DOC, text, result)


def test_a_region_labelled_twice_names_task_and_region():
    text, result = _result()
    result.append(dict(_item(result, "m-001", config.ENTITY_CONTROL)))
    with pytest.raises(ConversionError, match=rf"task {DOC}, region m-001: the region is labelled twice"):
        convert.result_to_records(DOC, text, result)


def test_a_per_region_value_given_twice_names_task_and_region():
    text, result = _result()
    control = _per_region_control(config.ENTITY_LAYER, "mention_type")
    result.append(dict(_item(result, "m-001", control)))
    with pytest.raises(ConversionError, match=rf"task {DOC}, region m-001: {control}: given twice"):
        convert.result_to_records(DOC, text, result)


def test_a_per_region_value_with_two_texts_names_task_and_region():
    text, result = _result()
    control = _per_region_control(config.FIGURE_LAYER, "unit")
    _item(result, "f-002", control)["value"]["text"] = ["USD", "EUR"]
    with pytest.raises(ConversionError, match=rf"task {DOC}, region f-002: {control}: expected exactly one text"):
        convert.result_to_records(DOC, text, result)
