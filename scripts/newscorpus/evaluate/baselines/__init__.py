"""Reference baselines: each predicts one layer of a split from the train split and the texts.

``BASELINES`` maps a name to (its ``predict(corpus, doc_ids) -> {layer: {doc_id: [records]}}``,
what it predicts); records are in the corpus's shapes.  ``write`` lays predictions out like
``annotations/``, so ``newscorpus evaluate`` reads them back exactly as any system's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ... import schema
from ...corpus import Corpus, write_records
from ..scores import Records
from . import figures, gazetteer, stance

Layers = dict[str, Records]

BASELINES: dict[str, tuple[Callable[[Corpus, list[str]], Layers], str]] = {
    "gazetteer": (gazetteer.predict, "entities: the train split's names found again as whole words"),
    "figures": (figures.predict, "figures: rules for numbers, percentages, money, durations, years and dates"),
    "majority-stance": (stance.predict, "stances: each train holder named in the text, its majority train target, the majority train polarity"),
}


def predict_all(corpus: Corpus, doc_ids: list[str]) -> Layers:
    """Every baseline's predictions together (each baseline predicts a different layer)."""
    return {layer: per_doc for predict, _ in BASELINES.values() for layer, per_doc in predict(corpus, doc_ids).items()}


def write(folder: Path, layers: Layers) -> list[Path]:
    """Write ``folder/<layer>/<doc_id>.jsonl`` per document with predictions; a layer folder is
    created even when it stays empty (an absent folder would mean "layer not predicted")."""
    written = []
    for layer, per_doc in layers.items():
        (folder / layer).mkdir(parents=True, exist_ok=True)
        for doc_id, records in per_doc.items():
            if records:
                path = folder / layer / f"{doc_id}.jsonl"
                write_records(path, schema.shape_by_name(layer), records)
                written.append(path)
    return written
