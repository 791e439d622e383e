"""Reading a Label Studio JSON export: tasks stream out one at a time, equal to what json.load reads,
and a broken file is refused with its name and the place that is wrong."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from newscorpus.labelstudio.client import LabelStudioError, read_export


def _tasks(n: int) -> list[dict]:
    """Tasks with the value kinds an export carries: non-ASCII text, ints, floats, nulls, nested lists."""
    return [
        {"id": i, "data": {"text": f"Модийн саммит № {i} — “quoted” \u00e9\U0001F600", "doc_id": f"doc-{i:03d}"},
         "annotations": [{"id": 10 * i, "lead_time": 42.5 + i, "score": 1e-7, "big": 12345678901234567890,
                          "draft_created_at": None, "result": [{"id": "m1", "value": {"start": 0, "end": 5}}]}],
         "predictions": []}
        for i in range(n)
    ]


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "export.json"
    path.write_bytes(text.encode(encoding))
    return path


def test_tasks_read_through_read_export_equal_json_load_of_the_same_file(tmp_path):
    path = _write(tmp_path, json.dumps(_tasks(5), ensure_ascii=False, indent=2))
    expected = json.loads(path.read_bytes())
    assert repr(list(read_export(path))) == repr(expected)  # repr: 42.5 must stay a float, 7 an int


@pytest.mark.parametrize("chunk_chars", [1, 2, 3, 7, 64, 333, 4096])
def test_tasks_split_across_read_chunks_are_read_whole(tmp_path, chunk_chars):
    path = _write(tmp_path, json.dumps(_tasks(4), ensure_ascii=False))
    assert list(read_export(path, chunk_chars=chunk_chars)) == json.loads(path.read_bytes())


def test_each_task_is_handed_out_before_the_rest_of_the_file_is_read(tmp_path):
    good = json.dumps(_tasks(1)[0])
    path = _write(tmp_path, "[" + good + ",\n" + "x" * 100_000 + "]")
    tasks = read_export(path, chunk_chars=256)
    assert next(tasks) == json.loads(good)
    with pytest.raises(LabelStudioError):
        next(tasks)


def test_reading_a_large_export_holds_about_one_task_in_memory(tmp_path):
    path = _write(tmp_path, json.dumps(_tasks(2000)))
    tracemalloc.start()
    try:
        for _ in read_export(path, chunk_chars=4096):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < path.stat().st_size // 4


def test_a_malformed_task_is_refused_naming_the_file_the_task_and_the_line(tmp_path):
    tasks = [json.dumps(t) for t in _tasks(3)]
    tasks[1] = tasks[1].replace('"doc_id"', "doc_id", 1)
    path = _write(tmp_path, "[\n" + ",\n".join(tasks) + "\n]\n")
    with pytest.raises(LabelStudioError, match=r"export\.json: not a JSON export: .* in task #1 at line 3, column \d+"):
        list(read_export(path, chunk_chars=50))


def test_the_reported_position_is_that_of_the_whole_file_not_of_the_read_chunk(tmp_path):
    text = "[\n" + ",\n".join(json.dumps(t) for t in _tasks(3)) + "\n, ]"
    bad_at = text.rindex("]")
    path = _write(tmp_path, text)
    with pytest.raises(LabelStudioError, match=rf"at line 5, column 3 \(character {bad_at + 1}\)"):
        list(read_export(path, chunk_chars=16))


def test_an_export_that_is_not_a_list_is_refused(tmp_path):
    path = _write(tmp_path, json.dumps({"id": 1, "data": {}}))
    with pytest.raises(LabelStudioError, match=r"export\.json: .*a list of tasks, got an object"):
        list(read_export(path))


def test_an_empty_file_is_refused(tmp_path):
    path = _write(tmp_path, "  \n")
    with pytest.raises(LabelStudioError, match=r"export\.json: .*got an empty file"):
        list(read_export(path))


def test_a_list_that_is_never_closed_is_refused(tmp_path):
    path = _write(tmp_path, "[" + json.dumps(_tasks(1)[0]) + ",\n")
    with pytest.raises(LabelStudioError, match=r"export\.json: .*not closed"):
        list(read_export(path))


def test_data_after_the_list_is_refused(tmp_path):
    path = _write(tmp_path, json.dumps(_tasks(1)) + "\n[]")
    with pytest.raises(LabelStudioError, match=r"export\.json: .*unexpected data after the list"):
        list(read_export(path))


def test_tasks_without_a_separating_comma_are_refused(tmp_path):
    path = _write(tmp_path, "[" + json.dumps(_tasks(1)[0]) + " " + json.dumps(_tasks(1)[0]) + "]")
    with pytest.raises(LabelStudioError, match=r"expected ',' or '\]' after task #0"):
        list(read_export(path))


def test_a_task_without_a_data_object_is_refused_by_its_index(tmp_path):
    path = _write(tmp_path, json.dumps([_tasks(1)[0], {"id": 2}]))
    with pytest.raises(LabelStudioError, match=r"export\.json: task #1 has no data object"):
        list(read_export(path))


def test_an_empty_list_has_no_tasks(tmp_path):
    assert list(read_export(_write(tmp_path, " [ ] \n"))) == []


def test_a_utf16_export_is_read_like_json_loads_reads_its_bytes(tmp_path):
    path = _write(tmp_path, json.dumps(_tasks(2), ensure_ascii=False), encoding="utf-16")
    assert list(read_export(path, chunk_chars=10)) == json.loads(path.read_bytes())


def test_an_export_saved_with_a_utf8_byte_order_mark_is_read(tmp_path):
    path = _write(tmp_path, json.dumps(_tasks(2), ensure_ascii=False), encoding="utf-8-sig")
    assert list(read_export(path)) == json.loads(path.read_bytes())


def test_bytes_that_are_not_utf8_are_refused_naming_the_file(tmp_path):
    path = tmp_path / "export.json"
    path.write_bytes(b'[{"data": {"text": "caf\xe9"}}]')
    with pytest.raises(LabelStudioError, match=r"export\.json: not a JSON export: .* not valid utf-8"):
        list(read_export(path))


def test_a_missing_export_file_is_refused_naming_it(tmp_path):
    with pytest.raises(LabelStudioError, match=r"nothere\.json: cannot read the export"):
        list(read_export(tmp_path / "nothere.json"))


# --------------------------------------------------------------------------- values json reads and the read chunks


@pytest.mark.parametrize("odd_value", ["NaN", "Infinity", "1E400", '"\\ud83d"'], ids=["nan", "infinity", "huge", "lone-surrogate"])
def test_odd_json_values_are_read_as_json_loads_reads_them_once_each_task(tmp_path, odd_value):
    tasks = [json.dumps(t, ensure_ascii=False) for t in _tasks(5)]
    tasks[3] = tasks[3].replace('"score": 1e-07', f'"score": {odd_value}', 1)
    assert odd_value in tasks[3]
    path = _write(tmp_path, "[" + ", ".join(tasks) + "]")
    assert repr(list(read_export(path, chunk_chars=64))) == repr(json.loads(path.read_bytes()))


def test_a_broken_task_after_good_ones_is_refused_with_its_line(tmp_path):
    tasks = [json.dumps(t) for t in _tasks(4)]
    tasks[2] = tasks[2].replace('"doc_id"', "doc_id", 1)
    path = _write(tmp_path, "[\n" + ",\n".join(tasks) + "\n]\n")
    read = read_export(path, chunk_chars=64)
    assert [next(read)["id"], next(read)["id"]] == [0, 1]
    with pytest.raises(LabelStudioError, match=r"in task #2 at line 4, column \d+"):
        next(read)


@pytest.mark.parametrize("chunk_chars", [1, 5, 4096])
def test_numbers_and_whitespace_cut_by_a_read_chunk_are_read_whole(tmp_path, chunk_chars):
    tasks = [{"id": 1234567, "data": {"doc_id": "d"}, "score": 0.000123456789}] * 3
    path = _write(tmp_path, "[ " + " ,\n\t ".join(json.dumps(t) for t in tasks) + " \r\n]  \n")
    assert repr(list(read_export(path, chunk_chars=chunk_chars))) == repr(tasks)
