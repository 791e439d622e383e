"""The reference baselines: what each predicts on small texts, and the command that writes them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newscorpus.cli import main
from newscorpus.evaluate import baselines, scorer
from newscorpus.evaluate.baselines import figures as figure_rules
from newscorpus.evaluate.baselines import gazetteer, stance
from newscorpus.corpus import load_corpus

from evaluate_fixture_corpus import TEST_TEXT


def test_gazetteer_takes_the_train_names_with_their_label_and_entity(root):
    names = gazetteer.train_names(load_corpus(root))
    assert names == {
        "Vladimir Putin": ("PERSON", "vladimir-putin"), "Narendra Modi": ("PERSON", "narendra-modi"),
        "New Delhi": ("GPE", "new-delhi"), "Putin": ("PERSON", "vladimir-putin"), "India": ("GPE", "india"),
    }  # "he" is a PRO mention, not a name


def test_gazetteer_finds_whole_words_only_and_the_longest_form_first():
    found = gazetteer.find_names("Vladimir Putin, Putinism, Putin.", ["Putin", "Vladimir Putin"])
    assert found == [(0, 14, "Vladimir Putin"), (26, 31, "Putin")]


def test_gazetteer_predicts_name_mentions_in_the_test_text(root):
    predicted = gazetteer.predict(load_corpus(root), ["test-doc"])["entities"]["test-doc"]
    assert [(m["text"], m["label"], m["mention_type"], m["entity_id"]) for m in predicted] == [
        ("Narendra Modi", "PERSON", "NAM", "narendra-modi"),
        ("Vladimir Putin", "PERSON", "NAM", "vladimir-putin"),
        ("New Delhi", "GPE", "NAM", "new-delhi"),
    ]  # "Modi" alone and "Russia" never occur as train names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trade of $100bn", [("$100bn", "MONEY", 100_000_000_000, "USD", None)]),
        ("Rs 2,000 crore", [("Rs 2,000 crore", "MONEY", 20_000_000_000, "INR", None)]),
        ("40 million dollars", [("40 million dollars", "MONEY", 40_000_000, "USD", None)]),
        ("a 25-percent duty and 3.5% more", [("25-percent", "PERCENT", 25, "percent", None), ("3.5%", "PERCENT", 3.5, "percent", None)]),
        ("from 2009–2013", [("2009–2013", "DATE", None, None, "2009/2013")]),
        ("in December 2021", [("December 2021", "DATE", None, None, "2021-12")]),
        ("on Friday, December 5", [("Friday, December 5", "DATE", None, None, "2025-12-05")]),
        ("on 7 March 2024", [("7 March 2024", "DATE", None, None, "2024-03-07")]),
        ("by 2030", [("2030", "DATE", None, None, "2030")]),
        ("a two-day visit", [("two-day", "DURATION", 2, "day", "P2D")]),
        ("the 2nd round", [("2nd", "ORDINAL", 2, "rank", None)]),
        ("1,200 troops and three tanks", [("1,200", "CARDINAL", 1200, "count", None), ("three", "CARDINAL", 3, "count", None)]),
        ("S-400 systems", [("400", "CARDINAL", 400, "count", None)]),
        ("someone stone", []),
    ],
)
def test_figure_rules(text, expected):
    found = figure_rules.extract(text, date(2025, 12, 7))
    assert [(f["text"], f["kind"], f["value"], f["unit"], f["normalized"]) for f in found] == expected


def test_a_date_without_year_or_publication_date_stays_unresolved():
    (found,) = figure_rules.extract("on December 5", None)
    assert (found["normalized"], found["approximate"]) == (None, True)


def test_majority_stance_predicts_one_stance_per_train_holder_named_in_the_text(root):
    """Train has one stance: vladimir-putin, india_russia_partnership, favor.  The test text names
    Vladimir Putin, so he gets that target and the majority polarity; Narendra Modi holds no train
    stance, so nothing is predicted for him.  Evidence is the whole text."""
    predicted = stance.predict(load_corpus(root), ["test-doc"])["stances"]["test-doc"]
    assert [(s["holder_entity_id"], s["target"], s["polarity"], s["evidence_start"], s["evidence_end"]) for s in predicted] == [
        ("vladimir-putin", "india_russia_partnership", "favor", 0, len(TEST_TEXT)),
    ]


def test_majority_ties_go_to_the_earlier_inventory_label():
    from collections import Counter

    assert stance._most_common(Counter({"against": 2, "favor": 2, "neutral": 1}), ["favor", "against", "neutral"]) == "favor"


def test_baseline_command_output_is_scored_by_evaluate_like_the_in_memory_predictions(root, tmp_path, capsys):
    out = tmp_path / "baselines"
    assert main(["--root", str(root), "baseline", "all", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["--root", str(root), "evaluate", str(out), "--format", "json"]) == 0
    from_files = json.loads(capsys.readouterr().out)
    corpus = load_corpus(root)
    in_memory = scorer.score(corpus, "test", baselines.predict_all(corpus, ["test-doc"]))
    assert from_files == json.loads(json.dumps(in_memory))
    assert all(from_files[layer] is not None for layer in ("entities", "coreference", "figures", "stances"))


def test_one_baseline_writes_only_its_layer(root, tmp_path, capsys):
    out = tmp_path / "gaz"
    assert main(["--root", str(root), "baseline", "gazetteer", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["entities"]


def test_baseline_refuses_to_overwrite_a_layer_folder(root, tmp_path, capsys):
    out = tmp_path / "mine"
    (out / "entities").mkdir(parents=True)
    (out / "entities" / "test-doc.jsonl").write_text("mine\n", encoding="utf-8")
    assert main(["--root", str(root), "baseline", "gazetteer", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "entities" / "test-doc.jsonl").read_text(encoding="utf-8") == "mine\n"


def test_a_layer_with_no_prediction_still_gets_its_folder(tmp_path):
    written = baselines.write(tmp_path / "out", {"figures": {"d": []}})
    assert written == [] and (tmp_path / "out" / "figures").is_dir()


def test_every_baseline_on_the_committed_corpus_passes_the_prediction_checks(tmp_path, capsys):
    """Every kind, label and offset the baselines write on the real texts is accepted by evaluate."""
    repo = Path(__file__).resolve().parents[2]
    out = tmp_path / "real"
    assert main(["--root", str(repo), "baseline", "all", "--out", str(out)]) == 0
    assert main(["--root", str(repo), "evaluate", str(out)]) == 0, capsys.readouterr().err
