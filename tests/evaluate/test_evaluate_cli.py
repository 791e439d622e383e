"""``newscorpus evaluate``: bad predictions are listed with file, line and reason (exit 1, no
traceback); good ones are scored; the JSON layout has the documented keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscorpus.cli import main

from evaluate_fixture_corpus import TEST_TEXT, scores_of, write_jsonl


def evaluate(root: Path, pred: Path, capsys, *extra: str) -> tuple[int, str, str]:
    code = main(["--root", str(root), "evaluate", str(pred), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_gold_against_itself_scores_one_for_every_defined_metric(root, gold_predictions, capsys):
    code, out, _ = evaluate(root, gold_predictions, capsys, "--format", "json")
    assert code == 0
    scores = scores_of(json.loads(out))
    assert len(scores) > 40
    # the fixture has no 'against' stance, so F_against and F_avg are undefined (None), never below 1
    assert {p: v for p, v in scores.items() if v != 1.0} == {".stances.semeval2016.against_f1": None, ".stances.semeval2016.f_avg": None}


def test_json_has_the_documented_keys(root, gold_predictions, capsys):
    result = json.loads(evaluate(root, gold_predictions, capsys, "--format", "json")[1])
    assert list(result) == ["split", "documents", "entities", "coreference", "figures", "stances"]
    for layer, metric in (("entities", "strict"), ("entities", "names"), ("figures", "span_kind"), ("figures", "span_overlap"), ("stances", "tuple")):
        assert {"precision", "recall", "f1"} <= set(result[layer][metric]), (layer, metric)
    assert set(result["entities"]["semeval2013"]) == {"strict", "exact", "partial", "type"}
    assert {"muc", "b3", "ceaf_e", "conll_f1", "linking"} == set(result["coreference"])
    assert {"f_avg", "favor_f1", "against_f1", "pairs"} == set(result["stances"]["semeval2016"])


def test_text_output_is_a_table_naming_each_metric(root, gold_predictions, capsys):
    code, out, _ = evaluate(root, gold_predictions, capsys)
    assert code == 0
    assert out.splitlines()[1].split() == ["metric", "precision", "recall", "F1", "counts"]
    assert "entities.strict" in out and "coreference.conll_f1" in out and "stances.semeval2016" in out


def test_an_absent_layer_folder_is_not_scored(root, gold_predictions, capsys):
    import shutil

    shutil.rmtree(gold_predictions / "stances")
    code, out, _ = evaluate(root, gold_predictions, capsys, "--format", "json")
    assert code == 0 and json.loads(out)["stances"] is None and json.loads(out)["entities"] is not None


def test_a_document_without_a_file_has_no_predictions(root, gold_predictions, capsys):
    (gold_predictions / "figures" / "test-doc.jsonl").unlink()
    result = json.loads(evaluate(root, gold_predictions, capsys, "--format", "json")[1])
    assert result["figures"]["span_kind"]["predicted"] == 0 and result["figures"]["span_kind"]["recall"] == 0.0


def test_only_the_fields_a_metric_reads_are_required(root, tmp_path, capsys):
    pred = tmp_path / "minimal"
    start = TEST_TEXT.index("Russia")
    write_jsonl(pred / "entities" / "test-doc.jsonl", [{"start": start, "end": start + 6, "label": "GPE"}])
    code, out, err = evaluate(root, pred, capsys, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["entities"]["strict"]["correct"] == 1


BAD_LINES = {
    "offsets out of range": ({"start": 5, "end": 999, "label": "GPE"}, "out of range"),
    "text differs": ({"start": 0, "end": 8, "text": "Narendra Modi", "label": "PERSON"}, "differs from text[0:8]"),
    "unknown label": ({"start": 0, "end": 8, "label": "CITY"}, "unknown label 'CITY'"),
    "missing field": ({"start": 0, "end": 8}, "missing required field 'label'"),
    "wrong type": ({"start": "0", "end": 8, "label": "GPE"}, "start: expected int"),
}


@pytest.mark.parametrize("case", list(BAD_LINES))
def test_a_bad_record_is_reported_with_file_line_and_reason(root, gold_predictions, capsys, case):
    record, reason = BAD_LINES[case]
    path = gold_predictions / "entities" / "test-doc.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], json.dumps(record), *lines[1:]]) + "\n", encoding="utf-8")
    code, out, err = evaluate(root, gold_predictions, capsys)
    assert code == 1 and out == ""
    assert f"{path}:2: " in err and reason in err
    assert "Traceback" not in err


def test_broken_json_is_reported_with_its_line(root, gold_predictions, capsys):
    path = gold_predictions / "stances" / "test-doc.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + '{"holder_entity_id": \n', encoding="utf-8")
    code, _, err = evaluate(root, gold_predictions, capsys)
    assert code == 1 and f"{path}:3: invalid JSON" in err


def test_a_line_that_is_not_utf8_is_reported_with_its_line(root, gold_predictions, capsys):
    path = gold_predictions / "figures" / "test-doc.jsonl"
    path.write_bytes(b'{"start": 1}\n\xff\xfe\n')
    code, _, err = evaluate(root, gold_predictions, capsys)
    assert code == 1 and f"{path}:2: not UTF-8" in err


def test_a_document_outside_the_split_is_reported(root, gold_predictions, capsys):
    write_jsonl(gold_predictions / "entities" / "train-doc.jsonl", [])
    code, _, err = evaluate(root, gold_predictions, capsys)
    assert code == 1 and "train-doc.jsonl: document 'train-doc' is not in the split 'test'" in err


def test_a_predictions_folder_without_layers_is_refused(root, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, _, err = evaluate(root, tmp_path / "empty", capsys)
    assert code == 1 and "no layer folder" in err


def test_every_problem_is_listed_not_only_the_first(root, gold_predictions, capsys):
    write_jsonl(gold_predictions / "entities" / "test-doc.jsonl", [{"start": 0, "end": 8, "label": "X"}, {"start": 0}])
    _, _, err = evaluate(root, gold_predictions, capsys)
    assert ":1: label: unknown label 'X'" in err and ":2: missing required field 'end'" in err and ":2: missing required field 'label'" in err
