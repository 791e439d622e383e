"""Three-way merge of a pull: local records, Label Studio records and the last sync."""

from __future__ import annotations

from newscorpus import schema
from newscorpus.labelstudio import sync

SHAPE = schema.ENTITY_MENTION
EMAIL = "ann2@example.org"


def _mention(mid: str, label: str = "PERSON", annotator: str = "claude-agent", method: str = "llm-authored"):
    return {"mention_id": mid, "start": 0, "end": 5, "text": "Putin", "label": label, "mention_type": "NAM",
            "entity_id": "vladimir-putin", "annotator": annotator, "method": method}


def _merge(local, remote, base, force=False):
    out = sync.DocMerge("d", {})
    records = sync.merge_layer(SHAPE, "d", local, remote, base, EMAIL, force, out)
    return records, out


def _base(*records):
    return {r["mention_id"]: sync.record_hash(SHAPE, r) for r in records}


def test_a_record_identical_in_annotation_fields_keeps_its_local_provenance():
    local = _mention("m-001")
    remote = {k: v for k, v in local.items() if k not in ("annotator", "method")}
    records, out = _merge([local], [remote], _base(local))
    assert records == [local] and out.changes == []


def test_a_record_changed_only_in_label_studio_is_taken_with_the_annotator_and_labelstudio_method():
    local = _mention("m-001")
    records, out = _merge([local], [_mention("m-001", label="ORG")], _base(local))
    assert (records[0]["label"], records[0]["annotator"], records[0]["method"]) == ("ORG", EMAIL, schema.LABELSTUDIO_METHOD)
    assert [(c.kind, c.fields) for c in out.changes] == [("changed", ("label",))]


def test_a_record_changed_only_locally_is_kept_and_not_reported_as_a_change():
    base = _mention("m-001")
    local = _mention("m-001", label="ORG")
    records, out = _merge([local], [base], _base(base))
    assert records == [local] and out.changes == [] and out.local_only == 1


def test_a_record_changed_on_both_sides_is_a_conflict_that_keeps_local():
    base = _mention("m-001")
    records, out = _merge([_mention("m-001", label="ORG")], [_mention("m-001", label="GPE")], _base(base))
    assert records[0]["label"] == "ORG"
    assert [(c.record_id, c.local["label"], c.remote["label"]) for c in out.conflicts] == [("m-001", "ORG", "GPE")]


def test_force_takes_label_studio_side_of_a_conflict():
    base = _mention("m-001")
    records, out = _merge([_mention("m-001", label="ORG")], [_mention("m-001", label="GPE")], _base(base), force=True)
    assert records[0]["label"] == "GPE" and len(out.conflicts) == 1


def test_an_unresolved_conflict_keeps_the_old_base_for_the_next_pull():
    base = _mention("m-001")
    _, out = _merge([_mention("m-001", label="ORG")], [_mention("m-001", label="GPE")], _base(base))
    assert out.new_base[SHAPE.name] == _base(base)


def test_a_record_deleted_in_label_studio_is_removed():
    local = _mention("m-001")
    records, out = _merge([local], [], _base(local))
    assert records == [] and [c.kind for c in out.changes] == ["removed"]


def test_without_a_base_every_difference_counts_as_a_label_studio_change():
    records, out = _merge([_mention("m-001")], [_mention("m-002")], None)
    assert [r["mention_id"] for r in records] == ["m-002"]
    assert sorted(c.kind for c in out.changes) == ["added", "removed"]


def test_a_new_entity_id_gets_a_table_row_named_after_its_first_mention():
    mention = {**_mention("m-009"), "entity_id": "sergey-lavrov", "text": "Lavrov", "start": 10, "end": 16}
    rows = sync.new_entity_rows("d", [mention], {"vladimir-putin"}, EMAIL)
    assert [(r["entity_id"], r["name"], r["label"], r["annotator"], r["method"]) for r in rows] == [
        ("sergey-lavrov", "Lavrov", "PERSON", EMAIL, schema.LABELSTUDIO_METHOD)
    ]


def test_a_known_entity_id_gets_no_table_row():
    assert sync.new_entity_rows("d", [_mention("m-001")], {"vladimir-putin"}, EMAIL) == []


def test_sync_state_reads_back_what_it_wrote(tmp_path):
    key = sync.ProjectKey("http://127.0.0.1:1", 7, "t")
    path = tmp_path / sync.STATE_NAME
    writer = sync.SyncWriter(path, key, None)
    writer.add(sync.DocState("d1", 3, {"entities": {"m-001": "abc"}}))
    writer.commit()
    state = sync.SyncState(path)
    assert state.matches(key) and state.get("d1") == sync.DocState("d1", 3, {"entities": {"m-001": "abc"}})


def test_sync_state_of_another_project_is_not_used_as_a_base(tmp_path):
    path = tmp_path / sync.STATE_NAME
    writer = sync.SyncWriter(path, sync.ProjectKey("http://127.0.0.1:1", 7, "t"), None)
    writer.commit()
    assert not sync.SyncState(path).matches(sync.ProjectKey("http://127.0.0.1:1", 8, "t"))
