"""`newscorpus stats`: counts per layer, label, split and document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscorpus.corpus import CorpusError
from newscorpus import stats
from newscorpus.cli import main
from newscorpus.version import CORPUS_VERSION


def test_documents_are_counted_per_split(corpus_root: Path) -> None:
    result = stats.compute(corpus_root).to_json()
    assert result["documents"]["by_split"] == {"train": 1, "test": 1}


def test_only_splits_that_have_documents_are_listed(corpus_root: Path) -> None:
    assert stats.compute(corpus_root).splits == ["train", "test"]


def test_records_are_counted_per_layer_and_split(corpus_root: Path) -> None:
    layers = stats.compute(corpus_root).to_json()["layers"]
    assert layers["entities"] == {"total": 7, "by_split": {"train": 4, "test": 3}}
    assert layers["figures"] == {"total": 1, "by_split": {"train": 1, "test": 0}}
    assert layers["stances"] == {"total": 1, "by_split": {"train": 1, "test": 0}}


def test_every_label_of_an_inventory_is_listed_with_zeros(corpus_root: Path) -> None:
    kinds = stats.compute(corpus_root).to_json()["labels"]["figures"]["kind"]
    assert kinds["DURATION"] == {"train": 1, "test": 0, "total": 1}
    assert kinds["MONEY"] == {"train": 0, "test": 0, "total": 0}


def test_labels_are_counted_for_every_inventory_valued_field(corpus_root: Path) -> None:
    labels = stats.compute(corpus_root).to_json()["labels"]
    assert labels["entities"]["mention_type"]["PRO"] == {"train": 1, "test": 0, "total": 1}
    assert labels["stances"]["target"]["india_russia_partnership"]["total"] == 1
    assert labels["stances"]["method"]["llm-authored"]["total"] == 1


def test_per_document_rows_follow_the_manifest(corpus_root: Path) -> None:
    rows = stats.compute(corpus_root).to_json()["per_document"]
    assert [(r["doc_id"], r["split"], r["entities"], r["figures"]) for r in rows] == [("d1", "train", 4, 1), ("d2", "test", 3, 0)]


def test_characters_are_code_points_of_the_text(corpus_root: Path) -> None:
    (corpus_root / "corpus" / "d2.txt").write_text("Modi – Putin", encoding="utf-8")
    rows = stats.compute(corpus_root).to_json()["per_document"]
    assert rows[1]["characters"] == 12


def test_entity_table_counts_types_and_mentioned_entities(corpus_root: Path) -> None:
    table = stats.compute(corpus_root).to_json()["entity_table"]
    assert table["by_label"]["GPE"] == 2
    assert table["mentioned_by_split"] == {"train": 3, "test": 3}
    assert table["unmentioned"] == 0


def test_an_entity_without_mentions_is_counted_as_unmentioned(corpus_root: Path) -> None:
    path = corpus_root / "annotations" / "entity_table.jsonl"
    extra = {"entity_id": "china", "name": "China", "label": "GPE", "description": "China.", "annotator": "a", "method": "manual"}
    path.write_text(path.read_text(encoding="utf-8") + json.dumps(extra) + "\n", encoding="utf-8")
    assert stats.compute(corpus_root).to_json()["entity_table"]["unmentioned"] == 1


def test_the_version_comes_from_the_version_module(corpus_root: Path) -> None:
    assert stats.compute(corpus_root).to_json()["version"] == CORPUS_VERSION


def test_a_label_outside_its_inventory_is_an_error_naming_file_record_and_value(corpus_root: Path, fx) -> None:
    path = corpus_root / "annotations" / "figures" / "d1.jsonl"
    record = json.loads(path.read_text(encoding="utf-8"))
    fx.write_jsonl(path, [{**record, "kind": "AMOUNT"}])
    with pytest.raises(CorpusError, match=r"annotations/figures/d1\.jsonl, record '[^']+': field 'kind' has 'AMOUNT'"):
        stats.compute(corpus_root)


def test_invalid_json_is_an_error_naming_file_and_line(corpus_root: Path) -> None:
    path = corpus_root / "annotations" / "entities" / "d2.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + "{oops\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"annotations/entities/d2\.jsonl:4: invalid JSON"):
        stats.compute(corpus_root)


def test_cli_exits_1_with_the_error_on_bad_input(corpus_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus_root / "corpus" / "d1.txt").unlink()
    assert main(["--root", str(corpus_root), "stats"]) == 1
    assert "document 'd1' has no text file corpus/d1.txt" in capsys.readouterr().err


def test_cli_json_output_is_the_computed_counts(corpus_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(corpus_root), "stats", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == stats.compute(corpus_root).to_json()


def test_cli_markdown_output_has_a_table_per_label_field(corpus_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(corpus_root), "stats", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| DURATION | 1 | 0 | 1 |" in out
    assert "**stances.polarity: Stance polarities**" in out


def test_cli_text_output_aligns_the_split_table(corpus_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(corpus_root), "stats"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "split  documents  characters  entities  figures  stances  exceptions" in out
    assert "total          2         114         7        1        1           0" in out
