"""Every class of bad input found by trying the tools as a careless user would is a finding or one
``error:`` line with a non-zero exit -- never a traceback -- and nothing is written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import run_cli

MENTIONS = "annotations/entities/alpha.jsonl"
TABLE = "annotations/entity_table.jsonl"


def _edit_first(root: Path, relative: str, change) -> None:
    path = root / relative
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = json.dumps(change(json.loads(lines[0])), ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _append_bytes(root: Path, relative: str, data: bytes) -> None:
    with (root / relative).open("ab") as handle:
        handle.write(data)


BAD_INPUTS = {
    "invalid-utf8-in-a-layer-file": (lambda r: _append_bytes(r, MENTIONS, b'{"mention_id": "\xff"}\n'), "invalid-json"),
    "invalid-utf8-in-the-entity-table": (lambda r: _append_bytes(r, TABLE, b"\xfe\xff\n"), "invalid-json"),
    "invalid-utf8-in-the-manifest": (lambda r: _append_bytes(r, "corpus/manifest.jsonl", b"\xc3\x28\n"), "invalid-json"),
    "deeply-nested-json": (lambda r: _append_bytes(r, MENTIONS, b"[" * 200_000 + b"]" * 200_000 + b"\n"), "invalid-json"),
    "a-300-character-doc-id": (lambda r: _edit_first(r, "corpus/manifest.jsonl", lambda d: {**d, "doc_id": "a" * 300}), "invalid-doc-id"),
    "entity-row-without-method": (lambda r: _edit_first(r, TABLE, lambda d: {k: v for k, v in d.items() if k != "method"}), "missing-field"),
    "entity-row-without-entity-id": (lambda r: _edit_first(r, TABLE, lambda d: {k: v for k, v in d.items() if k != "entity_id"}), "missing-field"),
    "entity-row-with-a-number-as-name": (lambda r: _edit_first(r, TABLE, lambda d: {**d, "name": 7}), "wrong-type"),
    "empty-entity-id": (lambda r: _edit_first(r, MENTIONS, lambda d: {**d, "entity_id": ""}), "invalid-id"),
    "entity-id-with-a-newline": (lambda r: _edit_first(r, MENTIONS, lambda d: {**d, "entity_id": "anna\nmirov"}), "invalid-id"),
    "entity-id-with-markup": (lambda r: _edit_first(r, MENTIONS, lambda d: {**d, "entity_id": "<b>anna</b>"}), "invalid-id"),
    "offset-beyond-int32": (lambda r: _edit_first(r, MENTIONS, lambda d: {**d, "end": 2**40}), "wrong-type"),
    "figure-value-beyond-a-double": (lambda r: _edit_first(r, "annotations/figures/alpha.jsonl", lambda d: {**d, "value": 10**400}), "wrong-type"),
    "a-folder-where-a-layer-file-belongs": (lambda r: ((r / MENTIONS).unlink(), (r / MENTIONS).mkdir()), "unreadable-file"),
    "a-fifo-where-a-layer-file-belongs": (lambda r: ((r / MENTIONS).unlink(), os.mkfifo(r / MENTIONS)), "unreadable-file"),
    "a-device-where-a-layer-file-belongs": (lambda r: ((r / MENTIONS).unlink(), (r / MENTIONS).symlink_to("/dev/zero")), "unreadable-file"),
    "a-layer-file-linking-out-of-the-root": (lambda r: ((r.parent / "x.jsonl").write_text((r / MENTIONS).read_text()), (r / MENTIONS).unlink(), (r / MENTIONS).symlink_to(r.parent / "x.jsonl")), "unreadable-file"),
    "a-folder-where-a-text-belongs": (lambda r: ((r / "corpus/alpha.txt").unlink(), (r / "corpus/alpha.txt").mkdir()), "unreadable-file"),
}


@pytest.mark.parametrize("break_it,check", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_validate_reports_bad_input_as_a_finding(root, break_it, check):
    break_it(root)
    result = run_cli("--root", str(root), "validate", "--format", "json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert check in {f["check"] for f in json.loads(result.stdout)}


@pytest.mark.parametrize("break_it,check", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_build_refuses_bad_input_with_the_validators_findings(root, tmp_path, break_it, check):
    break_it(root)
    result = run_cli("--root", str(root), "build", "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"[{check}]" in result.stderr and "build refused" in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_outside_a_corpus_root_is_one_error_line(tmp_path):
    result = run_cli("build", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[missing-manifest]" in result.stderr


def test_an_empty_corpus_is_refused_with_one_error_line(root, tmp_path):
    for path in [*(root / "annotations").rglob("*/*.jsonl"), *(root / "corpus").glob("*.txt")]:
        path.unlink()
    for path in root.rglob("*.jsonl"):
        path.write_text("")
    result = run_cli("--root", str(root), "build", "--out", str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: build failed: the manifest lists no documents")
    assert not (tmp_path / "out").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["root"]


@pytest.mark.parametrize("command", [["stats"], ["diff", "HEAD", "HEAD~1"], ["evaluate", "nowhere"]])
def test_read_only_commands_on_a_broken_corpus_end_in_one_error_line(root, command):
    _append_bytes(root, MENTIONS, b"{broken\n")
    result = run_cli("--root", str(root), *command)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip()
