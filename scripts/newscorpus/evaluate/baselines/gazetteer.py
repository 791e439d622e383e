"""Gazetteer baseline: the names of the train split, found again as whole words.

Every name mention (mention type NAM) of the train split gives a name form, its text exactly
as written, with the (label, entity_id) it carries most often (ties: the first seen in
manifest and file order).  In each document to predict, every occurrence of a form that is a
whole word (no letter, digit or underscore right before or after) becomes a NAM mention with
that label and entity id; where forms overlap, the leftmost wins, then the longest.  Matching is
case-sensitive.  Nothing else is predicted: no NOM or PRO mentions, no figures, no stances.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ... import schema
from ...corpus import Corpus

def train_names(corpus: Corpus) -> dict[str, tuple[str, str]]:
    """Name form -> (label, entity_id) from the train split's NAM mentions, most frequent pair."""
    counts: dict[str, Counter] = {}
    for doc_id in corpus.split_doc_ids().get(schema.TRAIN_SPLIT, []):
        for m in corpus.records(schema.ENTITY_MENTION, doc_id):
            if m["mention_type"] == schema.NAME_MENTION_TYPE:
                counts.setdefault(m["text"], Counter())[(m["label"], m["entity_id"])] += 1
    return {form: c.most_common(1)[0][0] for form, c in counts.items()}


def find_names(text: str, forms: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, form) of every whole-word occurrence, leftmost first, longest at a position."""
    if not forms:
        return []
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def predict(corpus: Corpus, doc_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    names = train_names(corpus)
    out: dict[str, list[dict[str, Any]]] = {}
    for doc_id in doc_ids:
        text = corpus.texts[doc_id]
        out[doc_id] = [
            {
                "mention_id": f"m-{i:03d}", "start": start, "end": end, "text": form, "label": names[form][0],
                "mention_type": schema.NAME_MENTION_TYPE, "entity_id": names[form][1],
            }
            for i, (start, end, form) in enumerate(find_names(text, list(names)), start=1)
        ]
    return {schema.ENTITY_MENTION.name: out}
