"""``newscorpus agreement --between A B``: two annotation folders compared, on cases computed by hand.

The root has one document, ``d1``.  Folder A (the reference) and folder B name the same three
entities differently (``putin``/``vp``, ``india``/``ind``, ``us``/``usa``); B's ids are mapped to
A's before linking, stance holders and figures' measured entities are compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscorpus.cli import main
from newscorpus.labelstudio.agreement import between, entity_mapping

DOC = "d1"
TEXT = "Putin and Putin and India  at 50% tariff on it."


def _write(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _mention(start, end, label, entity_id, mention_type="NAM"):
    return {"start": start, "end": end, "label": label, "mention_type": mention_type, "entity_id": entity_id, "annotator": "x", "method": "llm-authored"}


def _figure(entity_ids):
    return {"figure_id": "f-001", "start": 30, "end": 33, "text": "50%", "kind": "PERCENT", "value": 50, "value_low": None, "value_high": None,
            "unit": "percent", "normalized": None, "approximate": False, "measured": "tariff rate", "measured_entity_ids": entity_ids,
            "annotator": "x", "method": "llm-authored"}


def _stance(holder, target, polarity, start, end):
    return {"holder_entity_id": holder, "target": target, "polarity": polarity, "evidence_start": start, "evidence_end": end, "annotator": "x", "method": "llm-authored"}


def _folder(path: Path, table: list[tuple[str, str]], mentions, figures, stances) -> Path:
    _write(path / "entity_table.jsonl", [{"entity_id": i, "name": n, "label": "GPE"} for i, n in table])
    _write(path / "entities" / f"{DOC}.jsonl", mentions)
    _write(path / "figures" / f"{DOC}.jsonl", figures)
    _write(path / "stances" / f"{DOC}.jsonl", stances)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    _write(tmp_path / "corpus" / "manifest.jsonl", [{"doc_id": DOC, "split": "test"}])
    (tmp_path / "corpus" / f"{DOC}.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


@pytest.fixture
def a(root: Path) -> Path:
    return _folder(
        root / "A",
        [("putin", "Vladimir Putin"), ("india", "India"), ("us", "United States")],
        [_mention(0, 5, "PERSON", "putin"), _mention(10, 15, "PERSON", "putin"), _mention(20, 25, "GPE", "india")],
        [_figure(["us", "india"])],
        [_stance("putin", "india_russia_partnership", "favor", 0, 15), _stance("india", "us_tariffs_on_india", "against", 20, 29)],
    )


@pytest.fixture
def b(root: Path) -> Path:
    # exact spans agree on 2 of 3 mentions ((20,26) is one character longer); holder "usa" has no mention
    return _folder(
        root / "B",
        [("vp", "Vladimir Putin"), ("ind", "India"), ("usa", "United States")],
        [_mention(0, 5, "PERSON", "vp"), _mention(10, 15, "PERSON", "vp"), _mention(20, 26, "GPE", "ind")],
        [_figure(["usa", "ind"])],
        [_stance("vp", "india_russia_partnership", "favor", 0, 15), _stance("ind", "us_tariffs_on_india", "favor", 22, 29)],
    )


def test_entity_ids_map_by_majority_of_shared_name_mentions_then_by_table_name(root, a, b):
    result = between(root, a, b)
    assert result["entity_mapping"]["changed"] == {
        "ind": {"to": "india", "by": "name"},  # its only NAM span (20,26) is not one of A's
        "usa": {"to": "us", "by": "name"},
        "vp": {"to": "putin", "by": "nam-majority"},
    }


def test_entity_mapping_prefers_the_majority_over_the_table_name():
    a_table = [{"entity_id": "india", "name": "India"}, {"entity_id": "new-delhi", "name": "New Delhi"}]
    a_mentions = {DOC: [_mention(0, 5, "GPE", "india"), _mention(9, 14, "GPE", "india"), _mention(20, 29, "GPE", "new-delhi")]}
    b_table = [{"entity_id": "delhi", "name": "New Delhi"}]
    b_mentions = {DOC: [_mention(0, 5, "GPE", "delhi"), _mention(9, 14, "GPE", "delhi"), _mention(20, 29, "GPE", "delhi")]}
    assert entity_mapping(a_table, a_mentions, b_table, b_mentions) == {"delhi": {"to": "india", "by": "nam-majority"}}


def test_an_entity_with_no_shared_name_mention_and_no_equal_name_is_unmapped():
    mapping = entity_mapping([{"entity_id": "india", "name": "India"}], {DOC: []}, [{"entity_id": "bharat", "name": "Bharat"}], {DOC: []})
    assert mapping == {"bharat": {"to": None, "by": "none"}}


def test_entity_span_f1_exact_and_overlap(root, a, b):
    entities = between(root, a, b)["spans_and_polarity"]["entities"]
    assert entities["exact_f1"] == pytest.approx(2 * 2 / (3 + 3))
    assert entities["overlap_f1"] == pytest.approx(1.0)


def test_linking_accuracy_counts_mapped_ids_on_strictly_matched_mentions(root, a, b):
    linking = between(root, a, b)["reference_scores"]["coreference"]["linking"]
    assert (linking["correct"], linking["matched"]) == (2, 2)


def test_coreference_is_scored_with_a_as_key(root, a, b):
    coref = between(root, a, b)["reference_scores"]["coreference"]
    # key {(0,5),(10,15)}, {(20,25)}; response {(0,5),(10,15)}, {(20,26)}: MUC recall 1/1, precision 1/1
    assert coref["muc"]["f1"] == pytest.approx(1.0)
    # B3 recall (2 + 0) / 3, precision (2 + 0) / 3
    assert coref["b3"]["recall"] == pytest.approx(2 / 3)
    assert coref["b3"]["precision"] == pytest.approx(2 / 3)


def test_stances_match_on_mapped_holders_and_polarity_kappa_is_computed_on_them(root, a, b):
    stances = between(root, a, b)["spans_and_polarity"]["stances"]
    # pairs (favor, favor), (against, favor): observed 1/2, expected (1*2)/4 = 1/2 -> kappa 0
    assert stances["matched"] == 2
    assert stances["polarity_cohen_kappa"] == pytest.approx(0.0)


def test_stance_tuples_with_a_as_reference(root, a, b):
    tuples = between(root, a, b)["reference_scores"]["stances"]["tuple"]
    assert (tuples["correct"], tuples["predicted"], tuples["gold"]) == (1, 2, 2)


def test_figure_fields_agree_after_mapping_measured_entities(root, a, b):
    assert between(root, a, b)["spans_and_polarity"]["figures"]["fields_agree"] == pytest.approx(1.0)


def test_annotators_are_counted_per_side(root, a, b):
    result = between(root, a, b)
    assert result["a"]["annotators"] == {"x": 6}  # 3 mentions, 1 figure, 2 stances
    assert result["b"]["entities_in_table"] == 3


def test_command_writes_the_json_result(root, a, b, capsys):
    out = root / "agreement.json"
    assert main(["--root", str(root), "agreement", "--between", str(a), str(b), "--b-guidelines", "abc1234", "--out", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["guidelines"]["b"] == "abc1234"
    assert written["spans_and_polarity"]["stances"]["matched"] == 2
    assert "d1" in written["documents"]


def test_a_bad_line_is_an_error_naming_the_file_and_line(root, a, b, capsys):
    (b / "stances" / f"{DOC}.jsonl").write_text("{not json\n", encoding="utf-8")
    assert main(["--root", str(root), "agreement", "--between", str(a), str(b)]) == 1
    err = capsys.readouterr().err
    assert f"stances/{DOC}.jsonl:1" in err
    assert "Traceback" not in err


def test_a_missing_folder_is_an_error(root, a, capsys):
    assert main(["--root", str(root), "agreement", "--between", str(a), str(root / "nowhere")]) == 1
    assert "nowhere: not a folder" in capsys.readouterr().err


def test_markdown_reports_the_figures_with_the_caveat(root, a, b):
    from newscorpus.labelstudio.agreement import agreement_markdown
    from newscorpus.texts import TEXTS

    result = between(root, a, b)
    result["guidelines"] = {"a": "1234567abc", "b": "edd489e"}
    text = agreement_markdown(result)
    assert "| stances | polarity Cohen's kappa | 0.000 |" in text
    assert "| entities | span F1, exact (start, end, label) | 0.667 | 3 vs 3 mentions |" in text
    assert "`edd489e` for the second annotation" in text
    assert TEXTS["agreement_caveat"].rstrip() in text


def test_markdown_without_a_result_says_there_is_no_study():
    from newscorpus.labelstudio.agreement import agreement_markdown

    assert agreement_markdown(None).startswith("No agreement study")


def test_a_span_past_the_text_is_an_error_naming_file_line_and_reason(root, a, b, capsys):
    (b / "figures" / f"{DOC}.jsonl").write_text(json.dumps({**_figure([]), "start": 30, "end": 999}) + "\n", encoding="utf-8")
    assert main(["--root", str(root), "agreement", "--between", str(a), str(b)]) == 1
    err = capsys.readouterr().err
    assert f"figures/{DOC}.jsonl:1: start/end 30..999 out of range" in err


def test_a_mention_without_entity_id_is_an_error(root, a, b, capsys):
    mention = _mention(0, 5, "PERSON", None)
    (b / "entities" / f"{DOC}.jsonl").write_text(json.dumps(mention) + "\n", encoding="utf-8")
    assert main(["--root", str(root), "agreement", "--between", str(a), str(b)]) == 1
    assert f"entities/{DOC}.jsonl:1: missing required field 'entity_id'" in capsys.readouterr().err
