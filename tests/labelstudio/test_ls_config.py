"""The labeling config is generated from the schema and accepts the converter's results."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus import schema
from newscorpus.corpus import load_corpus
from newscorpus.labelstudio import config, convert

FIXTURE_ROOT = Path(__file__).parent / "fixture_root"


def _labels_of(control_name: str) -> list[str]:
    return list(config.label_interface().get_control(control_name).labels)


def test_entity_control_offers_every_entity_label_in_inventory_order():
    assert _labels_of(config.ENTITY_CONTROL) == schema.ENTITY_LABELS.names


def test_figure_control_offers_every_figure_kind_in_inventory_order():
    assert _labels_of(config.FIGURE_CONTROL) == schema.FIGURE_KINDS.names


@pytest.mark.parametrize("inventory", [schema.POLARITIES, schema.STANCE_TARGETS, schema.ATTRIBUTIONS, schema.MENTION_TYPES])
def test_each_per_region_choice_control_offers_its_whole_inventory(inventory):
    items = [(config.per_region_control(layer, item), item.field)
             for layer in config.LAYERS for item in layer.per_region if item.inventory is inventory]
    assert len(items) == 1
    name, field = items[0]
    assert _labels_of(name) == [config.stored_choice(field, label) for label in inventory.names]


def test_every_per_region_control_is_shown_only_for_its_own_layers_regions():
    xml = config.labeling_config()
    for layer in config.LAYERS:
        panel = xml.split(f'whenTagName="{layer.control}"', 1)[1].split('whenTagName=', 1)[0]
        for item in layer.per_region:
            assert f'name="{config.per_region_control(layer, item)}"' in panel


def _corpus_results(root: Path):
    corpus = load_corpus(root)
    for doc_id in corpus.texts:
        layers = {shape.name: corpus.records(shape, doc_id) for shape in schema.ANNOTATION_LAYERS}
        yield doc_id, convert.records_to_result(doc_id, layers)


def test_sdk_label_interface_accepts_the_results_of_the_fixture_gold():
    for doc_id, result in _corpus_results(FIXTURE_ROOT):
        assert config.validation_errors(result) == [], doc_id


def test_sdk_label_interface_rejects_a_label_outside_the_config():
    _, result = next(_corpus_results(FIXTURE_ROOT))
    result[0] = {**result[0], "value": {**result[0]["value"], "labels": ["NOT_A_LABEL"]}}
    assert config.validation_errors(result) != []


def test_no_hint_in_the_config_is_a_word_the_editor_reads_as_a_boolean():
    """Label Studio's editor crashes on a ``hint`` of "true"/"false" (mobx-state-tree union error)."""
    import xml.etree.ElementTree as ET

    hints = [el.get("hint") for el in ET.fromstring(config.labeling_config()).iter() if el.get("hint") is not None]
    assert hints
    assert not [h for h in hints if h.strip().lower() in {"true", "false"}]


def test_no_attribute_in_the_config_reads_as_a_task_data_variable():
    """The editor replaces ``$word`` in attributes with task data (``$100bn`` rendered "undefined");
    only the Text tag's own ``$text`` may be one."""
    import re
    import xml.etree.ElementTree as ET

    variables = [(el.tag, name, value) for el in ET.fromstring(config.labeling_config()).iter()
                 for name, value in el.attrib.items() if re.search(r"\$[\w\[\].{}]", value)]
    pickers = {config.per_region_control(layer, item) for layer in config.LAYERS for item in layer.per_region
               if item.kind in ("entity", "entities")}
    assert sorted(v for v in variables if v[0] != "Choices") == [("Text", "value", "$text")]
    assert {v[2][1:] for v in variables if v[0] == "Choices"} == pickers


def test_no_relations_are_drawn_over_the_text():
    assert "<Relations" not in config.labeling_config()


def test_each_entity_picker_lists_every_entity_by_name_and_stores_its_id():
    table = load_corpus(FIXTURE_ROOT).entity_table
    data = config.task_data("ls-001", "text", table)
    for layer in config.LAYERS:
        for item in layer.per_region:
            if item.kind in ("entity", "entities"):
                options = data[config.per_region_control(layer, item)]
                assert sorted(o["alias"] for o in options) == sorted(config.stored_choice(item.field, r["entity_id"]) for r in table)
                assert all(o["value"].startswith(next(r["name"] for r in table if o["alias"].endswith(": " + r["entity_id"])))
                           for o in options)
