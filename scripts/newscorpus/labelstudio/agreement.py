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

``--between A B`` compares two annotation folders instead (see :func:`between`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path
from typing import Any

from .. import schema
from ..corpus import CorpusError, Layout, atomic_write_text, iter_lines, iter_manifest, read_text
from ..repo import GitError, git
from ..tables import markdown_table
from ..texts import TEXTS
from .client import annotator_of, download_project_tasks, read_export, run_reporting_errors, task_annotations, task_doc_id
from .commands import DOUBLE_TITLE
from .convert import ConversionError, annotation_fields, result_to_records

Record = dict[str, Any]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--export", type=Path, metavar="FILE",
                        help="a Label Studio JSON export (default: export the project from the server)")
    parser.add_argument("--title", default=DOUBLE_TITLE, help="project title on the server (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--between", nargs=2, type=Path, metavar=("A", "B"),
                        help="compare two folders laid out like annotations/ (A is the reference) instead of an export")
    parser.add_argument("--b-guidelines", metavar="REV", help="with --between: the GUIDELINES.md revision B followed, recorded in the output")
    parser.add_argument("--out", type=Path, metavar="FILE", help="with --between: also write the JSON result to FILE")


# --------------------------------------------------------------------------- scores


def _f1(matched: int, a: int, b: int) -> float | None:
    """Span F1 = 2 * matched / (spans of a + spans of b); None when neither side has a span."""
    return None if a + b == 0 else 2 * matched / (a + b)


@dataclass
class SpanCounts:
    """Counts for span F1 of one layer."""
    a: int = 0
    b: int = 0
    exact: int = 0
    overlap: int = 0

    def summary(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "exact_f1": _f1(self.exact, self.a, self.b),
                "overlap_f1": _f1(self.overlap, self.a, self.b)}


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
            "entities": self.entities.summary(),
            "figures": {**self.figures.summary(), "fields_agree": None if matched == 0 else self.figure_fields_agree / matched},
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
    keys_a, keys_b = (Counter((r[span.start], r[span.end], same(r)) for r in side) for side in (a, b))
    exact = sum((keys_a & keys_b).values())
    free = sorted(a, key=lambda r: (r[span.start], r[span.end]))
    overlap = 0
    for rb in sorted(b, key=lambda r: (r[span.start], r[span.end])):
        ra = next((ra for ra in free if same(ra) == same(rb)
                   and _overlap(ra[span.start], ra[span.end], rb[span.start], rb[span.end])), None)
        if ra is not None:
            free.remove(ra)
            overlap += 1
    return exact, overlap


def _figure_fields_agree(a: list[Record], b: list[Record]) -> int:
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
    if args.between is not None:
        return run_between(args)

    return run_reporting_errors(lambda: _run(args), ConversionError)


def _run(args: argparse.Namespace) -> int:
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


# --------------------------------------------------------------------------- two annotation folders


def read_folder(folder: Path, texts: dict[str, str]) -> tuple[list[Record], dict[str, dict[str, list[Record]]]]:
    """(entity table, layer name -> doc_id -> records) of a folder laid out like annotations/.

    ``texts`` maps each doc_id to compare to its text.  A missing file is an empty layer.  Every
    record is checked as ``newscorpus evaluate`` checks a prediction (required fields, types,
    labels, offsets within the text, span text equal to the text), and must also have what this
    comparison reads (entity table: ``entity_id`` and ``name``; mentions: ``entity_id``); the first
    bad line raises ``CorpusError`` naming file, line and reason.
    """
    from ..evaluate.predictions import check_record

    def read(path: Path, shape: schema.RecordShape | None, text: str, required: tuple[str, ...]) -> list[Record]:
        records = []
        for line in iter_lines(path):
            if line.record is None:
                raise CorpusError(f"{path}:{line.no}: {line.error}")
            reasons = [f"missing required field {k!r}" for k in required if line.record.get(k) is None]
            reasons += check_record(shape, line.record, text) if shape is not None else []
            if reasons:
                raise CorpusError(f"{path}:{line.no}: {'; '.join(reasons)}")
            records.append(line.record)
        return records

    if not folder.is_dir():
        raise CorpusError(f"{folder}: not a folder")
    table = read(folder / f"{schema.ENTITY.name}.jsonl", None, "", ("entity_id", "name"))
    layers = {
        shape.name: {d: read(folder / shape.name / f"{d}.jsonl", shape, text, ("entity_id",) if shape is schema.ENTITY_MENTION else ())
                     for d, text in texts.items()}
        for shape in schema.ANNOTATION_LAYERS
    }
    return table, layers


def entity_mapping(a_table: list[Record], a_mentions: dict[str, list[Record]],
                   b_table: list[Record], b_mentions: dict[str, list[Record]]) -> dict[str, dict[str, Any]]:
    """B's entity id -> {"to": A's entity id or None, "by": how it was decided}.

    1. ``nam-majority``: among B's name (NAM) mentions of the entity whose span (start, end) is
       also a mention span of A in the same document, the entity id A gives most often (ties:
       the one whose table name equals B's, else the smallest id);
    2. ``name``: otherwise, the A entity whose entity-table ``name`` equals B's;
    3. ``none``: otherwise unmapped; its mentions count as wrongly linked and its stances match
       no stance of A.
    """
    votes: dict[str, Counter] = {}
    for doc_id, b_recs in b_mentions.items():
        a_at = {(r["start"], r["end"]): r["entity_id"] for r in a_mentions.get(doc_id, [])}
        for r in b_recs:
            if r.get("mention_type") == schema.NAME_MENTION_TYPE and (r["start"], r["end"]) in a_at:
                votes.setdefault(r["entity_id"], Counter())[a_at[(r["start"], r["end"])]] += 1
    a_by_name = {e["name"]: e["entity_id"] for e in a_table}
    b_ids = sorted({e["entity_id"] for e in b_table} | set(votes))
    b_names = {e["entity_id"]: e.get("name") for e in b_table}
    out: dict[str, dict[str, Any]] = {}
    for b_id in b_ids:
        if b_id in votes:
            top = max(votes[b_id].values())
            best = sorted(a for a, n in votes[b_id].items() if n == top)
            named = a_by_name.get(b_names.get(b_id))
            out[b_id] = {"to": named if named in best else best[0], "by": "nam-majority"}
        elif b_names.get(b_id) in a_by_name:
            out[b_id] = {"to": a_by_name[b_names[b_id]], "by": "name"}
        else:
            out[b_id] = {"to": None, "by": "none"}
    return out


def _mapped(records: list[Record], mapping: dict[str, dict[str, Any]]) -> list[Record]:
    """Copies of B's records with entity ids replaced by A's (an unmapped id becomes ``unmapped:<id>``)."""
    def to(b_id: str) -> str:
        return mapping.get(b_id, {}).get("to") or f"unmapped:{b_id}"

    out = []
    for r in records:
        r = dict(r)
        for key in ("entity_id", "holder_entity_id"):
            if r.get(key) is not None:
                r[key] = to(r[key])
        if r.get("measured_entity_ids") is not None:
            r["measured_entity_ids"] = [to(e) for e in r["measured_entity_ids"]]
        out.append(r)
    return out


def _provenance(layers: dict[str, dict[str, list[Record]]], key: str) -> dict[str, int]:
    """How many records of the layers carry each value of ``key`` (annotator or method)."""
    counts = Counter(r.get(key) for docs in layers.values() for recs in docs.values() for r in recs)
    return dict(sorted(counts.items(), key=lambda kv: str(kv[0])))


def between(root: Path, a: Path, b: Path) -> dict[str, Any]:
    """Agreement of folder ``b`` with folder ``a`` over the documents of ``root``'s manifest.

    The span and polarity scores of :func:`score_pair`, plus the metrics of ``newscorpus evaluate``
    with A as the reference (strict P/R/F1 of entities, figures and stance tuples; coreference with
    entity-linking accuracy).  B's entity ids are first mapped to A's (:func:`entity_mapping`);
    linking, stance holders and figures' measured entities are compared after the mapping.
    """
    from ..evaluate import coreference, entities, figures, stances

    doc_ids = [m[schema.DOCUMENT.id_field] for m in iter_manifest(root)]
    texts = {d: read_text(Layout(root).text_path(d)) for d in doc_ids}
    a_table, a_layers = read_folder(a, texts)
    b_table, b_raw = read_folder(b, texts)
    ent, fig, st = (shape.name for shape in (schema.ENTITY_MENTION, schema.FIGURE, schema.STANCE))
    mapping = entity_mapping(a_table, a_layers[ent], b_table, b_raw[ent])
    b_layers = {name: {d: _mapped(recs, mapping) for d, recs in docs.items()} for name, docs in b_raw.items()}
    pair = PairScores((str(a), str(b)))
    for d in doc_ids:
        score_pair(pair, {n: a_layers[n][d] for n in a_layers}, {n: b_layers[n][d] for n in b_layers})
    def side(folder: Path, table: list[Record], layers: dict[str, dict[str, list[Record]]]) -> dict[str, Any]:
        return {"folder": str(folder), "annotators": _provenance(layers, "annotator"),
                "methods": _provenance(layers, "method"), "entities_in_table": len(table)}

    return {
        "a": side(a, a_table, a_layers),
        "b": side(b, b_table, b_raw),
        "documents": doc_ids,
        "spans_and_polarity": pair.summary(),
        "reference_scores": {
            "entities": entities.strict(a_layers[ent], b_layers[ent]),
            "entities_names": entities.names(a_layers[ent], b_layers[ent]),
            "coreference": coreference.score(a_layers[ent], b_layers[ent], doc_ids),
            "figures": figures.score(a_layers[fig], b_layers[fig]),
            "stances": stances.score(a_layers[st], b_layers[st]),
        },
        "entity_mapping": {
            "method": "B's id -> A's id by majority over B's NAM mentions whose span A also annotates, "
                      "else by equal entity-table name, else unmapped (see entity_mapping)",
            "by": dict(sorted(Counter(m["by"] for m in mapping.values()).items())),
            "changed": {k: v for k, v in mapping.items() if v["to"] != k},
        },
    }


def _guidelines_revision(root: Path) -> str | None:
    try:
        return git(root, "log", "-1", "--format=%H", "--", "annotations/GUIDELINES.md").strip() or None
    except (GitError, OSError):
        return None


def run_between(args: argparse.Namespace) -> int:
    a, b = args.between
    try:
        result = between(Path(args.root), a, b)
    except CorpusError as exc:
        print(f"newscorpus agreement: error: {exc}", file=sys.stderr)
        return 1
    result["date"] = datetime.now(timezone.utc).date().isoformat()
    result["guidelines"] = {"a": _guidelines_revision(Path(args.root)), "b": args.b_guidelines}
    text = json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if args.out is not None:
        atomic_write_text(args.out, text)
    if args.json:
        print(text, end="")
        return 0
    _print_table([result["spans_and_polarity"]])
    ref = result["reference_scores"]
    coref, link = ref["coreference"], ref["coreference"]["linking"]
    print(f"  with {a} as reference: entities F1 {_fmt(ref['entities']['f1'])}, figures F1 {_fmt(ref['figures']['span_kind']['f1'])}, "
          f"stance tuples F1 {_fmt(ref['stances']['tuple']['f1'])}")
    print(f"  coreference MUC {_fmt(coref['muc']['f1'])}  B3 {_fmt(coref['b3']['f1'])}  CEAF-e {_fmt(coref['ceaf_e']['f1'])}  "
          f"CoNLL {_fmt(coref['conll_f1'])}; linking {_fmt(link['accuracy'])} ({link['correct']} of {link['matched']})")
    return 0


def agreement_markdown(result: dict[str, Any] | None) -> str:
    """The figures of an ``agreement --between`` result (``annotations/agreement.json``) as Markdown.

    ``None`` (no result file) says that no agreement study exists.  The prose that must go with
    the figures (who the annotators are, what the figures are not) is ``texts.TEXTS["agreement_caveat"]``.
    """
    if result is None:
        return "No agreement study: `annotations/agreement.json` does not exist.\n"
    s, ref = result["spans_and_polarity"], result["reference_scores"]
    e, f, st, coref = s["entities"], s["figures"], s["stances"], ref["coreference"]
    link, tup, fig = coref["linking"], ref["stances"]["tuple"], ref["figures"]["agreement"]

    def who(side: dict[str, Any]) -> str:
        return ", ".join(f"`{k}` ({n})" for k, n in side["annotators"].items())

    rows = [
        ("entities", "span F1, exact (start, end, label)", _fmt(e["exact_f1"]), f"{e['a']} vs {e['b']} mentions"),
        ("entities", "span F1, overlap (same label)", _fmt(e["overlap_f1"]), ""),
        ("entities", "coreference F1: MUC / B³ / CEAF-e / CoNLL", " / ".join(_fmt(x) for x in (coref["muc"]["f1"], coref["b3"]["f1"], coref["ceaf_e"]["f1"], coref["conll_f1"])), ""),
        ("entities", "entity linking accuracy (second annotator's ids mapped to the reference annotation's)", _fmt(link["accuracy"]), f"{link['correct']} of {link['matched']} exactly matched mentions"),
        ("figures", "span F1, exact (start, end, kind)", _fmt(f["exact_f1"]), f"{f['a']} vs {f['b']} figures"),
        ("figures", "span F1, overlap (same kind)", _fmt(f["overlap_f1"]), ""),
        ("figures", "value / unit / normalized agree", " / ".join(_fmt(fig[k]) for k in ("value", "unit", "normalized")), f"of {fig['matched']} exact matches"),
        ("figures", "every field agrees (also the free-text `measured` and `measured_entity_ids`)", _fmt(f["fields_agree"]), f"of {fig['matched']} exact matches"),
        ("stances", "tuple F1 (holder, target, polarity; evidence overlaps)", _fmt(tup["f1"]), f"{tup['correct']} matched; {tup['gold']} vs {tup['predicted']} stances"),
        ("stances", "polarity Cohen's kappa", _fmt(st["polarity_cohen_kappa"]), f"{st['matched']} stance pairs with the same holder and target and overlapping evidence"),
        ("stances", "polarity Krippendorff's alpha (nominal)", _fmt(st["polarity_krippendorff_alpha"]), "the same pairs"),
    ]
    guidelines = result.get("guidelines") or {}
    head = (
        f"Measured on {result.get('date', 'an unrecorded date')} with `newscorpus agreement --between`, before adjudication: "
        f"the reference annotation (`{result['a']['folder']}`: {who(result['a'])} records) against the second annotation "
        f"(`{result['b']['folder']}`: {who(result['b'])} records), over {len(result['documents'])} documents. "
        f"GUIDELINES.md: the version of commit `{(guidelines.get('a') or 'unknown')[:7]}` for the reference annotation, "
        f"of commit `{(guidelines.get('b') or 'unknown')[:7]}` for the second annotation.\n\n"
    )
    return head + markdown_table(("layer", "measure", "value", "counts"), rows) + "\n" + TEXTS["agreement_caveat"].rstrip("\n") + "\n"
