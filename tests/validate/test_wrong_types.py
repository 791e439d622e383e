"""A wrongly typed value is reported as wrong-type, whatever its JSON type, and never stops the run."""

from __future__ import annotations

import json
from pathlib import Path

from newscorpus import schema
from newscorpus.validate import validate_root


def _set_field(root: Path, shape: schema.RecordShape, doc_id: str, record_id: str, name: str, value) -> None:
    path = root / "annotations" / shape.name / f"{doc_id}.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        if record[shape.id_field] == record_id:
            record[name] = value
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_label_field_holding_an_array_is_a_wrong_type(make_root):
    root = make_root()
    _set_field(root, schema.STANCE, "alpha", "s1", "polarity", ["favor"])
    assert [(f.check, f.record_id) for f in validate_root(root)] == [("wrong-type", "s1")]


def test_label_field_holding_an_object_is_a_wrong_type(make_root):
    root = make_root()
    _set_field(root, schema.STANCE, "alpha", "s1", "target", {"name": "x"})
    assert [(f.check, f.record_id) for f in validate_root(root)] == [("wrong-type", "s1")]


def test_a_nan_number_is_a_wrong_type(make_root):
    root = make_root()
    path = root / "annotations" / schema.FIGURE.name / "alpha.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line.replace('"value": 12,', '"value": NaN,') if '"figure_id": "f4"' in line else line for line in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [(f.check, f.record_id) for f in validate_root(root)] == [("wrong-type", "f4")]


def test_a_list_holding_a_number_is_a_wrong_type(make_root):
    root = make_root()
    _set_field(root, schema.FIGURE, "alpha", "f6", "measured_entity_ids", ["valdoria", 7])
    assert [(f.check, f.record_id) for f in validate_root(root)] == [("wrong-type", "f6")]
