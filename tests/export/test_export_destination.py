"""`build --out` replaces only what a build made: an absent folder, an empty one, or a previous export."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from newscorpus.export.destination import MARKER

from .conftest import build, copy_root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def root(tmp_path: Path, corpus_root: Path) -> Path:
    return copy_root(corpus_root, tmp_path / "root")


def test_out_at_the_corpus_root_is_refused_and_nothing_is_deleted(root, capsys):
    before = _snapshot(root)
    assert build(root, root) == 2
    assert _snapshot(root) == before
    assert "error:" in capsys.readouterr().err


def test_out_at_the_annotations_folder_is_refused_and_nothing_is_deleted(root, capsys):
    before = _snapshot(root)
    assert build(root, root / "annotations") == 2
    assert _snapshot(root) == before
    assert f"has no {MARKER} file" in capsys.readouterr().err


def test_out_at_a_folder_above_the_root_is_refused(root):
    assert build(root, root.parent) == 2
    assert (root / "corpus" / "manifest.jsonl").is_file()


def test_out_at_a_folder_of_unrelated_files_is_refused(root, tmp_path):
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    assert build(root, other) == 2
    assert (other / "notes.txt").read_text() == "keep me"


def test_out_at_a_file_is_refused(root, tmp_path):
    path = tmp_path / "file.parquet"
    path.write_bytes(b"data")
    assert build(root, path) == 2
    assert path.read_bytes() == b"data"


def test_an_empty_folder_is_built_into(root, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert build(root, out) == 0
    assert (out / MARKER).is_file()


def test_a_previous_export_is_replaced_and_a_killed_builds_staging_folders_are_removed(root, tmp_path):
    out = tmp_path / "dist" / "export"
    assert build(root, out) == 0
    stale = [out.parent / f".{out.name}.build-dead1", out.parent / f".{out.name}.old-dead2"]
    for folder in stale:
        folder.mkdir()
        (folder / "half.parquet").write_bytes(b"x")
    assert build(root, out) == 0
    assert not any(folder.exists() for folder in stale)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_a_second_build_into_the_same_place_is_refused_while_one_is_running(root, tmp_path, capsys):
    out = tmp_path / "dist" / "export"
    out.parent.mkdir()
    fd = os.open(out.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what a running build holds
        assert build(root, out) == 2
        assert "another build is writing" in capsys.readouterr().err
        assert not out.exists()
    finally:
        os.close(fd)


def test_no_viewer_leaves_the_viewer_out_and_the_card_says_so(root, tmp_path):
    out = tmp_path / "export"
    assert build(root, out, "--no-viewer") == 0
    assert not (out / "viewer").exists() and (out / "conll").is_dir()
    assert "(built without the document viewer)" in (out / "README.md").read_text(encoding="utf-8")


def test_the_files_of_an_export_honour_the_umask(root, tmp_path):
    old = os.umask(0o027)
    try:
        assert build(root, tmp_path / "export") == 0
    finally:
        os.umask(old)
    out = tmp_path / "export"
    for name in ("README.md", "LICENSE.md", "croissant.json", "SHA256SUMS", ".newscorpus-export"):
        assert (out / name).stat().st_mode & 0o777 == 0o640, name
    assert out.stat().st_mode & 0o777 == 0o750
