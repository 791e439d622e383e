"""Arithmetic every layer's scorer shares: ratios, precision/recall/F1 and one-to-one matching.

An undefined ratio (denominator 0) is ``None``, never 0 or 1; F1 is 0 when exactly one of
precision and recall is undefined and ``None`` when both are (``definitions.RULES``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Hashable, Sequence, TypeVar

T = TypeVar("T")

Records = dict[str, list[dict[str, Any]]]
"""doc_id -> records of one layer, for the documents of the split."""


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None if precision is None and recall is None else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(correct: int, predicted: int, gold: int) -> dict[str, Any]:
    """Micro precision/recall/F1 from counts: ``correct`` of ``predicted`` against ``gold``."""
    precision, recall = ratio(correct, predicted), ratio(correct, gold)
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall), "correct": correct, "predicted": predicted, "gold": gold}


def flatten(records: Records) -> list[tuple[str, dict[str, Any]]]:
    """(doc_id, record) for every record of a layer given per document."""
    return [(doc_id, r) for doc_id, recs in records.items() for r in recs]


def spans_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Two half-open spans ``[start, end)`` share at least one character."""
    return a_start < b_end and b_start < a_end


def best_pairs(predicted: Sequence[T], gold: Sequence[T], compatible: Callable[[T, T], bool]) -> list[tuple[T, T]]:
    """A largest set of (predicted, gold) pairs, each item in at most one pair, every pair compatible.

    Maximum bipartite matching (scipy's ``linear_sum_assignment`` on the 0/1 compatibility
    matrix), so the count does not depend on the order of the records.
    """
    if not predicted or not gold:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    allowed = np.array([[compatible(p, g) for g in gold] for p in predicted], dtype=bool)
    rows, cols = linear_sum_assignment(allowed, maximize=True)
    return [(predicted[i], gold[j]) for i, j in zip(rows, cols) if allowed[i, j]]


def best_pairs_by_key(
    predicted: Sequence[T], gold: Sequence[T], key: Callable[[T], Hashable], compatible: Callable[[T, T], bool]
) -> list[tuple[T, T]]:
    """``best_pairs`` within groups of equal ``key`` (a pair's two items always have the same key)."""
    groups: dict[Hashable, tuple[list[T], list[T]]] = defaultdict(lambda: ([], []))
    for side, items in enumerate((predicted, gold)):
        for item in items:
            groups[key(item)][side].append(item)
    return [pair for p, g in groups.values() for pair in best_pairs(p, g, compatible)]
