"""The one JSONL reader (``corpus.iter_lines``): what it yields for every kind of line and file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newscorpus import corpus, schema


def _lines(tmp_path: Path, content: str | bytes) -> list[tuple[int, dict | None, str | None]]:
    path = tmp_path / "f.jsonl"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return [(line.no, line.record, line.error) for line in corpus.iter_lines(path)]


def _json_error(text: str) -> str:
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    raise AssertionError("valid JSON")


def test_blank_and_whitespace_lines_are_skipped(tmp_path):
    assert _lines(tmp_path, '\n   \n{"a": 1}\n\t\n') == [(3, {"a": 1}, None)]


def test_leading_and_trailing_json_whitespace_is_accepted(tmp_path):
    assert _lines(tmp_path, ' \t{"a": 1} \r\n') == [(1, {"a": 1}, None)]


def test_lines_end_at_a_lone_carriage_return_as_text_mode_reads_them(tmp_path):
    assert _lines(tmp_path, '{"a": 1}\r{"b": 2}') == [(1, {"a": 1}, None), (2, {"b": 2}, None)]


def test_trailing_data_is_reported_as_json_loads_words_it(tmp_path):
    assert _lines(tmp_path, '{"a": 1} x\n') == [(1, None, _json_error('{"a": 1} x'))]


def test_a_line_that_is_not_an_object_is_reported(tmp_path):
    assert _lines(tmp_path, "[1, 2]\n") == [(1, None, "expected a JSON object, got list")]


def test_numbers_json_reads_but_msgspec_refuses_are_read_as_json_reads_them(tmp_path):
    [(_, record, error)] = _lines(tmp_path, '{"a": NaN, "b": 1e400}\n')
    assert error is None and record["a"] != record["a"] and record["b"] == float("inf")


def test_a_line_that_is_not_utf8_is_reported_with_its_line_and_byte(tmp_path):
    assert _lines(tmp_path, b'{"a": 1}\n{"b": "\xff"}\n') == [(1, {"a": 1}, None), (2, None, "not UTF-8: invalid start byte at byte 7 of the line")]


def test_deeply_nested_json_is_reported_not_raised(tmp_path):
    [(no, record, error)] = _lines(tmp_path, "[" * 100_000 + "]" * 100_000 + "\n")
    assert (no, record) == (1, None) and error == "invalid JSON: nested too deeply"


def test_a_missing_file_has_no_lines(tmp_path):
    assert list(corpus.iter_lines(tmp_path / "absent.jsonl")) == []


def test_a_folder_where_a_file_belongs_is_an_error(tmp_path):
    (tmp_path / "f.jsonl").mkdir()
    with pytest.raises(corpus.CorpusError, match="is a folder"):
        list(corpus.iter_lines(tmp_path / "f.jsonl"))


def test_a_fifo_where_a_file_belongs_is_an_error_and_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "f.jsonl")
    with pytest.raises(corpus.CorpusError, match="is a FIFO"):
        list(corpus.iter_lines(tmp_path / "f.jsonl"))


def test_a_link_out_of_the_root_is_an_error(tmp_path):
    outside = tmp_path / "outside.jsonl"
    outside.write_text('{"a": 1}\n')
    root = tmp_path / "root"
    root.mkdir()
    (root / "f.jsonl").symlink_to(outside)
    with pytest.raises(corpus.CorpusError, match="outside the corpus root"):
        list(corpus.iter_lines(root / "f.jsonl", root))


def test_a_record_of_its_shape_fits_the_typed_record(tmp_path):
    record = {"exception_id": "x-1", "check": schema.UNCOVERED_DIGIT, "start": 0, "end": 1, "text": "1", "reason": "r", "annotator": "a", "method": "manual"}
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps({**record, "check": "nope"}) + "\n")
    assert [line.fits for line in corpus.iter_lines(path, shape=schema.EXCEPTION)] == [True, False]


def test_a_file_of_many_blocks_reads_every_line_once_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "BLOCK_BYTES", 16)
    content = "".join(json.dumps({"n": n}) + ("\r\n" if n % 3 else "\n") for n in range(50))
    assert _lines(tmp_path, content) == [(n + 1, {"n": n}, None) for n in range(50)]


def test_two_objects_on_one_line_are_one_bad_line_whatever_the_rest_of_the_file(tmp_path):
    lines = _lines(tmp_path, '{"a": 1}\n{"b": 2}{"c": 3}\n{"d": 4}\n')
    assert lines == [(1, {"a": 1}, None), (2, None, _json_error('{"b": 2}{"c": 3}')), (3, {"d": 4}, None)]


def test_an_object_over_two_lines_is_two_bad_lines_not_one_record(tmp_path):
    lines = _lines(tmp_path, '{"a": 1}\n{"b":\n 2}\n')
    assert [(no, record) for no, record, _ in lines] == [(1, {"a": 1}), (2, None), (3, None)]


def test_line_numbers_count_blank_lines_between_records(tmp_path):
    assert _lines(tmp_path, '{"a": 1}\n\n{"b": 2}\n') == [(1, {"a": 1}, None), (3, {"b": 2}, None)]


def test_content_read_elsewhere_is_parsed_as_a_file_and_names_its_source_on_a_bad_line():
    assert corpus.parse_records(b'{"a": 1}\r\n\n{"b": 2}', "manifest at v1") == [{"a": 1}, {"b": 2}]
    with pytest.raises(corpus.CorpusError, match=r"^manifest at v1:2: expected a JSON object"):
        corpus.parse_records(b'{"a": 1}\n[2]\n', "manifest at v1")
