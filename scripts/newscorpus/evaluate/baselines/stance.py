"""Majority-class stance baseline.

From the train split: the most frequent polarity of all stances, and for each stance holder
the target it holds stances on most often (ties: the earlier in the schema's target
inventory).  In each document to predict, every train holder with a name form (a train NAM
mention's text, see ``gazetteer``) occurring in the text as a whole word gets exactly one stance:
(that holder, its most frequent train target, the majority polarity), with the whole document
text as evidence, since the baseline does not locate evidence.  Nothing is predicted for
holders never seen holding a stance in train.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ... import schema
from ...corpus import Corpus
from .gazetteer import find_names, train_names


def _most_common(counts: Counter, order: list[str]) -> str:
    """The most frequent key; ties go to the key earlier in ``order``."""
    return min(counts, key=lambda k: (-counts[k], order.index(k)))


def train_majorities(corpus: Corpus) -> tuple[str | None, dict[str, str]]:
    """(majority polarity or None without train stances, holder entity id -> majority target)."""
    polarities: Counter = Counter()
    targets: dict[str, Counter] = {}
    for doc_id in corpus.split_doc_ids().get(schema.TRAIN_SPLIT, []):
        for s in corpus.records(schema.STANCE, doc_id):
            polarities[s["polarity"]] += 1
            targets.setdefault(s["holder_entity_id"], Counter())[s["target"]] += 1
    polarity = _most_common(polarities, schema.POLARITIES.names) if polarities else None
    return polarity, {holder: _most_common(c, schema.STANCE_TARGETS.names) for holder, c in targets.items()}


def predict(corpus: Corpus, doc_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    polarity, target_of = train_majorities(corpus)
    names = train_names(corpus)
    forms = [form for form, (_, entity_id) in names.items() if entity_id in target_of]
    out: dict[str, list[dict[str, Any]]] = {}
    for doc_id in doc_ids:
        text = corpus.texts[doc_id]
        holders = list(dict.fromkeys(names[form][1] for _, _, form in find_names(text, forms)))
        out[doc_id] = [
            {
                "stance_id": f"s-{i:03d}", "holder_entity_id": holder, "target": target_of[holder], "polarity": polarity,
                "evidence_start": 0, "evidence_end": len(text),
            }
            for i, holder in enumerate(holders if polarity is not None and text else [], start=1)
        ]
    return {schema.STANCE.name: out}
