"""The synthetic corpus generator: valid, deterministic, shaped like the real corpus, atomic."""

from __future__ import annotations

import filecmp
import json
import re
from pathlib import Path

import pytest

from newscorpus import schema, store
from newscorpus.bench import synth
from newscorpus.validate import validate_root


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_corpus_passes_the_validator_with_no_finding_at_all(small_corpus: Path) -> None:
    assert validate_root(small_corpus) == []


def test_every_document_has_the_configured_numbers_of_mentions_figures_and_stances(small_corpus: Path) -> None:
    templates = synth.load_templates()
    corpus = store.load_corpus(small_corpus)
    expected = {
        schema.ENTITY_MENTION.name: templates.mentions_per_document,
        schema.FIGURE.name: templates.figures_per_document,
        schema.STANCE.name: templates.stances_per_document,
    }
    for doc in corpus.documents:
        counts = {name: len(corpus.records(schema.shape_by_name(name), doc["doc_id"])) for name in expected}
        assert counts == expected, doc["doc_id"]


def test_documents_are_about_as_long_as_a_news_article(small_corpus: Path) -> None:
    target = synth.load_templates().target_chars
    corpus = store.load_corpus(small_corpus)
    lengths = [len(text) for text in corpus.texts.values()]
    assert min(lengths) >= target and max(lengths) <= target * 1.25


def test_every_name_occurrence_in_a_text_is_an_annotated_mention(small_corpus: Path) -> None:
    """Stronger than the validator's whole-word check: any case-insensitive occurrence counts."""
    corpus = store.load_corpus(small_corpus)
    names = {e["name"] for e in corpus.entity_table}
    for doc_id, text in corpus.texts.items():
        spans = {(m["start"], m["end"]) for m in corpus.records(schema.ENTITY_MENTION, doc_id)}
        for name in names:
            for match in re.finditer(re.escape(name), text, flags=re.IGNORECASE):
                assert (match.start(), match.end()) in spans, (doc_id, name, match.start())


def test_every_digit_lies_inside_a_figure(small_corpus: Path) -> None:
    corpus = store.load_corpus(small_corpus)
    for doc_id, text in corpus.texts.items():
        covered = set()
        for figure in corpus.records(schema.FIGURE, doc_id):
            covered.update(range(figure["start"], figure["end"]))
        assert [i for i, ch in enumerate(text) if ch.isdigit() and i not in covered] == [], doc_id


def test_records_are_marked_synthetic(small_corpus: Path) -> None:
    method = synth.load_templates().method
    corpus = store.load_corpus(small_corpus)
    assert {e["method"] for e in corpus.entity_table} == {method}
    for shape in schema.ANNOTATION_LAYERS:
        assert {r["method"] for doc in corpus.documents for r in corpus.records(shape, doc["doc_id"])} == {method}


def test_files_are_in_the_canonical_store_format(small_corpus: Path) -> None:
    layout = store.Layout(small_corpus)
    for shape in schema.ANNOTATION_LAYERS:
        for path in sorted(layout.layer_dir(shape).glob("*.jsonl")):
            records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            assert path.read_text(encoding="utf-8") == store.dumps_records(shape, records), path


def test_same_seed_writes_byte_identical_corpora(tmp_path: Path) -> None:
    synth.generate_corpus(tmp_path / "a", 8, seed=3)
    synth.generate_corpus(tmp_path / "b", 8, seed=3)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_another_seed_writes_other_texts(tmp_path: Path) -> None:
    synth.generate_corpus(tmp_path / "a", 3, seed=1)
    synth.generate_corpus(tmp_path / "b", 3, seed=2)
    texts_a = sorted(p.read_bytes() for p in (tmp_path / "a" / "corpus").glob("*.txt"))
    texts_b = sorted(p.read_bytes() for p in (tmp_path / "b" / "corpus").glob("*.txt"))
    assert set(texts_a).isdisjoint(texts_b)


def test_parallel_generation_writes_the_same_bytes_as_serial(tmp_path: Path) -> None:
    synth.generate_corpus(tmp_path / "serial", 20, seed=5, workers=1, chunk=6)
    synth.generate_corpus(tmp_path / "parallel", 20, seed=5, workers=2, chunk=6)
    comparison = filecmp.dircmp(tmp_path / "serial", tmp_path / "parallel")
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel"), comparison.report()


def test_a_failed_generation_leaves_neither_the_root_nor_a_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = synth.make_document

    def failing(seed, index, table, templates):
        if index == 4:
            raise RuntimeError("disk full")
        return real(seed, index, table, templates)

    monkeypatch.setattr(synth, "make_document", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        synth.generate_corpus(tmp_path / "root", 10, seed=0)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_regeneration_keeps_the_previous_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synth.generate_corpus(tmp_path / "root", 3, seed=0)
    before = _files(tmp_path / "root")
    monkeypatch.setattr(synth, "make_document", lambda *a: (_ for _ in ()).throw(RuntimeError("interrupted")))
    with pytest.raises(RuntimeError):
        synth.generate_corpus(tmp_path / "root", 5, seed=1)
    assert _files(tmp_path / "root") == before


def test_a_template_label_missing_from_its_inventory_is_named_in_the_error(tmp_path: Path) -> None:
    raw = json.loads(Path(synth.__file__).with_name(synth.TEMPLATES_FILE).read_text(encoding="utf-8"))
    raw["figures"][0]["kind"] = "NOT_A_KIND"
    bad = tmp_path / "templates.json"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(synth.TemplateError, match=r"templates\.json: figures\[0\]\.kind: 'NOT_A_KIND' is not in inventory figure_kind"):
        synth.load_templates(bad)


def test_a_template_sentence_with_a_digit_is_refused(tmp_path: Path) -> None:
    raw = json.loads(Path(synth.__file__).with_name(synth.TEMPLATES_FILE).read_text(encoding="utf-8"))
    raw["filler_sentences"].append("Talks lasted 3 hours.")
    bad = tmp_path / "templates.json"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(synth.TemplateError, match="holds a digit"):
        synth.load_templates(bad)


def test_the_corpus_has_every_split_in_the_configured_proportions(tmp_path: Path) -> None:
    weights = synth.load_templates().split_weights
    synth.generate_corpus(tmp_path / "root", 20, seed=0)
    splits = [d["split"] for d in store.load_corpus(tmp_path / "root").documents]
    assert {name: splits.count(name) for name in weights} == {name: 2 * w for name, w in weights.items()}

