"""Bad input and bad luck: crafted exports, a corrupt sync file, an invalid corpus, a wrong server,
a failure or a kill -9 half-way through writing.  Each gives one clear line and loses nothing."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from newscorpus import schema
from newscorpus.corpus import Layout, iter_lines, load_corpus, write_records
from newscorpus.labelstudio import commands, convert, sync

EMAIL = "lead@example.org"


def _export(root: Path) -> list[dict]:
    corpus = load_corpus(root)
    tasks = []
    for n, (doc_id, text) in enumerate(corpus.texts.items(), start=1):
        layers = {shape.name: corpus.records(shape, doc_id) for shape in schema.ANNOTATION_LAYERS}
        result = convert.records_to_result(doc_id, layers)
        tasks.append({"id": n, "data": {"text": text, "doc_id": doc_id},
                      "annotations": [{"id": n, "completed_by": {"id": 1, "email": EMAIL}, "result": result}]})
    return tasks


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert lines and "Traceback" not in err, err
    return lines[0]


def _edited(root: Path, edit) -> list[dict]:
    tasks = _export(root)
    edit(tasks[0]["annotations"][0]["result"], tasks[0])
    return tasks


CRAFTED = {
    "unhashable region id": (lambda r, t: r[0].update(id=["m", 1]), r"task ls-001: result from 'entity' has no region id"),
    "unhashable control name": (lambda r, t: r[0].update(from_name={"x": 1}), r"task ls-001, region m-001: result has no control name"),
    "string where the labels list belongs": (lambda r, t: r[0]["value"].update(labels="PERSON"),
                                             r"task ls-001, region m-001: entity: expected exactly one label"),
    "string where the choices list belongs": (lambda r, t: next(i for i in r if i["from_name"] == "figure_measured_entity_ids")["value"].update(choices="measured_entity_ids: india"),
                                              r"task ls-001, region f-00\d: figure_measured_entity_ids: expected a list of choices"),
    "string where the result list belongs": (lambda r, t: t["annotations"][0].update(result="[]"),
                                             r"task ls-001: annotation result must be a list"),
    "string where the annotations list belongs": (lambda r, t: t.update(annotations="lead"),
                                                  r"task ls-001: annotations must be a list of objects"),
    "offsets that are not integers": (lambda r, t: r[0]["value"].update(start=[25]), r"task ls-001, region m-001: offsets must be integers"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_a_crafted_export_is_one_error_naming_task_and_region_and_writes_nothing(run, root, case, capsys, snapshot, pull_export):
    edit, message = CRAFTED[case]
    before = snapshot(root)
    assert pull_export(root, _edited(root, edit), "--write") == 1
    assert snapshot(root) == before
    import re

    assert re.search(message, _one_error_line(capsys.readouterr().err))


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_agreement_on_a_crafted_export_is_one_error_line(run, root, case, capsys):
    edit, _ = CRAFTED[case]
    tasks = _edited(root, edit)
    for task in tasks:
        if isinstance(task.get("annotations"), list):
            task["annotations"].append({**task["annotations"][0], "completed_by": {"id": 2, "email": "two@example.org"}})
    path = root.parent / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    assert run(root, "agreement", "--export", str(path)) == 1
    assert "task ls-001" in _one_error_line(capsys.readouterr().err)


def test_a_very_deeply_nested_export_is_one_error_line(run, root, capsys, snapshot):
    path = root.parent / "deep.json"
    path.write_text('[{"id": 1, "data": {"text": "x", "doc_id": "ls-001"}, "annotations": ' + "[" * 200_000 + "]" * 200_000 + "}]")
    before = snapshot(root)
    assert run(root, "ls", "pull", "--export", str(path), "--write") == 1
    assert "nested too deeply" in _one_error_line(capsys.readouterr().err)
    assert snapshot(root) == before


@pytest.mark.parametrize("content", ["{not json\n", '{"project": 7}\n', '{"project": {"url": "u", "project_id": 1, "title": "t"}}\n{"doc_id": ["x"]}\n'])
def test_a_corrupt_sync_file_is_one_error_line_naming_it(run, root, capsys, content, snapshot, pull_export):
    state = sync.state_path(root)
    state.parent.mkdir(parents=True)
    state.write_text(content, encoding="utf-8")
    before = snapshot(root)
    assert pull_export(root, _export(root), "--write") == 1
    line = _one_error_line(capsys.readouterr().err)
    assert str(state) in line and "delete the file" in line
    assert snapshot(root) == before


# --------------------------------------------------------------------------- push and the server


def test_push_refuses_an_invalid_corpus_before_contacting_any_server(run, root, capsys, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:9")  # nothing listens there: a contact would fail differently
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "whatever-key")
    path = Layout(root).layer_path(schema.ENTITY_MENTION, "ls-001")
    records = [line.record for line in iter_lines(path)]
    records[0]["text"] = "Vladimir Poutine"
    write_records(path, schema.ENTITY_MENTION, records)
    assert run(root, "ls", "push") == 1
    err = capsys.readouterr().err
    assert "validation errors" in _one_error_line(err) and "nothing was sent" in err
    assert "127.0.0.1:9" not in err


def test_a_url_where_nothing_listens_is_one_error_line(run, root, capsys, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "secret-key-not-to-print")
    assert run(root, "ls", "pull") == 1
    err = capsys.readouterr().err
    assert "cannot connect to http://127.0.0.1:9" in _one_error_line(err) and "secret-key" not in err


class _NotLabelStudio(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        body = b"<html>a web server, not Label Studio</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_server_that_is_not_label_studio_is_one_error_line(run, root, capsys, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotLabelStudio)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{server.server_address[1]}")
        monkeypatch.setenv("LABEL_STUDIO_API_KEY", "secret-key-not-to-print")
        assert run(root, "ls", "pull") == 1
    finally:
        server.shutdown()
    err = capsys.readouterr().err
    assert "does not answer like a Label Studio server" in _one_error_line(err) and "secret-key" not in err


# --------------------------------------------------------------------------- writing: all or nothing


def _changing_export(root: Path) -> list[dict]:
    """An export that changes three files: entities and figures of ls-001, and a new entity-table row."""
    tasks = _export(root)
    result = tasks[0]["annotations"][0]["result"]
    for item in result:
        if item["id"] == "f-002" and item["from_name"] == "figure_value":
            item["value"]["text"] = ["70000000000"]
        if item["id"] == "m-002" and item["from_name"] == "entity_entity_id":
            item.update(from_name="entity_new_entity_id", type="textarea")
            item["value"] = {**{k: item["value"][k] for k in ("start", "end", "text")}, "text": ["delhi-city"]}
    return tasks


def test_a_failure_half_way_through_writing_leaves_the_corpus_as_it_was(run, root, monkeypatch, capsys, snapshot, pull_export):
    before = snapshot(root)
    real_replace, calls = os.replace, []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise PermissionError(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(commands.os, "replace", failing_replace)
    with pytest.raises(PermissionError):
        pull_export(root, _changing_export(root), "--write")
    assert len(calls) == 3
    assert snapshot(root) == before
    assert [p.name for p in sync.state_dir(root).iterdir() if p.name != "lock"] == []  # no staging folder, no sync file


_KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {scripts!r})
from newscorpus.labelstudio import commands
from newscorpus.labelstudio.client import read_export
from newscorpus.labelstudio.sync import ProjectKey
real, calls = os.replace, []
def replace(src, dst):
    calls.append(dst)
    if len(calls) == {kill_at}:
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
commands.os.replace = replace
tasks = list(read_export(Path({export!r})))
commands.pull_from_tasks(Path({root!r}), tasks, ProjectKey("", 0, "t"), annotator=None, write=True, force=False)
"""


STAGED_WRITES = 3
"""Renames before the swap: the export above rewrites three files in the staging copy; then four moves follow
(three files and the sync state)."""


@pytest.mark.parametrize("kill_at", [2, STAGED_WRITES + 1, STAGED_WRITES + 3])
def test_a_pull_killed_half_way_is_rolled_back_by_the_next_command(run, root, kill_at, capsys, snapshot):
    before = snapshot(root)
    export = root.parent / "export.json"
    export.write_text(json.dumps(_changing_export(root)), encoding="utf-8")
    scripts = str(Path(commands.__file__).resolve().parents[2])
    script = _KILL_SCRIPT.format(scripts=scripts, kill_at=kill_at, export=str(export), root=str(root))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr
    assert any(p.name.startswith(commands.STAGING_PREFIX) for p in sync.state_dir(root).iterdir())
    assert run(root, "ls", "pull", "--export", str(export)) == 0  # any next push or pull recovers first
    rolled_back = "interrupted pull was rolled back" in capsys.readouterr().err
    assert rolled_back == (kill_at > STAGED_WRITES)  # killed while staging, nothing in the corpus had been touched
    assert snapshot(root) == before
    assert not any(p.name.startswith(commands.STAGING_PREFIX) for p in sync.state_dir(root).iterdir())


def test_pulled_files_and_the_sync_state_honour_the_umask(run, root, pull_export):
    old = os.umask(0o027)
    try:
        assert pull_export(root, _changing_export(root), "--write") == 0
    finally:
        os.umask(old)
    layout = Layout(root)
    for path in (layout.layer_path(schema.FIGURE, "ls-001"), layout.entity_table_path, sync.state_path(root)):
        assert oct(path.stat().st_mode & 0o777) == oct(0o640), path


def test_the_sync_state_folder_is_ignored_by_git_so_a_push_never_blocks_a_release():
    repo = Path(__file__).resolve().parents[2]
    if not (repo / ".git").exists():
        pytest.skip("not a git checkout")
    proc = subprocess.run(["git", "-C", str(repo), "check-ignore", "-q", f"{sync.STATE_DIR}/{sync.STATE_NAME}"])
    assert proc.returncode == 0


# --------------------------------------------------------------------------- ids


def _mention(rid: str, start: int, end: int, text: str, entity: str = "india") -> dict:
    return {"mention_id": rid, "start": start, "end": end, "text": text, "label": "GPE", "mention_type": "NAM", "entity_id": entity}


def test_a_region_drawn_in_label_studio_gets_the_documents_next_free_id():
    local = [_mention("m-001", 0, 5, "India"), _mention("m-007", 10, 15, "Delhi")]
    remote = local + [_mention("PC76G8Pn4i", 20, 25, "India"), _mention("a1b2c3d4e5", 16, 19, "Goa")]
    ids = {r["text"] + str(r["start"]): r["mention_id"] for r in sync.assign_ids(schema.ENTITY_MENTION, local, remote)}
    assert (ids["Goa16"], ids["India20"]) == ("m-008", "m-009")  # in text order, above the highest id in use


def test_a_region_deleted_and_redrawn_identically_keeps_its_id_and_is_no_change():
    local = [_mention("m-001", 0, 5, "India"), _mention("m-002", 10, 15, "Delhi")]
    remote = [local[0], {**local[1], "mention_id": "PC76G8Pn4i"}]
    assert sync.assign_ids(schema.ENTITY_MENTION, local, remote) == local
    merged = sync.merge_document("d", {schema.ENTITY_MENTION.name: local}, {schema.ENTITY_MENTION.name: remote}, None, EMAIL, False)
    assert merged.changes == []


def test_the_order_of_measured_entities_is_never_a_change():
    figure = {"figure_id": "f-001", "start": 0, "end": 3, "text": "25%", "kind": "PERCENT", "value": 25, "value_low": None,
              "value_high": None, "unit": "percent", "normalized": None, "approximate": False, "measured": "tariff",
              "measured_entity_ids": ["united-states", "india"], "annotator": "a", "method": "manual"}
    remote = {**figure, "measured_entity_ids": ["india", "united-states"]}
    merged = sync.merge_document("d", {schema.FIGURE.name: [figure]}, {schema.FIGURE.name: [remote]}, None, EMAIL, False)
    assert merged.changes == [] and merged.layers[schema.FIGURE.name] == [figure]
