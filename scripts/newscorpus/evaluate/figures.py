"""Figure metrics ``span_kind``, ``span_overlap`` and ``agreement``, as ``definitions.METRICS`` defines them."""

from __future__ import annotations

import math
from typing import Any

from .scores import Records, best_pairs_by_key, flatten, prf, ratio, spans_overlap

VALUE_FIELDS = ("value", "value_low", "value_high")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)
    return a == b


def agreement(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    def share(fields: tuple[str, ...]) -> float | None:
        return ratio(sum(all(_same(p.get(f), g.get(f)) for f in fields) for p, g in pairs), len(pairs))

    return {"matched": len(pairs), "value": share(VALUE_FIELDS), "unit": share(("unit",)), "normalized": share(("normalized",))}


def score(gold: Records, pred: Records) -> dict[str, Any]:
    g, p = flatten(gold), flatten(pred)
    exact = best_pairs_by_key(p, g, lambda i: (i[0], i[1]["start"], i[1]["end"], i[1]["kind"]), lambda a, b: True)
    overlaps = lambda a, b: spans_overlap(a[1]["start"], a[1]["end"], b[1]["start"], b[1]["end"])
    overlapping = best_pairs_by_key(p, g, lambda item: item[0], overlaps)
    return {
        "span_kind": prf(len(exact), len(p), len(g)),
        "span_overlap": prf(len(overlapping), len(p), len(g)),
        "agreement": agreement([(a[1], b[1]) for a, b in exact]),
    }
