"""`newscorpus diff`: per-layer differences between two git revisions or two export folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscorpus import diff
from newscorpus.cli import main


def _edit(root: Path, fx, layer: str, doc: str, fn) -> None:
    path = root / "annotations" / layer / f"{doc}.jsonl" if doc else root / "annotations" / f"{layer}.jsonl"
    fx.write_jsonl(path, fn(fx.read_jsonl(path)))


def _second_revision(root: Path, fx) -> None:
    """One record of each kind of change: a relabel, a removal, additions and a field fix."""

    def relabel(records):
        return [{**r, "label": "LOC"} if r["mention_id"] == "m-003" else r for r in records]

    def add_mention(records):
        start = fx.text_test.index("met")
        return [*records, {**records[0], "mention_id": "m-004", "start": start, "end": start + 3, "text": "met"}]

    _edit(root, fx, "entities", "d2", lambda rs: add_mention(relabel(rs)))
    _edit(root, fx, "entities", "d1", lambda rs: [r for r in rs if r["mention_id"] != "m-004"])
    _edit(root, fx, "figures", "d1", lambda rs: [{**rs[0], "value": 3, "measured": "visit length"}])
    _edit(root, fx, "entity_table", "", lambda rs: [*rs, {**rs[0], "entity_id": "russia", "name": "Russia"}])
    fx.commit_all(root, "second revision")


@pytest.fixture
def history(git_root: Path, fx) -> Path:
    _second_revision(git_root, fx)
    return git_root


def test_summary_counts_added_removed_and_changed_records_per_layer(history: Path) -> None:
    result = diff.diff(history, "HEAD~1", "HEAD")
    assert diff.summary_lines(result) == [
        "manifest: 0 added, 0 removed, 0 changed (2 -> 2 records)",
        "entity_table: 1 added, 0 removed, 0 changed (4 -> 5 records)",
        "entities: 1 added, 1 removed, 1 changed (7 -> 7 records)",
        "figures: 0 added, 0 removed, 1 changed (1 -> 1 records)",
        "stances: 0 added, 0 removed, 0 changed (1 -> 1 records)",
    ]


def test_records_are_matched_by_document_and_id(history: Path) -> None:
    entities = diff.diff(history, "HEAD~1", "HEAD").layer("entities")
    assert (entities.added, entities.removed) == ([("d2", "m-004")], [("d1", "m-004")])


def test_a_changed_record_lists_each_changed_field_old_and_new(history: Path) -> None:
    figures = diff.diff(history, "HEAD~1", "HEAD").layer("figures")
    assert [(c.doc_id, c.record_id, c.fields) for c in figures.changed] == [
        ("d1", "f-001", {"value": (2, 3), "measured": ("length of Putin's visit to India", "visit length")})
    ]


def test_label_counts_are_given_before_and_after(history: Path) -> None:
    entities = diff.diff(history, "HEAD~1", "HEAD").layer("entities")
    assert entities.label_rows("label") == [("PERSON", 5, 5), ("GPE", 2, 1), ("LOC", 0, 1)]


def test_identical_revisions_have_an_empty_diff(history: Path) -> None:
    assert diff.diff(history, "HEAD", "HEAD").is_empty


def test_a_document_added_later_shows_in_the_manifest_and_its_layers(git_root: Path, fx) -> None:
    manifest = git_root / "corpus" / "manifest.jsonl"
    (git_root / "corpus" / "d3.txt").write_text("India.", encoding="utf-8")
    fx.write_jsonl(manifest, [*fx.read_jsonl(manifest), {**fx.read_jsonl(manifest)[1], "doc_id": "d3"}])
    fx.write_jsonl(git_root / "annotations" / "entities" / "d3.jsonl", [fx.read_jsonl(git_root / "annotations" / "entities" / "d1.jsonl")[1]])
    fx.commit_all(git_root, "third document")
    result = diff.diff(git_root, "HEAD~1", "HEAD")
    assert (result.layer("manifest").added, result.layer("entities").added) == ([("", "d3")], [("d3", "m-002")])


def test_the_root_may_be_a_subfolder_of_the_repository(tmp_path: Path, fx) -> None:
    top = tmp_path / "repo"
    root = fx.write_corpus(top / "data")
    fx.git_init(top)
    fx.commit_all(top, "corpus in a subfolder")
    _second_revision(root, fx)
    assert len(diff.diff(root, "HEAD~1", "HEAD").layer("entities").changed) == 1


def test_text_output_shows_each_record_and_the_label_counts_that_moved(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(history), "diff", "HEAD~1", "HEAD"]) == 0
    assert (
        "entities: 1 added, 1 removed, 1 changed (7 -> 7 records)\n"
        "  + d2/m-004\n"
        "  - d1/m-004\n"
        '  ~ d2/m-003: label: "GPE" -> "LOC"\n'
        "  label: GPE 2 -> 1, LOC 0 -> 1\n"
        "  mention_type: NAM 6 -> 7, PRO 1 -> 0\n"
        "\n"
    ) in capsys.readouterr().out


def test_json_output_lists_changes_with_old_and_new_values(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(history), "diff", "HEAD~1", "HEAD", "--format", "json"]) == 0
    figures = json.loads(capsys.readouterr().out)["layers"]["figures"]
    assert figures["changed"] == [
        {"doc_id": "d1", "id": "f-001", "fields": {"value": {"old": 2, "new": 3}, "measured": {"old": "length of Putin's visit to India", "new": "visit length"}}}
    ]


def test_an_unknown_revision_exits_1_naming_it(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(history), "diff", "HEAD", "no-such-tag"]) == 1
    assert "'no-such-tag' is neither a folder, a release version nor a git revision" in capsys.readouterr().err


def test_a_folder_and_a_revision_cannot_be_compared(history: Path) -> None:
    with pytest.raises(diff.DiffError, match="not one of each"):
        diff.diff(history, str(history), "HEAD")


def test_a_duplicate_id_is_an_error_naming_layer_and_document(history: Path, fx) -> None:
    _edit(history, fx, "figures", "d1", lambda rs: rs + rs)
    fx.commit_all(history, "duplicate figure")
    with pytest.raises(diff.DiffError, match=r"figures d1 \(new\): duplicate figure_id 'f-001'"):
        diff.diff(history, "HEAD~1", "HEAD")


# --------------------------------------------------------------------------- export folders


def _build(root: Path, out: Path) -> None:
    assert main(["--root", str(root), "build", "--out", str(out)]) == 0


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory, fx) -> tuple[Path, Path]:
    """Two exports of the fixture corpus: as written, then with a figure and a stance corrected."""
    tmp_path = tmp_path_factory.mktemp("exports")
    corpus_root = fx.write_corpus(tmp_path / "root")
    _build(corpus_root, tmp_path / "old")
    stances = corpus_root / "annotations" / "stances" / "d1.jsonl"
    fx.write_jsonl(stances, [{**r, "polarity": "neutral"} for r in fx.read_jsonl(stances)])
    figures = corpus_root / "annotations" / "figures" / "d1.jsonl"
    fx.write_jsonl(figures, [{**r, "measured": "visit length"} for r in fx.read_jsonl(figures)])
    _build(corpus_root, tmp_path / "new")
    return tmp_path / "old", tmp_path / "new"


def test_export_folders_are_compared_from_their_parquet_configs(exports: tuple[Path, Path], corpus_root: Path) -> None:
    result = diff.diff(corpus_root, str(exports[0]), str(exports[1]))
    assert [(c.record_id, list(c.fields)) for c in result.layer("figures").changed] == [("f-001", ["measured"])]


def test_class_label_ids_in_exports_are_compared_as_label_names(exports: tuple[Path, Path], corpus_root: Path) -> None:
    stances = diff.diff(corpus_root, str(exports[0]), str(exports[1])).layer("stances")
    assert [(c.record_id, c.fields) for c in stances.changed] == [("s-001", {"polarity": ("favor", "neutral")})]


def test_a_folder_that_is_not_an_export_is_an_error(corpus_root: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(diff.DiffError, match="not an export folder"):
        diff.diff(corpus_root, str(tmp_path / "a"), str(tmp_path / "b"))
