"""Column encoding: the arrays the build writes equal what Arrow makes of the same rows one by one."""

from __future__ import annotations

import datasets
import pyarrow as pa
import pytest

from newscorpus import schema
from newscorpus.export.columns import compile_encoder, encode_batch, table_encoders
from newscorpus.export.features import config_features
from newscorpus.export.rows import ExportError, FlatLists

LABELS = datasets.ClassLabel(names=["ALPHA", "BETA", "GAMMA"])


def test_label_names_become_their_classlabel_ids():
    encode = compile_encoder(LABELS, pa.int64(), "t.label")
    assert encode(["GAMMA", "ALPHA", None]).to_pylist() == [LABELS.str2int("GAMMA"), LABELS.str2int("ALPHA"), None]


def test_a_label_outside_the_inventory_is_refused_with_its_column_and_name():
    encode = compile_encoder(LABELS, pa.int64(), "t.label")
    with pytest.raises(ExportError, match=r"column t\.label: label\(s\) \['DELTA'\]"):
        encode(["ALPHA", "DELTA"])


def test_nested_records_encode_like_rows_converted_one_by_one():
    feature = datasets.List({"name": datasets.Value("string"), "label": LABELS})
    arrow_type = datasets.Features({"x": feature}).arrow_schema.field("x").type
    rows = [[{"name": "a", "label": "BETA"}], [], [{"name": "b", "label": "ALPHA"}, {"name": "c", "label": "GAMMA"}]]
    expected = pa.array([[{"name": r["name"], "label": LABELS.str2int(r["label"])} for r in row] for row in rows], type=arrow_type)
    assert compile_encoder(feature, arrow_type, "t.x")(rows).equals(expected)


def test_flat_lists_give_the_same_column_as_one_list_per_row():
    features = datasets.Features({"tokens": datasets.List(datasets.Value("string"))})
    arrow_schema = features.arrow_schema
    rows = [["a", "b"], [], ["c"]]
    batch = encode_batch({"tokens": FlatLists(["a", "b", "c"], [2, 0, 1])}, table_encoders(features, arrow_schema, "t"), arrow_schema)
    assert batch.column(0).equals(pa.array(rows, type=arrow_schema.field("tokens").type))


def test_flat_lists_from_arrow_items_and_numpy_lengths_give_the_same_column():
    import numpy as np

    features = datasets.Features({"tokens": datasets.List(datasets.Value("string"))})
    arrow_schema = features.arrow_schema
    flat = FlatLists(pa.array(["a", "b", "c"]), np.array([2, 0, 1]))
    batch = encode_batch({"tokens": flat}, table_encoders(features, arrow_schema, "t"), arrow_schema)
    assert batch.column(0).equals(pa.array([["a", "b"], [], ["c"]], type=arrow_schema.field("tokens").type))


def test_flat_list_items_of_another_arrow_type_are_refused_naming_the_column():
    features = datasets.Features({"tokens": datasets.List(datasets.Value("string"))})
    arrow_schema = features.arrow_schema
    with pytest.raises(ExportError, match=r"column tokens: items are int64"):
        encode_batch({"tokens": FlatLists(pa.array([1, 2]), [2])}, table_encoders(features, arrow_schema, "t"), arrow_schema)


@pytest.mark.parametrize("config", ["documents", "entities", "figures", "stances", "entity_table", "ner"])
def test_every_config_has_an_encoder_for_each_column(config: str):
    features = config_features(config)
    assert list(table_encoders(features, features.arrow_schema, config)) == list(features)


def test_the_label_encoder_follows_the_schema_inventory():
    names = schema.ENTITY_MENTION.field("label").inventory.names
    features = config_features("entities")
    encode = table_encoders(features, features.arrow_schema, "entities")["label"]
    assert encode(list(reversed(names))).to_pylist() == list(reversed(range(len(names))))
