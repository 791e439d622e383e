"""Pulling from an export file: bad exports fail loudly and write nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newscorpus import schema
from newscorpus.corpus import Layout, iter_lines, load_corpus
from newscorpus.labelstudio import convert


EMAIL = "lead@example.org"


def _export(root: Path, annotators=(EMAIL,)) -> list[dict]:
    corpus = load_corpus(root)
    tasks = []
    for n, (doc_id, text) in enumerate(corpus.texts.items(), start=1):
        layers = {shape.name: corpus.records(shape, doc_id) for shape in schema.ANNOTATION_LAYERS}
        result = convert.records_to_result(doc_id, layers)
        annotations = [{"id": 10 * n + i, "completed_by": {"id": i, "email": who}, "result": json.loads(json.dumps(result)),
                        "was_cancelled": False} for i, who in enumerate(annotators, start=1)]
        tasks.append({"id": n, "data": {"text": text, "doc_id": doc_id}, "annotations": annotations, "predictions": []})
    return tasks


def _labels(tasks, doc_id, region_id):
    task = next(t for t in tasks if t["data"]["doc_id"] == doc_id)
    return next(i for i in task["annotations"][0]["result"] if i.get("id") == region_id and i["type"] == "labels")


def test_pulling_an_export_of_the_gold_changes_nothing(run, root, snapshot, pull_export):
    before = snapshot(root)
    assert pull_export(root, _export(root), "--write") == 0
    assert snapshot(root) == before


BAD_EDITS = {
    "offset past the end": (lambda item, text: item["value"].update(end=len(text) + 3), r"task ls-001, region m-002: offsets"),
    "span text mismatch": (lambda item, text: item["value"].update(text="New Dehli"), r"task ls-001, region m-002: span text"),
    "unknown label": (lambda item, text: item["value"].update(labels=["CITY"]), r"task ls-001, region m-002: entity: unknown label 'CITY'"),
}


@pytest.mark.parametrize("case", sorted(BAD_EDITS))
def test_a_bad_region_fails_the_pull_naming_task_and_region_and_writes_nothing(run, root, case, capsys, snapshot, pull_export):
    edit, message = BAD_EDITS[case]
    tasks = _export(root)
    text = tasks[0]["data"]["text"]
    edit(_labels(tasks, "ls-001", "m-002"), text)
    before = snapshot(root)
    assert pull_export(root, tasks, "--write") == 1
    assert snapshot(root) == before
    assert re.search(message, capsys.readouterr().err)


def test_a_per_region_value_without_its_region_fails_the_pull_naming_task_and_region_and_writes_nothing(run, root, capsys, snapshot, pull_export):
    tasks = _export(root)
    result = tasks[1]["annotations"][0]["result"]
    tasks[1]["annotations"][0]["result"] = [i for i in result if not (i["id"] == "m-002" and i["type"] == "labels")]
    before = snapshot(root)
    assert pull_export(root, tasks, "--write") == 1
    assert snapshot(root) == before
    assert "task ls-002, region m-002: per-region values for a region that has no span label" in capsys.readouterr().err


def test_a_pull_that_would_leave_the_corpus_invalid_writes_nothing(run, root, capsys, snapshot, pull_export):
    tasks = _export(root)
    task = tasks[0]
    for item in task["annotations"][0]["result"]:
        if item.get("id") == "m-001" and item["type"] == "labels":
            item["value"]["labels"] = ["ORG"]  # the entity table says PERSON
    before = snapshot(root)
    assert pull_export(root, tasks, "--write") == 1
    assert snapshot(root) == before
    assert "label-mismatch" in capsys.readouterr().err


def test_several_annotators_without_a_choice_are_refused_and_listed(run, root, capsys, pull_export):
    assert pull_export(root, _export(root, annotators=(EMAIL, "ann2@example.org")), "--write") == 1
    err = capsys.readouterr().err
    assert "--annotator" in err and EMAIL in err and "ann2@example.org" in err


def test_a_dry_run_shows_the_diff_and_writes_nothing(run, root, capsys, snapshot, pull_export):
    tasks = _export(root)
    tasks[0]["annotations"][0]["result"] = [i for i in tasks[0]["annotations"][0]["result"] if i.get("id") != "m-002"]
    before = snapshot(root)
    assert pull_export(root, tasks) == 0
    assert snapshot(root) == before
    assert "- entities ls-001 m-002 \"New Delhi\"" in capsys.readouterr().out


def test_a_new_entity_pulled_from_label_studio_gets_an_entity_table_row(run, root, pull_export):
    tasks = _export(root)
    result = tasks[1]["annotations"][0]["result"]
    for item in result:
        if item.get("id") == "m-002" and item["from_name"] == "entity_entity_id":
            item.update(from_name="entity_new_entity_id", type="textarea")
            item["value"] = {**{k: item["value"][k] for k in ("start", "end", "text")}, "text": ["russian-people"]}
    assert pull_export(root, tasks, "--write") == 0
    table = {r["entity_id"]: r for r in (line.record for line in iter_lines(Layout(root).entity_table_path))}
    assert (table["russian-people"]["label"], table["russian-people"]["method"]) == ("NORP", schema.LABELSTUDIO_METHOD)
