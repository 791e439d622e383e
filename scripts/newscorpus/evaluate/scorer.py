"""Scores of one split's predictions against its gold, and their text rendering.

``score`` is the one entry point (``evaluate`` and the docs' baseline table), so a number in README
is the number ``newscorpus evaluate`` prints.  A layer without predictions is ``None`` in the
result; ``coreference`` follows ``entities``.
"""

from __future__ import annotations

from typing import Any

from .. import schema
from ..corpus import Corpus, CorpusError
from ..tables import text_table
from . import coreference, entities, figures, stances
from .predictions import LAYERS
from .scores import Records

ENTITIES, FIGURES, STANCES = (shape.name for shape in LAYERS)


def split_texts(corpus: Corpus, split: str) -> dict[str, str]:
    """doc_id -> text of the documents of ``split``, manifest order; CorpusError when there are none."""
    if split not in schema.SPLITS:
        raise CorpusError(f"unknown split {split!r} (known: {', '.join(schema.SPLITS.names)})")
    doc_ids = corpus.split_doc_ids().get(split)
    if not doc_ids:
        raise CorpusError(f"the split {split!r} has no documents in {corpus.layout.manifest_path}")
    return {doc_id: corpus.texts[doc_id] for doc_id in doc_ids}


def score(corpus: Corpus, split: str, predicted: dict[str, Records]) -> dict[str, Any]:
    """Every metric of every predicted layer on ``split``; keys as documented in README."""
    doc_ids = list(split_texts(corpus, split))
    gold = {shape.name: {d: corpus.records(shape, d) for d in doc_ids} for shape in LAYERS}
    pred = {name: {d: predicted[name].get(d, []) for d in doc_ids} for name in predicted}
    out: dict[str, Any] = {"split": split, "documents": len(doc_ids)}
    out[ENTITIES] = entities.score(gold[ENTITIES], pred[ENTITIES], doc_ids) if ENTITIES in pred else None
    out["coreference"] = coreference.score(gold[ENTITIES], pred[ENTITIES], doc_ids) if ENTITIES in pred else None
    out[FIGURES] = figures.score(gold[FIGURES], pred[FIGURES]) if FIGURES in pred else None
    out[STANCES] = stances.score(gold[STANCES], pred[STANCES]) if STANCES in pred else None
    return out


def number(value: float | None) -> str:
    """A score as shown in tables: three decimals, or an en dash when undefined."""
    return "–" if value is None else f"{value:.3f}"


def score_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(metric, precision, recall, F1, counts) rows of every scored layer, in report order."""
    rows: list[tuple[str, str, str, str, str]] = []

    def add(name: str, s: dict[str, Any], counts: str = "") -> None:
        if not counts and "correct" in s:
            counts = f"{s['correct']} of {s['predicted']} predicted, {s['gold']} gold"
        rows.append((name, number(s["precision"]), number(s["recall"]), number(s["f1"]), counts))

    if (ent := result.get(ENTITIES)) is not None:
        add("entities.strict", ent["strict"])
        add("entities.names", ent["names"])
        for label, s in ent["per_label"].items():
            add(f"entities.per_label.{label}", s)
        for scheme, s in ent["semeval2013"].items():
            add(f"entities.semeval2013.{scheme}", s, f"COR {s['correct']} INC {s['incorrect']} PAR {s['partial']} MIS {s['missed']} SPU {s['spurious']}")
    if (coref := result.get("coreference")) is not None:
        for name in ("muc", "b3", "ceaf_e"):
            add(f"coreference.{name}", coref[name])
        rows.append(("coreference.conll_f1", "", "", number(coref["conll_f1"]), "mean of the three F1s"))
        link = coref["linking"]
        rows.append(("coreference.linking", "", "", number(link["accuracy"]), f"accuracy: {link['correct']} of {link['matched']} strictly matched mentions"))
    if (fig := result.get(FIGURES)) is not None:
        add("figures.span_kind", fig["span_kind"])
        add("figures.span_overlap", fig["span_overlap"])
        agree = fig["agreement"]
        for name in ("value", "unit", "normalized"):
            rows.append((f"figures.agreement.{name}", "", "", number(agree[name]), f"share of {agree['matched']} span_kind matches"))
    if (st := result.get(STANCES)) is not None:
        add("stances.tuple", st["tuple"])
        sem = st["semeval2016"]
        rows.append(("stances.semeval2016", "", "", number(sem["f_avg"]), f"F_favor {number(sem['favor_f1'])}, F_against {number(sem['against_f1'])} on {sem['pairs']} matched pairs"))
    return rows


def render_text(result: dict[str, Any]) -> str:
    """The scores as a text table, then the layers left unscored."""
    title = f"Scores on {result['split']} ({result['documents']} documents)"
    text = text_table(title, ("metric", "precision", "recall", "F1", "counts"), score_rows(result))
    skipped = [name for name in (ENTITIES, FIGURES, STANCES) if result.get(name) is None]
    return text + (f"not scored (no predictions folder): {', '.join(skipped)}\n" if skipped else "")
