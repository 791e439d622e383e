"""Entity mention metrics ``strict``, ``names``, ``per_label`` and ``semeval2013`` (computed by nervaluate).

``definitions.METRICS`` defines each of them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

from .. import schema
from .scores import Records, f1, prf, ratio

SEMEVAL_SCHEMES: dict[str, str] = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
"""Our scheme name -> nervaluate's (SemEval-2013 calls the last one "type")."""


def _keys(records: Records, keep: Callable[[dict[str, Any]], bool]) -> list[tuple]:
    return [(doc_id, r["start"], r["end"], r["label"]) for doc_id, recs in records.items() for r in recs if keep(r)]


def strict(gold: Records, pred: Records, keep: Callable[[dict[str, Any]], bool] = lambda r: True) -> dict[str, Any]:
    """Micro P/R/F1 of exact ``(doc_id, start, end, label)`` matches over the mentions ``keep`` selects."""
    g, p = _keys(gold, keep), _keys(pred, keep)
    return prf(sum((Counter(p) & Counter(g)).values()), len(p), len(g))


def per_label(gold: Records, pred: Records) -> dict[str, dict[str, Any]]:
    """``strict`` restricted to one label, for every label (inventory order) in gold or predictions."""
    present = {r["label"] for recs in (*gold.values(), *pred.values()) for r in recs}
    labels = [label for label in schema.ENTITY_LABELS.names if label in present]
    return {label: strict(gold, pred, lambda r, label=label: r["label"] == label) for label in labels}


def names(gold: Records, pred: Records) -> dict[str, Any]:
    """``strict`` over name mentions only: gold NAM mentions against predictions whose mention_type is NAM."""
    return strict(gold, pred, lambda r: r.get("mention_type") == schema.NAME_MENTION_TYPE)


def _nervaluate_docs(records: Records, doc_ids: list[str]) -> list[list[dict[str, Any]]]:
    """nervaluate's dict input: per document, spans with INCLUSIVE ends, in text order."""
    spans = ([{"label": r["label"], "start": r["start"], "end": r["end"] - 1} for r in records.get(d, [])] for d in doc_ids)
    return [sorted(s, key=lambda e: (e["start"], e["end"], e["label"])) for s in spans]


def semeval2013(gold: Records, pred: Records, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The SemEval-2013 task 9.1 schemes from nervaluate's counts (COR, INC, PAR, MIS, SPU), P and R as METRICS says."""
    from nervaluate import Evaluator

    true, predicted = _nervaluate_docs(gold, doc_ids), _nervaluate_docs(pred, doc_ids)
    overall = Evaluator(true, predicted, tags=schema.ENTITY_LABELS.names, loader="dict").evaluate()["overall"]
    out = {}
    for ours, theirs in SEMEVAL_SCHEMES.items():
        c = overall[theirs]
        precision, recall = ratio(c.correct + 0.5 * c.partial, c.actual), ratio(c.correct + 0.5 * c.partial, c.possible)
        counts = {name: getattr(c, name) for name in ("correct", "incorrect", "partial", "missed", "spurious")}
        out[ours] = {"precision": precision, "recall": recall, "f1": f1(precision, recall), **counts}
    return out


def score(gold: Records, pred: Records, doc_ids: list[str]) -> dict[str, Any]:
    return {
        "strict": strict(gold, pred),
        "names": names(gold, pred),
        "per_label": per_label(gold, pred),
        "semeval2013": semeval2013(gold, pred, doc_ids),
    }
