"""A tiny corpus root for the scorer tests (imported by conftest.py and the tests): one train and one test document.

Label names, ids and offsets here are fixture DATA.  Offsets are computed from the texts, so
every span's text equals text[start:end].
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TRAIN_TEXT = "Vladimir Putin met Narendra Modi in New Delhi. Putin praised India and he smiled."
TEST_TEXT = "Narendra Modi hosted Vladimir Putin in New Delhi on 5 December 2025. Modi said he wants 50% more trade with Russia."

PROV = {"annotator": "fixture", "method": "synthetic"}


def span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def mention(mid: str, text: str, part: str, label: str, mtype: str, entity_id: str, nth: int = 0) -> dict[str, Any]:
    start, end = span(text, part, nth)
    return {"mention_id": mid, "start": start, "end": end, "text": part, "label": label, "mention_type": mtype, "entity_id": entity_id, **PROV}


def figure(fid: str, text: str, part: str, kind: str, *, value=None, unit=None, normalized=None) -> dict[str, Any]:
    start, end = span(text, part)
    return {
        "figure_id": fid, "start": start, "end": end, "text": part, "kind": kind, "value": value, "value_low": None, "value_high": None,
        "unit": unit, "normalized": normalized, "approximate": False, "measured": "fixture", "measured_entity_ids": [], **PROV,
    }


def stance(sid: str, text: str, evidence: str, holder: str, target: str, polarity: str) -> dict[str, Any]:
    start, end = span(text, evidence)
    return {
        "stance_id": sid, "holder_entity_id": holder, "target": target, "polarity": polarity,
        "evidence_start": start, "evidence_end": end, "evidence_text": evidence, "attribution": "reported_speech", **PROV,
    }


ENTITY_TABLE = [
    {"entity_id": e, "name": n, "label": l, "description": "fixture", **PROV}
    for e, n, l in (
        ("vladimir-putin", "Vladimir Putin", "PERSON"), ("narendra-modi", "Narendra Modi", "PERSON"),
        ("new-delhi", "New Delhi", "GPE"), ("india", "India", "GPE"), ("russia", "Russia", "GPE"),
    )
]
TRAIN_ENTITIES = [
    mention("m-001", TRAIN_TEXT, "Vladimir Putin", "PERSON", "NAM", "vladimir-putin"),
    mention("m-002", TRAIN_TEXT, "Narendra Modi", "PERSON", "NAM", "narendra-modi"),
    mention("m-003", TRAIN_TEXT, "New Delhi", "GPE", "NAM", "new-delhi"),
    mention("m-004", TRAIN_TEXT, "Putin", "PERSON", "NAM", "vladimir-putin", nth=1),
    mention("m-005", TRAIN_TEXT, "India", "GPE", "NAM", "india"),
    mention("m-006", TRAIN_TEXT, "he", "PERSON", "PRO", "vladimir-putin"),
]
TEST_ENTITIES = [
    mention("m-001", TEST_TEXT, "Narendra Modi", "PERSON", "NAM", "narendra-modi"),
    mention("m-002", TEST_TEXT, "Vladimir Putin", "PERSON", "NAM", "vladimir-putin"),
    mention("m-003", TEST_TEXT, "New Delhi", "GPE", "NAM", "new-delhi"),
    mention("m-004", TEST_TEXT, "Modi", "PERSON", "NAM", "narendra-modi", nth=1),
    mention("m-005", TEST_TEXT, "he", "PERSON", "PRO", "narendra-modi"),
    mention("m-006", TEST_TEXT, "Russia", "GPE", "NAM", "russia"),
]
TEST_FIGURES = [
    figure("f-001", TEST_TEXT, "5 December 2025", "DATE", normalized="2025-12-05"),
    figure("f-002", TEST_TEXT, "50%", "PERCENT", value=50, unit="percent"),
]
TRAIN_STANCES = [
    stance("s-001", TRAIN_TEXT, "Putin praised India", "vladimir-putin", "india_russia_partnership", "favor"),
]
TEST_STANCES = [
    stance("s-001", TEST_TEXT, "Modi said he wants 50% more trade with Russia", "narendra-modi", "india_russia_trade", "favor"),
    stance("s-002", TEST_TEXT, "Narendra Modi hosted Vladimir Putin", "narendra-modi", "india_russia_partnership", "favor"),
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def make_root(root: Path, *, published: str | None = "2025-12-06") -> Path:
    import hashlib

    docs = [("train-doc", "train", TRAIN_TEXT, TRAIN_ENTITIES, [], TRAIN_STANCES), ("test-doc", "test", TEST_TEXT, TEST_ENTITIES, TEST_FIGURES, TEST_STANCES)]
    manifest = []
    for doc_id, split, text, ents, figs, stances in docs:
        (root / "corpus").mkdir(parents=True, exist_ok=True)
        (root / "corpus" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        manifest.append({
            "doc_id": doc_id, "title": None, "published": published, "source": None, "url": None, "language": "en", "event_id": "fixture",
            "split": split, "text_sha256": hashlib.sha256(text.encode()).hexdigest(), "known_defects": [],
        })
        for layer, records in (("entities", ents), ("figures", figs), ("stances", stances)):
            if records:
                write_jsonl(root / "annotations" / layer / f"{doc_id}.jsonl", records)
    write_jsonl(root / "corpus" / "manifest.jsonl", manifest)
    write_jsonl(root / "annotations" / "entity_table.jsonl", ENTITY_TABLE)
    return root



SCORE_KEYS = {"precision", "recall", "f1", "accuracy", "conll_f1", "f_avg", "favor_f1", "against_f1", "value", "unit", "normalized"}
"""Keys of a scorer result whose values are scores (the rest are counts)."""


def scores_of(result: dict[str, Any], path: str = "") -> dict[str, Any]:
    """Every score in a scorer result, by dotted path (".entities.strict.f1")."""
    out: dict[str, Any] = {}
    for key, value in result.items():
        if isinstance(value, dict):
            out.update(scores_of(value, f"{path}.{key}"))
        elif key in SCORE_KEYS:
            out[f"{path}.{key}"] = value
    return out
