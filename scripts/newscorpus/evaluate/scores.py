"""Arithmetic every layer's scorer shares: ratios, precision/recall/F1 and one-to-one matching.

A ratio whose denominator is 0 is undefined and returned as ``None`` (JSON ``null``), never
guessed as 0 or 1.  F1 is the harmonic mean of precision and recall; it is 0 when one of them
is undefined and the other is defined (one side is empty, the other is not), and ``None`` only
when both are undefined (nothing predicted and nothing to find).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Callable, Hashable, Iterable, Sequence, TypeVar

T = TypeVar("T")
U = TypeVar("U")


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None and recall is None:
        return None
    if precision is None or recall is None:
        return 0.0
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def prf(correct: int, predicted: int, gold: int) -> dict[str, Any]:
    """Micro precision/recall/F1 from counts: ``correct`` of ``predicted`` against ``gold``."""
    precision, recall = ratio(correct, predicted), ratio(correct, gold)
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall), "correct": correct, "predicted": predicted, "gold": gold}


def flatten(records: dict[str, list[dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """(doc_id, record) for every record of a layer given per document."""
    return [(doc_id, r) for doc_id, recs in records.items() for r in recs]


def count_equal(predicted: Iterable[Hashable], gold: Iterable[Hashable]) -> int:
    """How many predicted keys equal a gold key, each gold key used at most once (multiset overlap)."""
    return sum((Counter(predicted) & Counter(gold)).values())


def spans_overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Two half-open spans ``[start, end)`` share at least one character."""
    return a_start < b_end and b_start < a_end


def best_pairs(predicted: Sequence[T], gold: Sequence[U], compatible: Callable[[T, U], bool]) -> list[tuple[T, U]]:
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
    predicted: Iterable[T], gold: Iterable[U], key_p: Callable[[T], Hashable], key_g: Callable[[U], Hashable], compatible: Callable[[T, U], bool]
) -> list[tuple[T, U]]:
    """``best_pairs`` within groups of equal key (a pair's two items always have the same key)."""
    groups_p: dict[Hashable, list[T]] = defaultdict(list)
    groups_g: dict[Hashable, list[U]] = defaultdict(list)
    for item in predicted:
        groups_p[key_p(item)].append(item)
    for item in gold:
        groups_g[key_g(item)].append(item)
    pairs: list[tuple[T, U]] = []
    for key, items in groups_p.items():
        pairs += best_pairs(items, groups_g.get(key, []), compatible)
    return pairs
