"""`newscorpus docs`: generated blocks in the Markdown docs."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from newscorpus import docs, schema, texts
from newscorpus.version import CORPUS_VERSION

REPO = Path(__file__).resolve().parents[2]


def _block(name: str, content: str = "") -> str:
    return f"<!-- generated:{name} -->\n{content}<!-- /generated:{name} -->\n"


def _run(root: Path, check: bool) -> int:
    return docs.run(argparse.Namespace(root=root, check=check))


def test_the_committed_docs_are_up_to_date() -> None:
    results = docs.process(REPO, write=False)
    stale = {r.path: r.stale_blocks for r in results if r.stale_blocks}
    assert stale == {}, "run `newscorpus docs` and commit the result"


def test_the_datasheet_is_among_the_generated_docs() -> None:
    assert not next(r for r in docs.process(REPO, write=False) if r.path == "DATASHEET.md").missing


def test_regenerating_fills_a_block_and_keeps_the_prose_around_it(corpus_root: Path) -> None:
    (corpus_root / "DATASHEET.md").write_text("# Title\n\nProse.\n" + _block("version", "old\n") + "More prose.\n", encoding="utf-8")
    docs.process(corpus_root, write=True)
    assert (corpus_root / "DATASHEET.md").read_text(encoding="utf-8") == (
        "# Title\n\nProse.\n" + _block("version", f"Corpus version: **{CORPUS_VERSION}** (from `scripts/newscorpus/version.py`).\n") + "More prose.\n"
    )


def test_a_text_block_holds_the_texts_entry(corpus_root: Path) -> None:
    (corpus_root / "DATASHEET.md").write_text(_block("text:funding"), encoding="utf-8")
    docs.process(corpus_root, write=True)
    assert texts.TEXTS["funding"] in (corpus_root / "DATASHEET.md").read_text(encoding="utf-8")


def test_the_inventories_block_lists_every_label_with_its_definition(corpus_root: Path) -> None:
    (corpus_root / "annotations" / "GUIDELINES.md").write_text(_block("inventories"), encoding="utf-8")
    docs.process(corpus_root, write=True)
    text = (corpus_root / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8")
    rows = [f"| {i} | `{label.name}` | {label.definition.replace('|', chr(92) + '|')} |" for inv in schema.INVENTORIES for i, label in enumerate(inv.labels)]
    assert all(row in text for row in rows)


def test_a_stats_block_holds_the_corpus_counts(corpus_root: Path) -> None:
    (corpus_root / "README.md").write_text(_block("stats-splits"), encoding="utf-8")
    docs.process(corpus_root, write=True)
    assert "| total | 2 | 114 | 7 | 1 | 1 | 0 |" in (corpus_root / "README.md").read_text(encoding="utf-8")


def test_the_known_defects_block_lists_each_documents_defects(corpus_root: Path, fx) -> None:
    manifest = corpus_root / "corpus" / "manifest.jsonl"
    records = fx.read_jsonl(manifest)
    fx.write_jsonl(manifest, [{**records[0], "known_defects": ["Ends mid-sentence."]}, records[1]])
    (corpus_root / "DATASHEET.md").write_text(_block("known-defects"), encoding="utf-8")
    docs.process(corpus_root, write=True)
    text = (corpus_root / "DATASHEET.md").read_text(encoding="utf-8")
    assert "**d1** (train)\n\n- Ends mid-sentence.\n" in text and "**d2** (test)\n\n- none recorded\n" in text


def test_the_checks_block_lists_every_check_of_the_validator(corpus_root: Path) -> None:
    from newscorpus.validate import CHECKS

    (corpus_root / "DATASHEET.md").write_text(_block("checks"), encoding="utf-8")
    docs.process(corpus_root, write=True)
    text = (corpus_root / "DATASHEET.md").read_text(encoding="utf-8")
    assert all(f"| `{check_id}` |" in text for check_id in CHECKS)


def test_the_errata_block_lists_each_erratum(corpus_root: Path, fx) -> None:
    fx.write_jsonl(corpus_root / "annotations" / "errata.jsonl", [
        {"erratum_id": "1.1.0-001", "version": "1.1.0", "previous_version": "1.0.0", "date": "2026-01-02", "layer": "entities",
         "doc_id": "d1", "record_id": "m-002", "fix_type": "changed", "fields": ["label"], "description": 'label: "GPE" -> "LOC"'}
    ])
    (corpus_root / "DATASHEET.md").write_text(_block("errata"), encoding="utf-8")
    docs.process(corpus_root, write=True)
    assert '| 1.1.0-001 | 1.1.0 | entities | d1 | m-002 | changed | label: "GPE" -> "LOC" |' in (corpus_root / "DATASHEET.md").read_text(encoding="utf-8")


def test_regenerating_twice_changes_nothing_the_second_time(corpus_root: Path) -> None:
    (corpus_root / "DATASHEET.md").write_text(_block("stats-labels") + _block("fields"), encoding="utf-8")
    docs.process(corpus_root, write=True)
    assert [r.stale_blocks for r in docs.process(corpus_root, write=True) if not r.missing] == [()]


def test_check_exits_1_naming_the_stale_file_and_block(corpus_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus_root / "DATASHEET.md").write_text(_block("version", "stale\n"), encoding="utf-8")
    assert _run(corpus_root, check=True) == 1
    assert "DATASHEET.md: generated block 'version' is stale (run `newscorpus docs`)" in capsys.readouterr().err


def test_check_writes_nothing(corpus_root: Path) -> None:
    (corpus_root / "DATASHEET.md").write_text(_block("version", "stale\n"), encoding="utf-8")
    _run(corpus_root, check=True)
    assert (corpus_root / "DATASHEET.md").read_text(encoding="utf-8") == _block("version", "stale\n")


def test_check_exits_0_on_fresh_docs(corpus_root: Path) -> None:
    (corpus_root / "DATASHEET.md").write_text(_block("version"), encoding="utf-8")
    _run(corpus_root, check=False)
    assert _run(corpus_root, check=True) == 0


def test_an_unknown_block_is_an_error_naming_file_and_line(corpus_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus_root / "README.md").write_text("# R\n\n" + _block("no-such-block"), encoding="utf-8")
    assert _run(corpus_root, check=False) == 1
    assert "README.md:3: unknown generated block 'no-such-block'" in capsys.readouterr().err


def test_an_unknown_text_key_is_an_unknown_block(corpus_root: Path) -> None:
    (corpus_root / "README.md").write_text(_block("text:no_such_key"), encoding="utf-8")
    with pytest.raises(docs.DocsError, match="unknown generated block 'text:no_such_key'"):
        docs.process(corpus_root, write=False)


def test_an_unclosed_block_is_an_error(corpus_root: Path) -> None:
    (corpus_root / "DATASHEET.md").write_text("x\n<!-- generated:version -->\nleft open\n", encoding="utf-8")
    with pytest.raises(docs.DocsError, match=r"DATASHEET.md:2: block 'version' is never closed"):
        docs.process(corpus_root, write=False)


def test_a_block_opened_inside_another_is_an_error(corpus_root: Path) -> None:
    (corpus_root / "DATASHEET.md").write_text("<!-- generated:version -->\n" + _block("fields") + "<!-- /generated:version -->\n", encoding="utf-8")
    with pytest.raises(docs.DocsError, match="block 'fields' opens inside block 'version'"):
        docs.process(corpus_root, write=False)


def test_a_missing_doc_file_is_skipped_and_reported(corpus_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(corpus_root, check=True) == 0
    assert "annotations/GUIDELINES.md: not found, skipped" in capsys.readouterr().err
