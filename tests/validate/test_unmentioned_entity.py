"""Stance holders and measured entities need a mention in their document (Label Studio links from one)."""

from __future__ import annotations

import json
from pathlib import Path

from newscorpus import schema
from newscorpus.validate import validate_root


def _edit(root: Path, shape: schema.RecordShape, doc_id: str, record_id: str, **changes) -> None:
    path = root / "annotations" / shape.name / f"{doc_id}.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        if record[shape.id_field] == record_id:
            record.update(changes)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_holder_mentioned_only_in_another_document_is_reported(make_root):
    root = make_root()
    _edit(root, schema.STANCE, "beta", "s1", holder_entity_id="k-9")  # k-9 is mentioned in alpha only
    assert [(f.check, f.file, f.record_id) for f in validate_root(root)] == [
        ("unmentioned-entity", "annotations/stances/beta.jsonl", "s1")
    ]


def test_holder_and_measured_entities_mentioned_in_the_document_are_valid(make_root):
    root = make_root()
    _edit(root, schema.FIGURE, "alpha", "f6", measured_entity_ids=["valdoria", "kestrel", "anna-mirov"])
    _edit(root, schema.STANCE, "beta", "s1", holder_entity_id="anna-mirov")
    assert validate_root(root) == []


def test_measured_entity_mentioned_only_in_another_document_is_reported(make_root):
    root = make_root()
    # beta f1 measures k-9, which beta never mentions
    _edit(root, schema.FIGURE, "beta", "f1", measured_entity_ids=["k-9"])
    findings = validate_root(root)
    assert [(f.check, f.record_id) for f in findings] == [("unmentioned-entity", "f1")]


def test_unknown_holder_is_only_an_unknown_entity(make_root):
    root = make_root()
    _edit(root, schema.STANCE, "beta", "s1", holder_entity_id="nobody")
    assert [f.check for f in validate_root(root)] == ["unknown-entity"]


def test_unmentioned_entity_is_checked_without_completeness(make_root):
    root = make_root("unmentioned-entity")
    assert [f.check for f in validate_root(root, completeness=False)] == ["unmentioned-entity"]
