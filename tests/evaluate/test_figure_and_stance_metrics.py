"""Figure and stance metrics on small cases computed by hand."""

from __future__ import annotations

import pytest

from newscorpus.evaluate import figures, stances


def fig(start: int, end: int, kind: str, **values) -> dict:
    return {"start": start, "end": end, "kind": kind, **values}


def test_figure_span_kind_and_overlap():
    """Gold: (0,4,MONEY) (10,13,PERCENT) (20,24,DATE).  Predicted: (0,4,MONEY) exact; (10,12,PERCENT)
    overlaps only; (20,24,CARDINAL) right span, wrong kind; (30,31,CARDINAL) spurious.
    span_kind: 1 of 4 predicted, 3 gold.  span_overlap: 3 pairs -> P 3/4, R 3/3."""
    gold = {"d": [fig(0, 4, "MONEY"), fig(10, 13, "PERCENT"), fig(20, 24, "DATE")]}
    pred = {"d": [fig(0, 4, "MONEY"), fig(10, 12, "PERCENT"), fig(20, 24, "CARDINAL"), fig(30, 31, "CARDINAL")]}
    got = figures.score(gold, pred)
    assert (got["span_kind"]["correct"], got["span_kind"]["predicted"], got["span_kind"]["gold"]) == (1, 4, 3)
    assert (got["span_overlap"]["precision"], got["span_overlap"]["recall"]) == (3 / 4, 1.0)


def test_overlap_pairs_are_one_to_one():
    """Gold (0,10); predicted (0,4) and (5,10) both overlap it, but only one pair can be made:
    P 1/2, R 1/1."""
    got = figures.score({"d": [fig(0, 10, "DATE")]}, {"d": [fig(0, 4, "DATE"), fig(5, 10, "DATE")]})["span_overlap"]
    assert (got["precision"], got["recall"]) == (0.5, 1.0)


def test_agreement_compares_values_units_and_normalized_on_exact_matches():
    """Two exact matches: the first agrees on everything; the second has value 1e9 vs 1e10 and unit
    USD vs INR, normalized both null.  value 1/2, unit 1/2, normalized 2/2.  An absent field counts as null."""
    gold = {"d": [fig(0, 4, "MONEY", value=1e10, unit="USD", normalized=None), fig(5, 9, "MONEY", value=1e10, unit="USD")]}
    pred = {"d": [fig(0, 4, "MONEY", value=10_000_000_000, unit="USD"), fig(5, 9, "MONEY", value=1e9, unit="INR")]}
    got = figures.score(gold, pred)["agreement"]
    assert got == {"matched": 2, "value": 0.5, "unit": 0.5, "normalized": 1.0}


def st(holder: str, target: str, polarity: str, start: int, end: int) -> dict:
    return {"holder_entity_id": holder, "target": target, "polarity": polarity, "evidence_start": start, "evidence_end": end}


def test_stance_tuple_needs_equal_tuple_and_overlapping_evidence():
    """Gold: (a,t1,favor,0-10) (a,t1,favor,50-60) (b,t2,against,20-30).  Predicted: (a,t1,favor,5-15)
    matches the first; (a,t1,favor,70-80) overlaps no gold evidence; (b,t2,favor,20-30) wrong polarity.
    tuple: 1 of 3 predicted, 3 gold."""
    gold = {"d": [st("a", "t1", "favor", 0, 10), st("a", "t1", "favor", 50, 60), st("b", "t2", "against", 20, 30)]}
    pred = {"d": [st("a", "t1", "favor", 5, 15), st("a", "t1", "favor", 70, 80), st("b", "t2", "favor", 20, 30)]}
    got = stances.score(gold, pred)["tuple"]
    assert (got["correct"], got["predicted"], got["gold"]) == (1, 3, 3)


def test_semeval2016_measure_averages_favor_and_against_f1_on_matched_pairs():
    """Matched holder-target pairs (polarity ignored, evidence overlapping), (predicted, gold):
    (favor, favor), (favor, against), (against, against), (neutral, favor); the (c,t3) prediction has no gold.
    F_favor = 2*1 / (2 predicted favor + 2 gold favor) = 1/2.
    F_against = 2*1 / (1 + 2) = 2/3.  F_avg = (1/2 + 2/3) / 2 = 7/12."""
    gold = {"d": [st("a", "t1", "favor", 0, 9), st("a", "t2", "against", 10, 19), st("b", "t1", "against", 20, 29), st("b", "t2", "favor", 30, 39)]}
    pred = {"d": [
        st("a", "t1", "favor", 0, 9), st("a", "t2", "favor", 10, 19), st("b", "t1", "against", 20, 29),
        st("b", "t2", "neutral", 30, 39), st("c", "t3", "favor", 0, 9),
    ]}
    got = stances.score(gold, pred)["semeval2016"]
    assert got["pairs"] == 4
    assert (got["favor_f1"], got["against_f1"], got["f_avg"]) == pytest.approx((1 / 2, 2 / 3, 7 / 12))


def test_semeval2016_measure_is_undefined_when_a_polarity_occurs_on_neither_side():
    got = stances.score({"d": [st("a", "t1", "favor", 0, 9)]}, {"d": [st("a", "t1", "favor", 0, 9)]})["semeval2016"]
    assert (got["favor_f1"], got["against_f1"], got["f_avg"]) == (1.0, None, None)
