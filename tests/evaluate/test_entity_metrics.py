"""Entity metrics on small cases computed by hand."""

from __future__ import annotations

import pytest

from newscorpus.evaluate import entities


def m(start: int, end: int, label: str, mtype: str = "NAM") -> dict:
    return {"start": start, "end": end, "label": label, "mention_type": mtype}


GOLD = {"d1": [m(0, 5, "PERSON"), m(10, 15, "GPE"), m(20, 22, "PERSON", "PRO")], "d2": [m(0, 4, "ORG")]}
PRED = {
    "d1": [m(0, 5, "PERSON"), m(10, 15, "ORG"), m(20, 22, "PERSON", "PRO"), m(30, 35, "GPE")],
    "d2": [m(0, 3, "ORG")],
}
# By hand: d1 (0,5,PERSON) and (20,22,PERSON) match; (10,15,ORG) wrong label; (30,35) spurious;
# d2 (0,3) vs gold (0,4): wrong boundary.  strict: correct 2, predicted 5, gold 4.


def test_strict_is_micro_over_all_mention_types():
    got = entities.strict(GOLD, PRED)
    assert (got["correct"], got["predicted"], got["gold"]) == (2, 5, 4)
    assert got["precision"] == pytest.approx(2 / 5) and got["recall"] == pytest.approx(2 / 4)
    assert got["f1"] == pytest.approx(2 * 2 / (5 + 4))


def test_a_mention_in_another_document_does_not_match():
    assert entities.strict({"d1": [m(0, 5, "PERSON")], "d2": []}, {"d1": [], "d2": [m(0, 5, "PERSON")]})["correct"] == 0


def test_a_duplicated_prediction_counts_once():
    got = entities.strict({"d": [m(0, 5, "PERSON")]}, {"d": [m(0, 5, "PERSON"), m(0, 5, "PERSON")]})
    assert (got["correct"], got["predicted"]) == (1, 2)


def test_per_label_lists_labels_of_gold_or_predictions():
    """PERSON: 2 of 2 predicted, 2 gold.  GPE: 0 of 1 predicted, 1 gold.  ORG: 0 of 2 predicted, 1 gold."""
    got = entities.per_label(GOLD, PRED)
    assert list(got) == ["PERSON", "ORG", "GPE"]  # inventory order
    assert (got["PERSON"]["f1"], got["GPE"]["recall"], got["ORG"]["precision"]) == (1.0, 0.0, 0.0)


def test_names_only_scores_nam_mentions_and_predictions_without_mention_type_are_left_out():
    """Gold NAM: (0,5) (10,15) (0,4) = 3.  Predicted NAM: (0,5) (10,15,ORG) (30,35) (0,3) = 4, the PRO
    and one without mention_type left out.  Correct: (0,5).  P = 1/4, R = 1/3."""
    pred = {"d1": [*PRED["d1"], {"start": 40, "end": 41, "label": "GPE"}], "d2": PRED["d2"]}
    got = entities.names(GOLD, pred)
    assert (got["correct"], got["predicted"], got["gold"]) == (1, 4, 3)


def test_semeval_schemes_follow_the_2013_definitions():
    """Per SemEval-2013 task 9.1 (nervaluate), same 5 predictions:
    strict: COR 2, INC 2 ((10,15) label, (0,3) boundary), SPU 1, MIS 0 -> P 2/5, R 2/4.
    exact:  COR 3 ((10,15) boundary exact), INC 1 ((0,3)), SPU 1 -> P 3/5, R 3/4.
    partial: COR 3, PAR 1 ((0,3) overlaps (0,4)), SPU 1 -> P (3+0.5)/5, R (3+0.5)/4.
    type:   COR 3 ((0,3) overlaps with the right type), INC 1 ((10,15)), SPU 1 -> P 3/5, R 3/4."""
    got = entities.semeval2013(GOLD, PRED, ["d1", "d2"])
    expected = {"strict": (2 / 5, 2 / 4), "exact": (3 / 5, 3 / 4), "partial": (3.5 / 5, 3.5 / 4), "type": (3 / 5, 3 / 4)}
    for scheme, (precision, recall) in expected.items():
        assert (got[scheme]["precision"], got[scheme]["recall"]) == pytest.approx((precision, recall)), scheme
    assert got["partial"]["partial"] == 1 and got["strict"]["spurious"] == 1


def test_touching_spans_do_not_overlap_in_the_partial_scheme():
    """Gold (0,5); predicted (5,9): they share no character (ends are exclusive), so the prediction is
    spurious and the gold missed, not a partial match."""
    got = entities.semeval2013({"d": [m(0, 5, "GPE")]}, {"d": [m(5, 9, "GPE")]}, ["d"])["partial"]
    assert (got["partial"], got["spurious"], got["missed"]) == (0, 1, 1)


def test_nothing_predicted_gives_undefined_precision_and_zero_f1():
    got = entities.strict(GOLD, {"d1": [], "d2": []})
    assert (got["precision"], got["recall"], got["f1"]) == (None, 0.0, 0.0)
