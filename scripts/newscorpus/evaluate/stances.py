"""Stance metrics ``tuple`` and ``semeval2016`` (SemEval-2016 task 6), as ``definitions.METRICS`` defines them."""

from __future__ import annotations

from typing import Any

from .. import schema
from .scores import Records, best_pairs_by_key, flatten, f1, prf, ratio, spans_overlap


def _evidence_overlaps(a: tuple[str, dict[str, Any]], b: tuple[str, dict[str, Any]]) -> bool:
    return spans_overlap(a[1]["evidence_start"], a[1]["evidence_end"], b[1]["evidence_start"], b[1]["evidence_end"])


def _pair_key(item: tuple[str, dict[str, Any]]) -> tuple:
    doc_id, r = item
    return (doc_id, r["holder_entity_id"], r["target"])


def _tuple_key(item: tuple[str, dict[str, Any]]) -> tuple:
    return (*_pair_key(item), item[1]["polarity"])


def polarity_f1(pairs: list[tuple[str, str]], polarity: str) -> float | None:
    """F1 of one polarity over (predicted, gold) polarity pairs; None when neither side has it."""
    both = sum(p == g == polarity for p, g in pairs)
    predicted, gold = sum(p == polarity for p, _ in pairs), sum(g == polarity for _, g in pairs)
    return f1(ratio(both, predicted), ratio(both, gold))


def score(gold: Records, pred: Records) -> dict[str, Any]:
    g, p = flatten(gold), flatten(pred)
    tuples = best_pairs_by_key(p, g, _tuple_key, _evidence_overlaps)
    pairs = [(a[1]["polarity"], b[1]["polarity"]) for a, b in best_pairs_by_key(p, g, _pair_key, _evidence_overlaps)]
    favor, against = polarity_f1(pairs, schema.FAVOR_POLARITY), polarity_f1(pairs, schema.AGAINST_POLARITY)
    return {
        "tuple": prf(len(tuples), len(p), len(g)),
        "semeval2016": {
            "f_avg": None if favor is None or against is None else (favor + against) / 2,
            "favor_f1": favor,
            "against_f1": against,
            "pairs": len(pairs),
        },
    }
