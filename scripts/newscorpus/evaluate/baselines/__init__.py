"""Reference baselines: each predicts one layer of a split from the train split and the texts.

``BASELINES`` maps a name to (module, what it predicts); each module has
``predict(corpus, doc_ids) -> {layer: {doc_id: [records]}}`` returning records in the
corpus's shapes.  ``write`` lays predictions out like ``annotations/``, so
``newscorpus evaluate`` reads them back exactly as any system's.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ... import schema
from ...corpus import Corpus, write_records

BASELINES: dict[str, tuple[str, str]] = {
    "gazetteer": ("newscorpus.evaluate.baselines.gazetteer", "entities: the train split's names found again as whole words"),
    "figures": ("newscorpus.evaluate.baselines.figures", "figures: rules for numbers, percentages, money, durations, years and dates"),
    "majority-stance": ("newscorpus.evaluate.baselines.stance", "stances: each train holder named in the text, its majority train target, the majority train polarity"),
}

Layers = dict[str, dict[str, list[dict[str, Any]]]]


def predict(name: str, corpus: Corpus, doc_ids: list[str]) -> Layers:
    return importlib.import_module(BASELINES[name][0]).predict(corpus, doc_ids)


def predict_all(corpus: Corpus, doc_ids: list[str]) -> Layers:
    """Every baseline's predictions together (each baseline predicts a different layer)."""
    out: Layers = {}
    for name in BASELINES:
        out.update(predict(name, corpus, doc_ids))
    return out


def write(folder: Path, layers: Layers) -> list[Path]:
    """Write ``folder/<layer>/<doc_id>.jsonl`` per document with predictions; a layer folder is
    created even when it stays empty (an absent folder would mean "layer not predicted")."""
    written = []
    for layer, per_doc in layers.items():
        shape = schema.shape_by_name(layer)
        layer_dir = folder / layer
        layer_dir.mkdir(parents=True, exist_ok=True)
        for doc_id, records in per_doc.items():
            if records:
                path = layer_dir / f"{doc_id}.jsonl"
                write_records(path, shape, records)
                written.append(path)
    return written
