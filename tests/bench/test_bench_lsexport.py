"""The synthetic Label Studio export: the full JSON export shape, and it converts back losslessly."""

from __future__ import annotations

import json
from pathlib import Path

from newscorpus import schema
from newscorpus.bench import lsexport, synth
from newscorpus.labelstudio import config
from newscorpus.labelstudio.convert import annotation_fields, result_to_records


def _export(tmp_path: Path, tasks: int = 4, regions: int = 30) -> list[dict]:
    path = tmp_path / "export.json"
    lsexport.write_export(path, tasks, regions, seed=1)
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_task_has_the_requested_number_of_regions(tmp_path: Path) -> None:
    for task in _export(tmp_path):
        region_ids = {r["id"] for r in task["annotations"][0]["result"] if r.get("type") != "relation"}
        assert len(region_ids) == 30


def test_tasks_carry_text_and_doc_id_under_the_configs_data_keys(tmp_path: Path) -> None:
    task = _export(tmp_path, tasks=1)[0]
    assert set(task["data"]) == {config.TEXT_NAME, config.DOC_ID_KEY} and task["data"][config.DOC_ID_KEY].startswith("000000_")


def test_the_export_converts_back_to_the_records_it_was_made_from(tmp_path: Path) -> None:
    templates = synth.load_templates()
    table = synth.make_entity_table(1, synth.entity_count_for(2), templates)
    tasks = _export(tmp_path, tasks=2)
    for task, doc in zip(tasks, synth.iter_documents(2, 1, table, templates)):
        picked = lsexport._pick_regions(doc.layers, 30)
        back = result_to_records(doc.doc_id, doc.text, task["annotations"][0]["result"])
        for shape in schema.ANNOTATION_LAYERS:
            fields = annotation_fields(shape)
            key = lambda r: r[shape.id_field]  # noqa: E731
            expected = sorted(({f: r[f] for f in fields} for r in picked[shape.name]), key=key)
            assert sorted(back[shape.name], key=key) == expected, (doc.doc_id, shape.name)


def test_the_same_seed_writes_the_same_export_bytes(tmp_path: Path) -> None:
    lsexport.write_export(tmp_path / "a.json", 3, 30, seed=2)
    lsexport.write_export(tmp_path / "b.json", 3, 30, seed=2)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
