"""The card and README show the same generated evaluation text; the card's train-eval-index and the
stances target ClassLabel work with their real clients (load_dataset, seqeval)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus import docs, schema
from newscorpus.cli import main
from newscorpus.evaluate import definitions
from newscorpus.export.card import evaluation_section, train_eval_index

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "india-russia-summit-news"
    assert main(["--root", str(REPO), "build", "--out", str(out)]) == 0
    return out


def _readme_block(name: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in docs.find_blocks(text, "README.md") if b.name == name]
    return text[block.content_start : block.content_end].strip("\n")


def test_readme_blocks_are_the_generator_output():
    assert _readme_block("evaluation-metrics") == definitions.metric_definitions().strip("\n")
    assert _readme_block("evaluation-baselines") == definitions.baseline_scores(REPO).strip("\n")


def test_card_section_holds_the_readme_definitions_and_baseline_table():
    section = evaluation_section(REPO)
    assert _readme_block("evaluation-metrics") in section
    assert definitions.baseline_scores(REPO).strip("\n") in section


def test_card_section_without_a_readme_block_says_where_the_scores_are(root):
    assert "Baseline scores are in the repository's README" in evaluation_section(root)
    assert "Baseline scores are in the repository's README" in evaluation_section(None)


def test_baseline_table_rows_hold_the_scores_of_the_fixture(root):
    """The gazetteer finds Narendra Modi, Vladimir Putin and New Delhi (3 predictions, all right) of 6
    gold mentions (5 names): strict P 1, R 3/6, F1 2/3; names R 3/5.  The fixture's test stances are
    held by Narendra Modi, who holds none in train: no matched pair, so the SemEval-2016 measure is
    undefined (an en dash)."""
    rows = {line.split("|")[2].strip(): [c.strip() for c in line.split("|")[3:6]] for line in definitions.baseline_scores(root).splitlines() if line.startswith("| `")}
    assert len(rows) == sum(len(m) for m in definitions.BASELINE_METRICS.values())
    assert rows["`entities.strict`"] == ["1.000", "0.500", "0.667"]
    assert rows["`entities.names`"][1] == "0.600"
    assert rows["`stances.semeval2016`"][2] == "–"
    assert "3 of 5 (60%) name mentions" in definitions.baseline_scores(root)


def test_train_eval_index_needs_both_splits():
    assert train_eval_index([schema.TRAIN_SPLIT]) is None
    (entry,) = train_eval_index([schema.TRAIN_SPLIT, schema.TEST_SPLIT])
    assert entry["config"] == "ner" and entry["metrics"] == [{"type": "seqeval", "name": "seqeval"}]


def test_train_eval_index_of_the_built_card_drives_seqeval_on_the_ner_config(export, tmp_path):
    import datasets
    from huggingface_hub import DatasetCard
    from seqeval.metrics import f1_score

    (entry,) = DatasetCard.load(export / "README.md").data.train_eval_index
    ner = datasets.load_dataset(str(export), entry["config"], cache_dir=str(tmp_path))
    eval_split = ner[entry["splits"]["eval_split"]]
    assert entry["splits"]["train_split"] in ner
    column = {v: k for k, v in entry["col_mapping"].items()}
    tag_names = eval_split.features[column["tags"]].feature
    tags = [[tag_names.int2str(t) for t in row] for row in eval_split[column["tags"]]]
    assert len(eval_split[column["tokens"]]) == len(tags)
    assert any(t != "O" for row in tags for t in row)
    assert f1_score(tags, tags) == 1.0


def test_stances_target_loads_as_a_classlabel_over_the_schema_targets(export, tmp_path):
    import datasets

    stances = datasets.load_dataset(str(export), "stances", cache_dir=str(tmp_path))
    feature = stances["test"].features["target"]
    assert isinstance(feature, datasets.ClassLabel) and feature.names == schema.STANCE_TARGETS.names
    assert all(feature.int2str(t) in schema.STANCE_TARGETS for t in stances["test"]["target"])


def test_card_lists_the_target_table_and_the_evaluation_section(export):
    card = (export / "README.md").read_text(encoding="utf-8")
    assert "**`stances.target`** (Stance targets)" in card
    for label in schema.STANCE_TARGETS.labels:
        assert f"`{label.name}` | {label.definition}" in card
    assert "## Evaluation" in card and definitions.metric_definitions().strip("\n") in card
