"""The round trip against a real Label Studio server on 127.0.0.1 (one server per test session)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from newscorpus import schema
from newscorpus.corpus import Layout, iter_lines, load_corpus, read_text, write_records
from newscorpus.labelstudio import config, convert
from newscorpus.labelstudio.agreement import agreement
from newscorpus.labelstudio.client import export_to_file, find_project, read_export
from newscorpus.version import CORPUS_VERSION

pytestmark = pytest.mark.labelstudio


def _annotation_files(root: Path) -> dict[str, bytes]:
    folder = Layout(root).annotations_dir
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _export(sdk, title: str, tmp_path: Path) -> list[dict]:
    project = find_project(sdk, title)
    return list(read_export(export_to_file(sdk, int(project.id), tmp_path)))


def _second_annotator(sdk) -> tuple[int, str]:
    email = f"annotator-{secrets.token_hex(4)}@example.org"
    user = sdk.users.create(email=email, username=email.split("@")[0], password=secrets.token_hex(8))
    return int(user.id), email


def _gold_result(sdk, title: str, tmp_path: Path, doc_id: str) -> tuple[dict, list[dict]]:
    """The task of ``doc_id`` and a copy of its pushed gold (the prediction an annotator starts from)."""
    task = next(t for t in _export(sdk, title, tmp_path) if t["data"]["doc_id"] == doc_id)
    return task, json.loads(json.dumps(task["predictions"][0]["result"]))


def _edit_as_second_annotator(sdk, title: str, tmp_path: Path, user_id: int) -> None:
    """Through the SDK: start from the gold of ls-001, change figure f-002's value and delete mention m-002."""
    task, result = _gold_result(sdk, title, tmp_path, "ls-001")
    result = [item for item in result if item.get("id") != "m-002"]
    for item in result:
        if item.get("id") == "f-002" and item["from_name"] == "figure_value":
            item["value"]["text"] = ["70000000000"]
    sdk.annotations.create(id=task["id"], result=result, completed_by=user_id)


def _accept_gold_as_lead(sdk, title: str, tmp_path: Path) -> None:
    """The lead submits the gold of ls-001 unchanged (a second annotation to compare with)."""
    task, result = _gold_result(sdk, title, tmp_path, "ls-001")
    sdk.annotations.create(id=task["id"], result=result)


def test_label_studio_accepts_the_generated_config(sdk, title):
    project = sdk.projects.create(title=title, label_config=config.labeling_config())
    assert [c.name for c in config.label_interface().controls] == [
        c.name for c in __import__("label_studio_sdk").label_interface.LabelInterface(project.label_config).controls
    ]


def test_push_then_pull_leaves_the_annotations_byte_identical(ls_env, run, root, title, tmp_path):
    before = _annotation_files(root)
    assert run(root, "ls", "push", "--title", title) == 0
    assert run(root, "ls", "pull", "--title", title, "--write") == 0
    assert _annotation_files(root) == before


def test_pushed_results_pass_the_sdk_label_interface_validation(ls_env, run, root, title, sdk, tmp_path):
    assert run(root, "ls", "push", "--title", title) == 0
    for task in _export(sdk, title, tmp_path):
        assert config.validation_errors(task["predictions"][0]["result"]) == [], task["data"]["doc_id"]


def test_offsets_after_an_emoji_and_curly_quotes_survive_the_server(ls_env, run, root, title, sdk, tmp_path):
    assert run(root, "ls", "push", "--title", title) == 0
    task = next(t for t in _export(sdk, title, tmp_path) if t["data"]["doc_id"] == "ls-001")
    text = read_text(Layout(root).text_path("ls-001"))
    assert task["data"]["text"] == text
    pulled = convert.result_to_records("ls-001", text, task["predictions"][0]["result"])
    local = load_corpus(root).records(schema.ENTITY_MENTION, "ls-001")
    assert [(m["start"], m["end"], m["text"]) for m in pulled[schema.ENTITY_MENTION.name]] == [
        (m["start"], m["end"], m["text"]) for m in local
    ]


def test_a_second_annotators_edit_pulls_as_exactly_those_two_changes(ls_env, run, root, title, sdk, tmp_path, capsys):
    assert run(root, "ls", "push", "--title", title) == 0
    user_id, email = _second_annotator(sdk)
    _edit_as_second_annotator(sdk, title, tmp_path, user_id)
    capsys.readouterr()
    assert run(root, "ls", "pull", "--title", title, "--annotator", email, "--write") == 0
    diff = [line for line in capsys.readouterr().out.splitlines() if line[:2] in ("+ ", "- ", "~ ")]
    assert diff == [
        '- entities ls-001 m-002 "New Delhi"',
        "~ figures ls-001 f-002 value: 65000000000 -> 70000000000",
    ]
    figure = next(r for r in load_corpus(root).records(schema.FIGURE, "ls-001") if r["figure_id"] == "f-002")
    assert (figure["value"], figure["annotator"], figure["method"]) == (70000000000, email, schema.LABELSTUDIO_METHOD)


def test_pull_refuses_when_several_annotators_and_none_chosen(ls_env, run, root, title, sdk, tmp_path, capsys):
    assert run(root, "ls", "push", "--title", title) == 0
    _accept_gold_as_lead(sdk, title, tmp_path)
    user_id, email = _second_annotator(sdk)
    _edit_as_second_annotator(sdk, title, tmp_path, user_id)
    before = _annotation_files(root)
    assert run(root, "ls", "pull", "--title", title, "--write") == 1
    assert email in capsys.readouterr().err
    assert _annotation_files(root) == before


def test_agreement_reflects_the_second_annotators_two_changes(ls_env, run, root, title, sdk, tmp_path, label_studio):
    assert run(root, "ls", "push", "--title", title) == 0
    _accept_gold_as_lead(sdk, title, tmp_path)
    user_id, email = _second_annotator(sdk)
    _edit_as_second_annotator(sdk, title, tmp_path, user_id)
    [pair] = [p.summary() for p in agreement(_export(sdk, title, tmp_path))]
    assert pair["tasks"] == 1
    assert (pair["entities"]["a"], pair["entities"]["b"]) == (3, 4)  # the annotator sorts first; gold has 4 mentions
    assert pair["entities"]["exact_f1"] == pytest.approx(2 * 3 / 7)
    assert pair["figures"]["exact_f1"] == 1.0 and pair["figures"]["fields_agree"] == pytest.approx(3 / 4)
    assert pair["stances"]["matched"] == 1


def test_agreement_command_prints_both_annotators(ls_env, run, root, title, sdk, tmp_path, capsys):
    assert run(root, "ls", "push", "--title", title) == 0
    _accept_gold_as_lead(sdk, title, tmp_path)
    user_id, email = _second_annotator(sdk)
    _edit_as_second_annotator(sdk, title, tmp_path, user_id)
    capsys.readouterr()
    assert run(root, "agreement", "--title", title, "--json") == 0
    [pair] = json.loads(capsys.readouterr().out)
    assert sorted(pair["annotators"]) == sorted([email, ls_env.username])


def test_re_push_is_idempotent(ls_env, run, root, title, sdk, tmp_path):
    assert run(root, "ls", "push", "--title", title) == 0
    assert run(root, "ls", "push", "--title", title) == 0
    tasks = _export(sdk, title, tmp_path)
    assert len(tasks) == 2
    assert [[p["model_version"] for p in t["predictions"]] for t in tasks] == [[CORPUS_VERSION], [CORPUS_VERSION]]
    assert [t["annotations"] for t in tasks] == [[], []]  # the gold completes no task: every annotator's queue has it


def test_re_push_after_a_local_change_updates_the_prediction_in_place(ls_env, run, root, title, sdk, tmp_path):
    assert run(root, "ls", "push", "--title", title) == 0
    path = Layout(root).layer_path(schema.FIGURE, "ls-002")
    records = [line.record for line in iter_lines(path)]
    records[0]["value"] = 26
    write_records(path, schema.FIGURE, records)
    assert run(root, "ls", "push", "--title", title) == 0
    task = next(t for t in _export(sdk, title, tmp_path) if t["data"]["doc_id"] == "ls-002")
    assert len(task["predictions"]) == 1
    pulled = convert.result_to_records("ls-002", task["data"]["text"], task["predictions"][0]["result"])
    assert pulled[schema.FIGURE.name][0]["value"] == 26


def test_double_annotation_pushes_texts_only_to_a_project_that_collects_n_annotations(ls_env, run, root, title, sdk, tmp_path):
    assert run(root, "ls", "push", "--double", "3", "--title", title) == 0
    tasks = _export(sdk, title, tmp_path)
    assert [(t["predictions"], t["annotations"]) for t in tasks] == [([], []), ([], [])]
    project = find_project(sdk, title)
    assert (project.maximum_annotations, project.show_collab_predictions) == (3, False)
    assert not (root / ".labelstudio" / "sync.jsonl").exists()  # the review project's base is not touched


def test_a_record_changed_locally_and_in_label_studio_is_a_conflict_not_overwritten(ls_env, run, root, title, sdk, tmp_path, capsys):
    assert run(root, "ls", "push", "--title", title) == 0
    task, result = _gold_result(sdk, title, tmp_path, "ls-002")
    for item in result:
        if item.get("id") == "s-002" and item["from_name"] == "stance_polarity":
            item["value"]["choices"] = ["polarity: neutral"]
    sdk.annotations.create(id=task["id"], result=result)
    path = Layout(root).layer_path(schema.STANCE, "ls-002")
    records = [line.record for line in iter_lines(path)]
    records[1]["polarity"] = "against"
    write_records(path, schema.STANCE, records)
    local = path.read_bytes()
    assert run(root, "ls", "pull", "--title", title, "--write") == 1
    assert "conflict: stances ls-002 s-002" in capsys.readouterr().err
    assert path.read_bytes() == local
    assert run(root, "ls", "pull", "--title", title, "--write", "--force") == 0
    assert [line.record["polarity"] for line in iter_lines(path)][1] == "neutral"


def test_the_api_key_is_never_printed(ls_env, run, root, title, capsys):
    assert run(root, "ls", "push", "--title", title) == 0
    assert run(root, "ls", "pull", "--title", title) == 0
    captured = capsys.readouterr()
    assert ls_env.token not in captured.out + captured.err
    assert ls_env.token not in (root / ".labelstudio" / "sync.jsonl").read_text()


def test_a_wrong_key_is_one_error_line_without_the_key(ls_env, run, root, title, capsys, monkeypatch):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "not-the-right-key-0123456789")
    assert run(root, "ls", "pull", "--title", title) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "LABEL_STUDIO_API_KEY" in err
    assert "not-the-right-key" not in err and "Traceback" not in err


def test_looking_the_project_up_makes_the_server_log_no_traceback(ls_env, run, root, title):
    log = ls_env.log
    start = log.stat().st_size
    assert run(root, "ls", "push", "--title", title) == 0
    assert run(root, "ls", "pull", "--title", title) == 0
    written = log.read_bytes()[start:].decode("utf-8", "replace")
    assert "Traceback" not in written and "NotFound" not in written
