"""Entity mention metrics: strict micro P/R/F1 (all, per label, names only) and SemEval-2013 schemes.

A mention's key is ``(doc_id, start, end, label)``; a predicted mention is correct when its
key equals a gold mention's (each gold mention counts once).  The four SemEval-2013 task 9.1
schemes (strict, exact, partial, type) are nervaluate's, which implements them.
"""

from __future__ import annotations

from typing import Any, Callable

from .. import schema
from .scores import count_equal, prf, ratio, f1

Records = dict[str, list[dict[str, Any]]]
"""doc_id -> records of one layer, for the documents of the split."""

SEMEVAL_SCHEMES: dict[str, str] = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
"""Our scheme name -> nervaluate's (SemEval-2013 calls the last one "type")."""


def _keys(records: Records, keep: Callable[[dict[str, Any]], bool]) -> list[tuple]:
    return [(doc_id, r["start"], r["end"], r["label"]) for doc_id, recs in records.items() for r in recs if keep(r)]


def strict(gold: Records, pred: Records, keep: Callable[[dict[str, Any]], bool] = lambda r: True) -> dict[str, Any]:
    """Micro P/R/F1 of exact ``(doc_id, start, end, label)`` matches over the mentions ``keep`` selects."""
    g, p = _keys(gold, keep), _keys(pred, keep)
    return prf(count_equal(p, g), len(p), len(g))


def per_label(gold: Records, pred: Records) -> dict[str, dict[str, Any]]:
    """``strict`` restricted to one label, for every label (inventory order) in gold or predictions."""
    present = {r["label"] for recs in (*gold.values(), *pred.values()) for r in recs}
    return {label: strict(gold, pred, lambda r, label=label: r["label"] == label) for label in schema.ENTITY_LABELS.names if label in present}


def names(gold: Records, pred: Records) -> dict[str, Any]:
    """``strict`` over name mentions only: gold NAM mentions against predictions whose mention_type is NAM."""
    return strict(gold, pred, lambda r: r.get("mention_type") == schema.NAME_MENTION_TYPE)


def _nervaluate_docs(records: Records, doc_ids: list[str]) -> list[list[dict[str, Any]]]:
    """nervaluate's dict input: per document, spans with INCLUSIVE ends, in text order."""
    return [
        sorted(({"label": r["label"], "start": r["start"], "end": r["end"] - 1} for r in records.get(doc_id, [])), key=lambda e: (e["start"], e["end"], e["label"]))
        for doc_id in doc_ids
    ]


def semeval2013(gold: Records, pred: Records, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The SemEval-2013 task 9.1 schemes from nervaluate's counts (COR, INC, PAR, MIS, SPU).

    precision = (COR + 0.5 PAR) / (COR + INC + PAR + SPU), recall = (COR + 0.5 PAR) /
    (COR + INC + PAR + MIS); PAR is only ever non-zero in ``partial``.
    """
    from nervaluate import Evaluator

    overall = Evaluator(_nervaluate_docs(gold, doc_ids), _nervaluate_docs(pred, doc_ids), tags=schema.ENTITY_LABELS.names, loader="dict").evaluate()["overall"]
    out = {}
    for ours, theirs in SEMEVAL_SCHEMES.items():
        r = overall[theirs]
        credit = r.correct + 0.5 * r.partial
        precision, recall = ratio(credit, r.actual), ratio(credit, r.possible)
        out[ours] = {
            "precision": precision, "recall": recall, "f1": f1(precision, recall),
            "correct": r.correct, "incorrect": r.incorrect, "partial": r.partial, "missed": r.missed, "spurious": r.spurious,
        }
    return out


def score(gold: Records, pred: Records, doc_ids: list[str]) -> dict[str, Any]:
    return {
        "strict": strict(gold, pred),
        "names": names(gold, pred),
        "per_label": per_label(gold, pred),
        "semeval2013": semeval2013(gold, pred, doc_ids),
    }
