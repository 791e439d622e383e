"""The committed gold, copied as a predictions folder, scores 1.0 on every defined metric, on every split."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newscorpus.cli import main
from newscorpus.evaluate.predictions import LAYERS
from newscorpus.corpus import Layout, load_corpus

from evaluate_fixture_corpus import scores_of

REPO = Path(__file__).resolve().parents[2]
SPLITS = load_corpus(REPO).split_doc_ids()


@pytest.mark.parametrize("split", list(SPLITS))
def test_gold_scores_one_against_itself(split, tmp_path, capsys):
    layout = Layout(REPO)
    for shape in LAYERS:
        (tmp_path / shape.name).mkdir()
        for doc_id in SPLITS[split]:
            if layout.layer_path(shape, doc_id).is_file():
                shutil.copy(layout.layer_path(shape, doc_id), tmp_path / shape.name)
    assert main(["--root", str(REPO), "evaluate", str(tmp_path), "--split", split, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    scores = scores_of(result)
    assert scores and all(value in (1.0, None) for value in scores.values()), {p: v for p, v in scores.items() if v not in (1.0, None)}
    assert result["entities"]["strict"]["f1"] == result["coreference"]["conll_f1"] == result["figures"]["span_kind"]["f1"] == 1.0
