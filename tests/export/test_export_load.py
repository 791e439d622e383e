"""The export loads with datasets.load_dataset, every config and split, with the schema's Features."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import datasets
import pyarrow.parquet as pq

from newscorpus import corpus, schema
from newscorpus.export.features import CONFIG_NAMES, config_features
from newscorpus.export.parquet import VERSION_METADATA_KEY
from newscorpus.version import CORPUS_VERSION


def manifest_splits(root: Path) -> dict[str, list[str]]:
    docs = [line.record for line in corpus.iter_lines(corpus.Layout(root).manifest_path)]
    return {s: [d["doc_id"] for d in docs if d["split"] == s] for s in schema.SPLITS.names if any(d["split"] == s for d in docs)}


def layer_count(root: Path, shape: schema.RecordShape, doc_ids: list[str]) -> int:
    layout = corpus.Layout(root)
    return sum(1 for d in doc_ids if layout.layer_path(shape, d).is_file() for _ in corpus.iter_lines(layout.layer_path(shape, d)))


def test_default_config_is_documents(export_dir, hf_cache):
    default = datasets.load_dataset(str(export_dir), cache_dir=str(hf_cache))
    assert default["train"].column_names[:2] == ["doc_id", "title"]
    assert "entities" in default["train"].column_names


def test_every_config_has_the_manifest_splits_in_schema_order(loaded, corpus_root):
    expected = list(manifest_splits(corpus_root))
    for name in CONFIG_NAMES:
        assert list(loaded[name]) == expected, name


def test_reloaded_features_equal_the_schema_derived_features(loaded):
    for name in CONFIG_NAMES:
        for split, ds in loaded[name].items():
            assert ds.features == config_features(name), (name, split)


def test_documents_rows_are_the_manifest_documents_of_each_split(loaded, corpus_root):
    for split, doc_ids in manifest_splits(corpus_root).items():
        assert loaded["documents"][split]["doc_id"] == doc_ids


def test_layer_configs_have_one_row_per_annotation_record(loaded, corpus_root):
    for split, doc_ids in manifest_splits(corpus_root).items():
        for shape in schema.ANNOTATION_LAYERS:
            assert len(loaded[shape.name][split]) == layer_count(corpus_root, shape, doc_ids), (shape.name, split)


def test_documents_nest_every_annotation_record(loaded, corpus_root):
    for split, doc_ids in manifest_splits(corpus_root).items():
        for shape in schema.ANNOTATION_LAYERS:
            nested = sum(len(row) for row in loaded["documents"][split][shape.name])
            assert nested == layer_count(corpus_root, shape, doc_ids), (shape.name, split)


def test_class_labels_round_trip_to_the_stored_label_names(loaded, corpus_root):
    layout = corpus.Layout(corpus_root)
    for split, doc_ids in manifest_splits(corpus_root).items():
        ds = loaded["entities"][split]
        names = [ds.features["label"].int2str(i) for i in ds["label"]]
        stored = [line.record["label"] for d in doc_ids for line in corpus.iter_lines(layout.layer_path(schema.ENTITY_MENTION, d))]
        assert Counter(names) == Counter(stored)


def test_entity_table_counts_mentions_within_the_split(loaded):
    for split in loaded["entities"]:
        mentions = Counter(loaded["entities"][split]["entity_id"])
        table = loaded["entity_table"][split]
        assert dict(zip(table["entity_id"], table["mention_count"])) == dict(mentions)


def test_entity_table_doc_ids_are_the_documents_that_mention_the_entity(loaded):
    for split in loaded["entities"]:
        docs_of: dict[str, set[str]] = {}
        for row in loaded["entities"][split]:
            docs_of.setdefault(row["entity_id"], set()).add(row["doc_id"])
        for row in loaded["entity_table"][split]:
            assert set(row["doc_ids"]) == docs_of[row["entity_id"]]


def test_every_parquet_file_carries_the_corpus_version(export_dir):
    files = sorted(export_dir.glob("data/*/*.parquet"))
    assert files
    for path in files:
        assert pq.read_schema(path).metadata[VERSION_METADATA_KEY] == CORPUS_VERSION.encode()


def test_documents_carry_the_corpus_version_column(loaded):
    for ds in loaded["documents"].values():
        assert set(ds["corpus_version"]) == {CORPUS_VERSION}


def test_shard_files_follow_the_hub_naming_pattern(export_dir):
    for path in export_dir.glob("data/*/*.parquet"):
        split, index, _, count = path.stem.split("-")
        assert split in schema.SPLITS.names and int(index) < int(count), path.name
