"""Coreference and linking on small cases computed by hand (the computation is in each docstring)."""

from __future__ import annotations

import pytest

from newscorpus.evaluate.coreference import clusters, coreference, linking, score


def m(start: int, end: int, entity_id: str | None, label: str = "PERSON") -> dict:
    record = {"start": start, "end": end, "label": label}
    if entity_id is not None:
        record["entity_id"] = entity_id
    return record


def test_a_split_key_cluster_costs_one_muc_link():
    """Key {1,2,3}; response {1,2} {3}.

    MUC recall = (3 - 2 parts) / (3 - 1) = 1/2; precision = ((2-1) + (1-1)) / ((2-1) + 0) = 1.
    B³ recall = (2²/3 + 1²/3) / 3 = (5/3)/3 = 5/9; precision = (2²/2 + 1²/1) / 3 = 1.
    CEAF-e: φ({1,2,3},{1,2}) = 4/5 is the best alignment; recall = 0.8/1, precision = 0.8/2 = 0.4.
    """
    key = [frozenset({(1, 1), (2, 2), (3, 3)})]
    response = [frozenset({(1, 1), (2, 2)}), frozenset({(3, 3)})]
    got = coreference([(key, response)])
    assert (got["muc"]["recall"], got["muc"]["precision"]) == pytest.approx((1 / 2, 1))
    assert (got["b3"]["recall"], got["b3"]["precision"]) == pytest.approx((5 / 9, 1))
    assert (got["ceaf_e"]["recall"], got["ceaf_e"]["precision"]) == pytest.approx((0.8, 0.4))
    assert got["conll_f1"] == pytest.approx((2 / 3 + 2 * 5 / 9 / (5 / 9 + 1) + 2 * 0.8 * 0.4 / 1.2) / 3)


def test_counts_are_summed_over_documents_before_dividing():
    """Doc 1: key {1,2}, response {1,2} -> MUC 1/1 both ways.  Doc 2: key {1,2,3}, response {1}{2}{3}
    -> MUC recall 0/2, precision 0/0.  Summed: recall (1+0)/(1+2) = 1/3, precision (1+0)/(1+0) = 1
    (averaging per document would give recall 1/2)."""
    d1 = ([frozenset({(1, 1), (2, 2)})], [frozenset({(1, 1), (2, 2)})])
    d2 = ([frozenset({(1, 1), (2, 2), (3, 3)})], [frozenset({(1, 1)}), frozenset({(2, 2)}), frozenset({(3, 3)})])
    got = coreference([d1, d2])["muc"]
    assert (got["recall"], got["precision"]) == pytest.approx((1 / 3, 1))


def test_clusters_group_by_entity_id_and_a_missing_id_stands_alone():
    records = [m(0, 5, "a"), m(10, 12, "a"), m(20, 22, None), m(30, 32, None), m(40, 45, "b")]
    assert sorted(map(sorted, clusters(records))) == [[(0, 5), (10, 12)], [(20, 22)], [(30, 32)], [(40, 45)]]


def test_clusters_keep_the_first_of_two_mentions_with_one_span():
    assert clusters([m(0, 5, "a"), m(0, 5, "b"), m(9, 10, "b")]) == [frozenset({(0, 5)}), frozenset({(9, 10)})]


def test_linking_counts_strict_matches_with_the_gold_entity_id():
    """Gold: (0,5,PERSON,a), (10,12,PERSON,a), (20,25,GPE,c).  Predicted: (0,5,PERSON,a) right;
    (10,12,PERSON,b) matched, wrong id; (20,25,ORG,c) not a strict match (label).
    Accuracy = 1 of 2 matched."""
    gold = {"d": [m(0, 5, "a"), m(10, 12, "a"), m(20, 25, "c", "GPE")]}
    pred = {"d": [m(0, 5, "a"), m(10, 12, "b"), m(20, 25, "c", "ORG")]}
    assert linking(gold, pred) == {"accuracy": 0.5, "correct": 1, "matched": 2}


def test_linking_without_entity_ids_counts_as_wrong():
    assert linking({"d": [m(0, 5, "a")]}, {"d": [m(0, 5, None)]}) == {"accuracy": 0.0, "correct": 0, "matched": 1}


def test_score_of_gold_against_itself_is_one_everywhere():
    gold = {"d": [m(0, 5, "a"), m(10, 12, "a"), m(20, 25, "c", "GPE")]}
    got = score(gold, gold, ["d"])
    assert [got[k]["f1"] for k in ("muc", "b3", "ceaf_e")] == [1.0, 1.0, 1.0]
    assert got["conll_f1"] == 1.0 and got["linking"]["accuracy"] == 1.0
