"""The per-line JSON reader the validator streams with accepts and rejects exactly what json.loads does."""

from __future__ import annotations

import json
from pathlib import Path

from newscorpus import store


def _lines(tmp_path: Path, content: str) -> list[tuple[int, dict | None, str | None]]:
    path = tmp_path / "f.jsonl"
    path.write_text(content, encoding="utf-8")
    return list(store.iter_json_lines(path))


def test_blank_and_whitespace_lines_are_skipped(tmp_path):
    assert _lines(tmp_path, '\n   \n{"a": 1}\n\t\n') == [(3, {"a": 1}, None)]


def test_leading_and_trailing_json_whitespace_is_accepted(tmp_path):
    assert _lines(tmp_path, ' \t{"a": 1} \r\n') == [(1, {"a": 1}, None)]


def test_trailing_data_is_reported_as_json_loads_words_it(tmp_path):
    try:
        json.loads('{"a": 1} x')
    except json.JSONDecodeError as exc:
        expected = f"invalid JSON: {exc.msg} (column {exc.colno})"
    assert _lines(tmp_path, '{"a": 1} x\n') == [(1, None, expected)]


def test_a_line_that_is_not_an_object_is_reported(tmp_path):
    assert _lines(tmp_path, "[1, 2]\n") == [(1, None, "expected a JSON object, got list")]


def test_read_jsonl_gives_the_same_lines_with_their_path(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_text('{"a": 1}\n{bad\n', encoding="utf-8")
    assert [(line.path, line.line_no, line.record, line.error) for line in store.read_jsonl(path)] == [
        (path, n, record, error) for n, record, error in store.iter_json_lines(path)
    ]
