"""A corpus the validator rejects is never exported, and the previous export stays as it was."""

from __future__ import annotations

import json
import shutil

from newscorpus import corpus, schema

from .conftest import build, copy_root


def tree_bytes(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def break_first_mention_text(root):
    layout = corpus.Layout(root)
    path = next(iter(sorted(layout.layer_dir(schema.ENTITY_MENTION).glob("*.jsonl"))))
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["text"] = record["text"] + "X"
    lines[0] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_broken_annotation_exits_1_and_leaves_the_old_export(tmp_path, corpus_root, export_dir, capsys):
    root = copy_root(corpus_root, tmp_path / "root")
    broken = break_first_mention_text(root)
    out = tmp_path / "export"
    shutil.copytree(export_dir, out)
    before = tree_bytes(out)
    assert build(root, out) == 1
    assert tree_bytes(out) == before
    err = capsys.readouterr().err
    assert broken.name in err and "build refused" in err


def test_a_refused_build_leaves_no_temporary_folder(tmp_path, corpus_root):
    root = copy_root(corpus_root, tmp_path / "root")
    break_first_mention_text(root)
    out_parent = tmp_path / "dist"
    assert build(root, out_parent / "export") == 1
    assert not out_parent.exists() or list(out_parent.iterdir()) == []


def test_an_unreadable_manifest_is_refused_with_the_validator_finding(tmp_path, corpus_root, capsys):
    root = copy_root(corpus_root, tmp_path / "root")
    manifest = corpus.Layout(root).manifest_path
    manifest.write_text(manifest.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    out = tmp_path / "export"
    assert build(root, out) == 1
    assert not out.exists()
    assert "manifest.jsonl" in capsys.readouterr().err
