"""``newscorpus agreement``: inter-annotator agreement from a Label Studio export.

Label Studio Community has no agreement feature, so it is computed here from
the full JSON export of tasks annotated by several people, for every pair of
annotators over the tasks both annotated:

- entities and figures: span F1, exact (same start, end and label) and overlap
  (overlapping spans with the same label, matched one-to-one, greedily by position);
  for figures also the share of exactly matched figures whose every annotation
  field (value, unit, normalized, measured entities ...) agrees;
- stances: matched when their evidence spans overlap and holder and target agree;
  on matched stances, Cohen's kappa and Krippendorff's alpha (nominal) of polarity.

Every annotation is converted with the strict converter, so a bad export fails
with the task and region named instead of skewing the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from .. import schema
from .commands import DOUBLE_TITLE

Record = dict[str, Any]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--export", type=Path, metavar="FILE",
                        help="a Label Studio JSON export (default: export the project from the server)")
    parser.add_argument("--title", default=DOUBLE_TITLE, help="project title on the server (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")


# --------------------------------------------------------------------------- scores


@dataclass
class SpanCounts:
    """Counts for span F1 of one layer; F1 = 2 * matched / (spans of a + spans of b)."""

    a: int = 0
    b: int = 0
    exact: int = 0
    overlap: int = 0

    @staticmethod
    def _f1(matched: int, a: int, b: int) -> float | None:
        return None if a + b == 0 else 2 * matched / (a + b)

    @property
    def exact_f1(self) -> float | None:
        return self._f1(self.exact, self.a, self.b)

    @property
    def overlap_f1(self) -> float | None:
        return self._f1(self.overlap, self.a, self.b)


@dataclass
class PairScores:
    annotators: tuple[str, str]
    tasks: int = 0
    entities: SpanCounts = field(default_factory=SpanCounts)
    figures: SpanCounts = field(default_factory=SpanCounts)
    figure_fields_agree: int = 0
    polarity_pairs: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        matched = self.figures.exact
        return {
            "annotators": list(self.annotators),
            "tasks": self.tasks,
            "entities": {"a": self.entities.a, "b": self.entities.b,
                         "exact_f1": self.entities.exact_f1, "overlap_f1": self.entities.overlap_f1},
            "figures": {"a": self.figures.a, "b": self.figures.b,
                        "exact_f1": self.figures.exact_f1, "overlap_f1": self.figures.overlap_f1,
                        "fields_agree": None if matched == 0 else self.figure_fields_agree / matched},
            "stances": {"matched": len(self.polarity_pairs),
                        "polarity_cohen_kappa": cohen_kappa(self.polarity_pairs),
                        "polarity_krippendorff_alpha": krippendorff_alpha(self.polarity_pairs)},
        }


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters; None when undefined (no pairs, or chance agreement is certain)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right[k] for k in left) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(pairs: list[tuple[str, str]]) -> float | None:
    """Krippendorff's alpha (nominal) over the matched pairs; None when the data has a single value."""
    import krippendorff
    import numpy as np

    names = schema.POLARITIES.names
    if not pairs or len({v for pair in pairs for v in pair}) < 2:
        return None
    data = np.array([[names.index(a) for a, _ in pairs], [names.index(b) for _, b in pairs]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                    value_domain=list(range(len(names)))))


def _overlap(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _match_spans(a: list[Record], b: list[Record], span: schema.Span, same: Any) -> tuple[int, int]:
    """(exact matches, overlap matches), each one-to-one; ``same`` says which records may match."""
    exact_keys = Counter((r[span.start], r[span.end], same(r)) for r in a)
    exact = 0
    for r in b:
        k = (r[span.start], r[span.end], same(r))
        if exact_keys[k] > 0:
            exact_keys[k] -= 1
            exact += 1
    used: set[int] = set()
    overlap = 0
    for rb in sorted(b, key=lambda r: (r[span.start], r[span.end])):
        for i, ra in enumerate(sorted(a, key=lambda r: (r[span.start], r[span.end]))):
            if i not in used and same(ra) == same(rb) and _overlap(ra[span.start], ra[span.end], rb[span.start], rb[span.end]):
                used.add(i)
                overlap += 1
                break
    return exact, overlap


def _figure_fields_agree(a: list[Record], b: list[Record]) -> int:
    from .convert import annotation_fields

    shape = schema.FIGURE
    span = shape.spans[0]
    fields = [f for f in annotation_fields(shape) if f != shape.id_field]
    index = {(r[span.start], r[span.end], r["kind"]): r for r in a}
    return sum(1 for r in b if (other := index.get((r[span.start], r[span.end], r["kind"]))) is not None
               and all(other[f] == r[f] for f in fields))


def _stance_pairs(a: list[Record], b: list[Record]) -> list[tuple[str, str]]:
    span = schema.STANCE.spans[0]
    pairs, used = [], set()
    for rb in sorted(b, key=lambda r: (r[span.start], r[span.end])):
        candidates = [
            (0 if (ra[span.start], ra[span.end]) == (rb[span.start], rb[span.end]) else 1, i)
            for i, ra in enumerate(a)
            if i not in used and ra["holder_entity_id"] == rb["holder_entity_id"] and ra["target"] == rb["target"]
            and _overlap(ra[span.start], ra[span.end], rb[span.start], rb[span.end])
        ]
        if candidates:
            _, i = min(candidates)
            used.add(i)
            pairs.append((a[i]["polarity"], rb["polarity"]))
    return pairs


def score_pair(pair: PairScores, a: dict[str, list[Record]], b: dict[str, list[Record]]) -> None:
    """Add one task's two annotations to the pair's counts."""
    pair.tasks += 1
    for shape, counts, label in ((schema.ENTITY_MENTION, pair.entities, "label"), (schema.FIGURE, pair.figures, "kind")):
        ra, rb = a[shape.name], b[shape.name]
        exact, overlap = _match_spans(ra, rb, shape.spans[0], lambda r, key=label: r[key])
        counts.a += len(ra)
        counts.b += len(rb)
        counts.exact += exact
        counts.overlap += overlap
    pair.figure_fields_agree += _figure_fields_agree(a[schema.FIGURE.name], b[schema.FIGURE.name])
    pair.polarity_pairs += _stance_pairs(a[schema.STANCE.name], b[schema.STANCE.name])


def agreement(tasks: list[dict[str, Any]]) -> list[PairScores]:
    """Scores for every pair of annotators, pairs in sorted order."""
    from .client import annotator_of, task_annotations, task_doc_id
    from .convert import ConversionError, result_to_records

    pairs: dict[tuple[str, str], PairScores] = {}
    for task in tasks:
        doc_id = task_doc_id(task)
        text = task["data"].get("text")
        if not isinstance(text, str):
            raise ConversionError(doc_id, None, "the task has no text")
        per_annotator: dict[str, dict[str, list[Record]]] = {}
        for annotation in task_annotations(task):
            who = annotator_of(annotation)
            if who in per_annotator:
                raise ConversionError(doc_id, None, f"{who} has several annotations on this task; keep one")
            per_annotator[who] = result_to_records(doc_id, text, annotation.get("result"))
        for x, y in combinations(sorted(per_annotator), 2):
            pair = pairs.setdefault((x, y), PairScores((x, y)))
            score_pair(pair, per_annotator[x], per_annotator[y])
    return [pairs[k] for k in sorted(pairs)]


# --------------------------------------------------------------------------- command


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _print_table(results: list[dict[str, Any]]) -> None:
    for r in results:
        a, b = r["annotators"]
        e, f, s = r["entities"], r["figures"], r["stances"]
        print(f"{a} vs {b}: {r['tasks']} tasks")
        print(f"  entities  F1 exact {_fmt(e['exact_f1'])}  overlap {_fmt(e['overlap_f1'])}  ({e['a']} vs {e['b']} spans)")
        print(f"  figures   F1 exact {_fmt(f['exact_f1'])}  overlap {_fmt(f['overlap_f1'])}  ({f['a']} vs {f['b']} spans); "
              f"all fields agree on {_fmt(f['fields_agree'])} of exact matches")
        print(f"  stances   {s['matched']} matched; polarity kappa {_fmt(s['polarity_cohen_kappa'])}  "
              f"alpha {_fmt(s['polarity_krippendorff_alpha'])}")


def run(args: argparse.Namespace) -> int:
    from .client import run_reporting_errors
    from .convert import ConversionError

    return run_reporting_errors(lambda: _run(args), ConversionError)


def _run(args: argparse.Namespace) -> int:
    from .client import download_project_tasks, read_export

    if args.export is not None:
        tasks = list(read_export(args.export))
    else:
        _, _, tasks = download_project_tasks(args.title)
    results = [p.summary() for p in agreement(tasks)]
    if not results:
        print("no task has annotations by two or more annotators; nothing to compare", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        _print_table(results)
    return 0
