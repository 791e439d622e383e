"""The committed gold scored against itself gives 1.0 for every defined metric, on every split."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus.evaluate import scorer
from newscorpus.store import load_corpus

from evaluate_fixture_corpus import scores_of

REPO = Path(__file__).resolve().parents[2]
CORPUS = load_corpus(REPO)


@pytest.mark.parametrize("split", list(CORPUS.split_doc_ids()))
def test_gold_scores_one_against_itself(split):
    doc_ids = CORPUS.split_doc_ids()[split]
    result = scorer.score(CORPUS, split, scorer.gold_layers(CORPUS, doc_ids))
    scores = scores_of(result)
    assert scores and all(value in (1.0, None) for value in scores.values()), {p: v for p, v in scores.items() if v not in (1.0, None)}
    assert result["entities"]["strict"]["f1"] == result["coreference"]["conll_f1"] == result["figures"]["span_kind"]["f1"] == 1.0
