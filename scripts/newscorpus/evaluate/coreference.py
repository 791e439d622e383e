"""Coreference (MUC, B³, CEAF-e, CoNLL-2012 mean) and entity linking accuracy, as ``definitions.METRICS`` defines them.

Metrics follow the CoNLL-2012 reference scorer (Pradhan et al. 2014), which also keeps the first
of two predicted mentions with the same span; counts are summed over documents before dividing:

- MUC: recall = Σ_K (|K| - |p(K)|) / Σ_K (|K| - 1), p(K) the parts of key cluster K cut by
  the response clusters (a mention missing from the response is a part of its own);
  precision swaps key and response.
- B³: recall = Σ_K Σ_R |K∩R|² / |K| over all key mentions / number of key mentions;
  precision swaps key and response.
- CEAF-e: φ(K, R) = 2|K∩R| / (|K| + |R|); the best one-to-one alignment of key and response
  clusters (Kuhn-Munkres) gives Φ; recall = Φ / number of key clusters, precision = Φ /
  number of response clusters.
- CoNLL = the mean of the three F1s.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Hashable, Iterable

from .scores import f1, ratio

Cluster = frozenset
Mention = tuple[int, int]


def clusters(records: Iterable[dict[str, Any]]) -> list[Cluster]:
    """Mentions grouped by entity_id, first occurrence of a span winning; no entity_id: alone."""
    seen: set[Mention] = set()
    groups: dict[Hashable, set[Mention]] = {}
    for i, r in enumerate(records):
        span = (r["start"], r["end"])
        if span not in seen:
            seen.add(span)
            groups.setdefault(("alone", i) if r.get("entity_id") is None else ("id", r["entity_id"]), set()).add(span)
    return [frozenset(g) for g in groups.values()]


def _owner(partition: list[Cluster]) -> dict[Mention, int]:
    return {m: i for i, c in enumerate(partition) for m in c}


def muc_counts(key: list[Cluster], response: list[Cluster]) -> tuple[int, int]:
    """MUC recall numerator and denominator of ``key`` against ``response`` (swap for precision)."""
    owner = _owner(response)
    numerator = sum(len(k) - len({owner.get(m, ("missing", m)) for m in k}) for k in key)
    return numerator, sum(len(k) - 1 for k in key)


def b3_counts(key: list[Cluster], response: list[Cluster]) -> tuple[float, int]:
    """B³ recall numerator and denominator of ``key`` against ``response`` (swap for precision)."""
    owner = _owner(response)
    numerator = sum(sum(n * n for n in Counter(owner[m] for m in k if m in owner).values()) / len(k) for k in key)
    return numerator, sum(len(k) for k in key)


def ceafe_similarity(key: list[Cluster], response: list[Cluster]) -> float:
    """Φ: the total φ4 similarity of the best one-to-one alignment of key and response clusters."""
    if not key or not response:
        return 0.0
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    phi = np.array([[2 * len(k & r) / (len(k) + len(r)) for r in response] for k in key])
    rows, cols = linear_sum_assignment(phi, maximize=True)
    return float(phi[rows, cols].sum())


def _metric(recall: list[tuple[float, int]], precision: list[tuple[float, int]]) -> dict[str, Any]:
    """P/R/F1 from per-document (numerator, denominator) pairs, summed over documents before dividing."""
    r = ratio(sum(num for num, _ in recall), sum(den for _, den in recall))
    p = ratio(sum(num for num, _ in precision), sum(den for _, den in precision))
    return {"precision": p, "recall": r, "f1": f1(p, r)}


def coreference(documents: Iterable[tuple[list[Cluster], list[Cluster]]]) -> dict[str, Any]:
    """MUC, B³, CEAF-e and the CoNLL mean over (key clusters, response clusters) per document."""
    docs = list(documents)
    phis = [ceafe_similarity(key, response) for key, response in docs]
    out = {
        "muc": _metric([muc_counts(k, r) for k, r in docs], [muc_counts(r, k) for k, r in docs]),
        "b3": _metric([b3_counts(k, r) for k, r in docs], [b3_counts(r, k) for k, r in docs]),
        "ceaf_e": _metric([(phi, len(k)) for phi, (k, _) in zip(phis, docs)], [(phi, len(r)) for phi, (_, r) in zip(phis, docs)]),
    }
    f1s = [out[name]["f1"] for name in ("muc", "b3", "ceaf_e")]
    out["conll_f1"] = None if None in f1s else sum(f1s) / 3
    return out


def linking(gold: dict[str, list[dict[str, Any]]], pred: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Share of strictly matched mentions (same doc_id, start, end, label; each gold mention matched at most
    once, in file order) whose entity_id equals gold's; a prediction without entity_id counts as wrong."""
    correct = matched = 0
    for doc_id, golds in gold.items():
        by_key: dict[tuple, list[Any]] = {}
        for g in golds:
            by_key.setdefault((g["start"], g["end"], g["label"]), []).append(g["entity_id"])
        for p in pred.get(doc_id, []):
            waiting = by_key.get((p["start"], p["end"], p["label"]))
            if waiting:
                matched += 1
                correct += p.get("entity_id") == waiting.pop(0)
    return {"accuracy": ratio(correct, matched), "correct": correct, "matched": matched}


def score(gold: dict[str, list[dict[str, Any]]], pred: dict[str, list[dict[str, Any]]], doc_ids: list[str]) -> dict[str, Any]:
    out = coreference((clusters(gold.get(d, [])), clusters(pred.get(d, []))) for d in doc_ids)
    out["linking"] = linking(gold, pred)
    return out
