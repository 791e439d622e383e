"""Surface-form consistency: one trie regex over all annotated names, scanned once per text."""

from __future__ import annotations

import json
from collections import Counter

from newscorpus import schema
from newscorpus.checks.guidelines import FormIndex
from newscorpus.validate import validate_root


def matches(forms: list[str], text: str) -> list[str]:
    index = FormIndex(labels={form: Counter({"X": 1}) for form in forms})
    return [m.group() for m in index.pattern().finditer(text)]


def test_pattern_prefers_the_longest_form_at_a_position():
    assert matches(["Sputnik", "Sputnik India", "India"], "Sputnik India said") == ["Sputnik India"]


def test_pattern_matches_whole_words_only():
    assert matches(["India"], "Indiana and India") == ["India"]


def test_pattern_falls_back_to_a_shorter_form_when_the_longer_breaks_a_word():
    assert matches(["New", "New Delhi"], "New Delhiites") == ["New"]


def test_pattern_treats_punctuation_in_forms_literally():
    assert matches(["U.S."], "U.S. and UXSX") == ["U.S."]


def test_pattern_needs_a_non_word_character_before_a_form_that_starts_with_punctuation():
    assert matches(["(Moscow"], "a(Moscow b (Moscow") == ["(Moscow"]


def test_pattern_needs_a_non_word_character_before_a_form_that_starts_with_a_newline():
    assert matches(["\nX"], "a\nX") == []


def test_pattern_finds_every_occurrence():
    assert matches(["Putin", "Modi"], "Putin met Modi; Putin left.") == ["Putin", "Modi", "Putin"]


def test_expected_label_is_the_most_frequent():
    index = FormIndex(labels={"Kremlin": Counter({"FAC": 1, "ORG": 3})})
    assert index.expected_label("Kremlin") == "ORG"


def test_expected_label_tie_goes_to_the_inventory_order():
    first, second = schema.ENTITY_LABELS.names[:2]
    index = FormIndex(labels={"Form": Counter({second: 1, first: 1})})
    assert index.expected_label("Form") == first


def _rewrite(path, mutate) -> None:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        mutate(record)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_occurrence_labelled_differently_names_both_labels(make_root):
    root = make_root()
    first, second = schema.ENTITY_LABELS.names[:2]
    table = root / "annotations" / "entity_table.jsonl"
    _rewrite(table, lambda r: r.update(label=first) if r["entity_id"] == "valdoria" else None)
    with table.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({**json.loads(table.read_text().splitlines()[-1]), "entity_id": "valdoria-2", "label": second}) + "\n")
    _rewrite(root / "annotations" / "entities" / "alpha.jsonl", lambda r: r.update(label=first) if r["entity_id"] == "valdoria" else None)
    _rewrite(root / "annotations" / "entities" / "beta.jsonl", lambda r: r.update(label=first) if r["entity_id"] == "valdoria" else None)
    _rewrite(
        root / "annotations" / "entities" / "beta.jsonl",
        lambda r: r.update(label=second, entity_id="valdoria-2") if r["text"] == "Valdoria" else None,
    )
    # beta's stance holder follows its only mention, which now names the second entity
    _rewrite(root / "annotations" / "stances" / "beta.jsonl", lambda r: r.update(holder_entity_id="valdoria-2"))
    (found,) = validate_root(root)
    assert (found.check, found.file) == (schema.INCONSISTENT_SURFACE_FORM, "corpus/beta.txt")
    assert f"is labelled {second} (m1) here but annotated {first}" in found.message
