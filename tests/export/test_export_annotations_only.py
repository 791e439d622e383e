"""`newscorpus annotations-only`: the export's configs and rows without the article texts, loadable with datasets."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from huggingface_hub import DatasetCard

from newscorpus.cli import main
from newscorpus.export.annotations_only import TEXT_COLUMNS, without_text
from newscorpus.export.features import CONFIG_NAMES

HUB_CARD_KEYS = json.loads((Path(__file__).parent / "hub_card_keys.json").read_text())["keys"]


@pytest.fixture(scope="module")
def annotations_dir(export_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("annotations-only") / "annotations"
    assert main(["annotations-only", "--export", str(export_dir), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def annotations_loaded(annotations_dir, hf_cache):
    return {name: datasets.load_dataset(str(annotations_dir), name, cache_dir=str(hf_cache)) for name in CONFIG_NAMES}


def strip(config, row):
    """A full-export row without the columns the annotations-only copy leaves out."""
    out = {k: v for k, v in row.items() if k not in TEXT_COLUMNS.get(config, ())}
    if config == "documents":
        for layer in (name for name in TEXT_COLUMNS if name in out):
            out[layer] = [{k: v for k, v in r.items() if k not in TEXT_COLUMNS[layer]} for r in out[layer]]
    return out


def test_every_config_loads_with_the_full_features_less_the_text_columns(annotations_loaded, loaded):
    for name in CONFIG_NAMES:
        for split, ds in annotations_loaded[name].items():
            assert ds.features == without_text(name, loaded[name][split].features), (name, split)


ARTICLE_TEXT = {"documents": {"text", "title"}, "entities": {"text"}, "figures": {"text"}, "stances": {"evidence_text"}, "ner": {"tokens"}}
"""The columns that hold article text, spelt out here independently of the module."""


def test_no_column_holding_article_text_is_left_in_any_config(annotations_loaded, loaded):
    for name in CONFIG_NAMES:
        features = annotations_loaded[name]["train"].features
        assert set(loaded[name]["train"].features) - set(features) == ARTICLE_TEXT.get(name, set()), name
    documents = annotations_loaded["documents"]["train"].features
    for layer in ("entities", "figures", "stances"):
        assert not ARTICLE_TEXT[layer] & set(documents[layer].feature), layer


def test_every_row_equals_the_full_exports_row_without_its_text(annotations_loaded, loaded):
    for name in CONFIG_NAMES:
        for split, ds in annotations_loaded[name].items():
            assert ds.to_list() == [strip(name, r) for r in loaded[name][split]], (name, split)


def test_no_value_holds_a_passage_of_an_article_text(annotations_loaded, loaded):
    """A leak check on values, whatever their column: no string holds 100 consecutive characters of a text."""
    window = 100
    passages = {t[i : i + window] for ds in loaded["documents"].values() for t in ds["text"] for i in range(len(t) - window + 1)}

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from strings(v)
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)

    for name in CONFIG_NAMES:
        for ds in annotations_loaded[name].values():
            for s in strings(ds.to_list()):
                assert not any(s[i : i + window] in passages for i in range(len(s) - window + 1)), (name, s[:80])


def test_spans_are_restored_from_the_text_by_their_offsets(annotations_loaded, loaded):
    texts = {d: t for ds in loaded["documents"].values() for d, t in zip(ds["doc_id"], ds["text"])}
    for split, ds in annotations_loaded["stances"].items():
        restored = [texts[r["doc_id"]][r["evidence_start"] : r["evidence_end"]] for r in ds]
        assert restored == loaded["stances"][split]["evidence_text"]


def test_the_card_is_cc_by_4_0_without_a_gate_and_only_spec_keys(annotations_dir):
    data = DatasetCard.load(annotations_dir / "README.md").data.to_dict()
    assert data["license"] == "cc-by-4.0"
    assert not [k for k in data if k.startswith("extra_gated")]
    assert set(data) <= set(HUB_CARD_KEYS)


def test_checksums_cover_every_file(annotations_dir):
    listed = sorted(line.split("  ", 1)[1] for line in (annotations_dir / "SHA256SUMS").read_text().splitlines())
    on_disk = sorted(p.relative_to(annotations_dir).as_posix() for p in annotations_dir.rglob("*") if p.is_file())
    assert listed == [p for p in on_disk if p != "SHA256SUMS"]


def test_a_non_empty_out_is_refused_and_left_as_it_was(export_dir, tmp_path, capsys):
    (tmp_path / "mine.txt").write_text("keep", encoding="utf-8")
    assert main(["annotations-only", "--export", str(export_dir), "--out", str(tmp_path)]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
    assert "exists and is not empty" in capsys.readouterr().err
