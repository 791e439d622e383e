"""Native records <-> Label Studio results: lossless both ways, strict on the way back."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from newscorpus import schema
from newscorpus.corpus import dumps_records, load_corpus
from newscorpus.labelstudio import config, convert
from newscorpus.labelstudio.convert import ConversionError

FIXTURE_ROOT = Path(__file__).parent / "fixture_root"
REPO_ROOT = Path(__file__).resolve().parents[2]
EMOJI_DOC = "ls-001"


def _document(root: Path, doc_id: str):
    corpus = load_corpus(root)
    layers = {shape.name: corpus.records(shape, doc_id) for shape in schema.ANNOTATION_LAYERS}
    return corpus.texts[doc_id], layers


def _annotation_only(layers):
    """Annotation fields only, lists of ids sorted (their order is not an annotation)."""
    def fields(shape, record):
        out = {k: record[k] for k in convert.annotation_fields(shape)}
        return {k: sorted(v) if isinstance(v, list) else v for k, v in out.items()}

    return {shape.name: dumps_records(shape, [fields(shape, r) for r in layers[shape.name]])
            for shape in schema.ANNOTATION_LAYERS}


def _round_trip(text, layers, doc_id):
    return convert.result_to_records(doc_id, text, convert.records_to_result(doc_id, layers))


@pytest.mark.parametrize("doc_id", ["ls-001", "ls-002"])
def test_fixture_documents_round_trip_with_every_annotation_field(doc_id):
    text, layers = _document(FIXTURE_ROOT, doc_id)
    assert _annotation_only(_round_trip(text, layers, doc_id)) == _annotation_only(layers)


def test_real_gold_round_trips_with_every_annotation_field():
    corpus = load_corpus(REPO_ROOT)
    for doc_id, text in corpus.texts.items():
        layers = {shape.name: corpus.records(shape, doc_id) for shape in schema.ANNOTATION_LAYERS}
        if not any(layers.values()):
            pytest.skip("no gold annotations in the repository yet")
        assert _annotation_only(_round_trip(text, layers, doc_id)) == _annotation_only(layers), doc_id


def test_region_ids_are_the_record_ids():
    text, layers = _document(FIXTURE_ROOT, EMOJI_DOC)
    result = convert.records_to_result(EMOJI_DOC, layers)
    ids = {item["id"] for item in result if "id" in item}
    expected = {r[shape.id_field] for shape in schema.ANNOTATION_LAYERS for r in layers[shape.name]}
    assert ids == expected


def test_offsets_count_code_points_so_spans_after_an_emoji_and_curly_quotes_match():
    text, layers = _document(FIXTURE_ROOT, EMOJI_DOC)
    assert text.index("Vladimir Putin") != text.encode("utf-8").index("Vladimir Putin".encode())
    for item in convert.records_to_result(EMOJI_DOC, layers):
        if item.get("type") == "labels":
            value = item["value"]
            assert text[value["start"]:value["end"]] == value["text"]


def test_a_non_integral_figure_value_survives_the_textarea():
    text, layers = _document(FIXTURE_ROOT, EMOJI_DOC)
    layers = copy.deepcopy(layers)
    layers[schema.FIGURE.name][2]["value"] = 12.345
    back = _round_trip(text, layers, EMOJI_DOC)
    assert back[schema.FIGURE.name][2]["value"] == 12.345


def test_the_order_of_picked_measured_entities_is_not_kept_they_come_back_sorted():
    text, layers = _document(FIXTURE_ROOT, "ls-002")
    back = _round_trip(text, layers, "ls-002")
    assert back[schema.FIGURE.name][0]["measured_entity_ids"] == ["india", "united-states"]


def test_a_mention_with_a_new_entity_id_typed_takes_that_id():
    text, layers = _document(FIXTURE_ROOT, EMOJI_DOC)
    result = [i for i in convert.records_to_result(EMOJI_DOC, layers) if not (i["id"] == "m-002" and i["from_name"] == "entity_entity_id")]
    labels = next(i for i in result if i["id"] == "m-002")
    result.append({"id": "m-002", "from_name": "entity_new_entity_id", "to_name": "text", "type": "textarea",
                   "value": {**{k: labels["value"][k] for k in ("start", "end", "text")}, "text": [" delhi-city "]}})
    back = convert.result_to_records(EMOJI_DOC, text, result)
    assert next(m for m in back[schema.ENTITY_MENTION.name] if m["mention_id"] == "m-002")["entity_id"] == "delhi-city"


# --------------------------------------------------------------------------- strict on the way back


def _result():
    text, layers = _document(FIXTURE_ROOT, EMOJI_DOC)
    return text, convert.records_to_result(EMOJI_DOC, layers)


def _labels_item(result, region_id):
    return next(i for i in result if i.get("id") == region_id and i["type"] == "labels")


def test_an_offset_past_the_end_of_the_text_names_task_and_region():
    text, result = _result()
    _labels_item(result, "m-002")["value"]["end"] = len(text) + 5
    with pytest.raises(ConversionError, match=r"task ls-001, region m-002: offsets .* outside the text"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_span_text_that_differs_from_the_task_text_names_task_and_region():
    text, result = _result()
    _labels_item(result, "m-001")["value"]["text"] = "Vladimir Poutine"
    with pytest.raises(ConversionError, match=r"task ls-001, region m-001: span text 'Vladimir Poutine' does not match"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_label_outside_the_inventory_names_task_and_region():
    text, result = _result()
    _labels_item(result, "f-001")["value"]["labels"] = ["WEEKDAY"]
    with pytest.raises(ConversionError, match=r"task ls-001, region f-001: figure: unknown label 'WEEKDAY'"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_choice_outside_the_inventory_names_task_and_region():
    text, result = _result()
    item = next(i for i in result if i.get("id") == "s-001" and i["from_name"].endswith("polarity"))
    item["value"]["choices"] = ["polarity: sceptical"]
    with pytest.raises(ConversionError, match=r"task ls-001, region s-001: .*unknown choice 'sceptical'"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_relation_in_the_result_is_refused():
    text, result = _result()
    result.append({"from_id": "m-001", "to_id": "s-001", "type": "relation", "direction": "right", "labels": ["holder"]})
    with pytest.raises(ConversionError, match=r"task ls-001: the result has a relation"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_stance_without_a_holder_names_task_and_region():
    text, result = _result()
    result = [i for i in result if not (i.get("id") == "s-001" and i["from_name"] == "stance_holder_entity_id")]
    with pytest.raises(ConversionError, match=r"task ls-001, region s-001: stance_holder_entity_id: required value 'holder_entity_id' is missing"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_choice_without_its_field_name_names_task_and_region():
    text, result = _result()
    item = next(i for i in result if i.get("id") == "s-001" and i["from_name"] == "stance_polarity")
    item["value"]["choices"] = ["favor"]
    with pytest.raises(ConversionError, match=r"task ls-001, region s-001: stance_polarity: unknown choice 'favor'"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_missing_required_per_region_value_names_task_and_region():
    text, result = _result()
    result = [i for i in result if not (i.get("id") == "m-003" and i["from_name"].endswith("entity_id"))]
    with pytest.raises(ConversionError, match=r"task ls-001, region m-003: .*required value 'entity_id' is missing"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_figure_value_that_is_not_a_number_names_task_and_region():
    text, result = _result()
    item = next(i for i in result if i.get("id") == "f-002" and i["from_name"] == "figure_value")
    item["value"]["text"] = ["sixty-five billion"]
    with pytest.raises(ConversionError, match=r"task ls-001, region f-002: value: 'sixty-five billion' is not a number"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_per_region_value_without_a_labelled_span_names_task_and_region():
    text, result = _result()
    result = [i for i in result if not (i.get("id") == "m-004" and i["type"] == "labels")]
    with pytest.raises(ConversionError, match=r"task ls-001, region m-004: per-region values for a region that has no span label"):
        convert.result_to_records(EMOJI_DOC, text, result)


def test_a_control_not_in_the_config_names_task_and_region():
    text, result = _result()
    result.append({**_labels_item(result, "m-001"), "from_name": "sentiment"})
    with pytest.raises(ConversionError, match=r"task ls-001, region m-001: unknown control 'sentiment'"):
        convert.result_to_records(EMOJI_DOC, text, result)
