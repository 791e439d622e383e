"""conll/<config>/<split>.conll: read back with NLTK's CoNLL reader, they give the `ner` config's tokens and tags.

The reader is ``nltk.corpus.reader.ConllCorpusReader`` (NLTK, maintained on PyPI).  It has no
accessor for a lone NE column, so the second column is declared as its generic tag column
(``pos``) and read with ``tagged_sents()``; it drops each ``-DOCSTART-`` row, which leaves one
empty sentence per document (the ``-DOCSTART- O`` line is a block of its own).  NLTK reads
only below its data roots, so the export folder is added to ``nltk.data.path`` for these tests.
"""

from __future__ import annotations

import re

import nltk.data
import pytest
from nltk.corpus.reader import ConllCorpusReader

from newscorpus.export.conll import CONLL_DIR, DOCSTART, conll_text
from newscorpus.export import ExportError


@pytest.fixture(autouse=True)
def nltk_may_read_the_export(export_dir, monkeypatch):
    monkeypatch.setattr(nltk.data, "path", [*nltk.data.path, str(export_dir)])


def reader(export_dir, config="ner"):
    return ConllCorpusReader(str(export_dir / CONLL_DIR / config), r".*\.conll", ("words", "pos"), separator=" ")


def ner_rows(ds):
    names = ds.features["ner_tags"].feature.names
    return [(row["doc_id"], row["tokens"], [names[t] for t in row["ner_tags"]]) for row in ds if row["tokens"]]


def test_there_is_one_conll_file_per_split_of_the_ner_config(export_dir, loaded):
    files = sorted(p.name for p in (export_dir / CONLL_DIR / "ner").iterdir())
    assert files == sorted(f"{split}.conll" for split in loaded["ner"])


def test_nltk_reads_back_every_sentence_with_the_ner_configs_tokens_and_tags(export_dir, loaded):
    conll = reader(export_dir)
    for split, ds in loaded["ner"].items():
        sentences = [s for s in conll.tagged_sents(f"{split}.conll") if s]
        expected = [list(zip(tokens, tags)) for _, tokens, tags in ner_rows(ds)]
        assert expected and sentences == expected, split


def test_each_document_starts_with_a_docstart_line_in_the_configs_order(export_dir, loaded):
    for split, ds in loaded["ner"].items():
        lines = (export_dir / CONLL_DIR / "ner" / f"{split}.conll").read_text(encoding="utf-8").split("\n")
        docs_in_rows = list(dict.fromkeys(doc for doc, _, _ in ner_rows(ds)))
        assert lines.count(f"{DOCSTART} O") == len(docs_in_rows)
        assert lines[0] == f"{DOCSTART} O" and lines[1] == ""


def test_nltk_sees_one_empty_block_per_document_marker(export_dir, loaded):
    conll = reader(export_dir)
    for split, ds in loaded["ner"].items():
        empties = [s for s in conll.tagged_sents(f"{split}.conll") if not s]
        assert len(empties) == len({doc for doc, _, _ in ner_rows(ds)})


def test_every_line_is_blank_or_a_token_and_a_tag(export_dir, loaded):
    tag_names = set(loaded["ner"]["train"].features["ner_tags"].feature.names)
    for path in (export_dir / CONLL_DIR / "ner").iterdir():
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n\n") and "\n\n\n" not in text
        for line in text.splitlines():
            if line:
                token, tag = line.split(" ")
                assert token and tag in tag_names, line


def table(rows):
    import pyarrow as pa

    return pa.table({key: [row[key] for row in rows] for key in ("doc_id", "sentence_id", "tokens", "ner_tags")})


NAMES = ["O", "B-PERSON", "I-PERSON"]


@pytest.mark.parametrize("token", ["a b", "a\u00a0b", "", "tab\t"])
def test_a_token_that_is_empty_or_holds_whitespace_stops_the_build_naming_it(token):
    rows = [
        {"doc_id": "d1", "sentence_id": 2, "tokens": ["Ok"], "ner_tags": [0]},
        {"doc_id": "d1", "sentence_id": 3, "tokens": ["New", token], "ner_tags": [0, 0]},
    ]
    with pytest.raises(ExportError, match=rf"ner/train: document d1 sentence 3: token {re.escape(repr(token))}"):
        conll_text(table(rows), NAMES, "ner/train")


def test_sentences_are_blank_line_separated_and_documents_start_with_docstart():
    rows = [
        {"doc_id": "d1", "sentence_id": 0, "tokens": ["Ann", "Lee", "came"], "ner_tags": [1, 2, 0]},
        {"doc_id": "d1", "sentence_id": 1, "tokens": ["."], "ner_tags": [0]},
        {"doc_id": "d2", "sentence_id": 0, "tokens": ["Hi"], "ner_tags": [0]},
    ]
    text, last = conll_text(table(rows), NAMES, "ner/train")
    assert text == f"{DOCSTART} O\n\nAnn B-PERSON\nLee I-PERSON\ncame O\n\n. O\n\n{DOCSTART} O\n\nHi O\n\n"
    assert last == "d2"


def test_a_document_continued_from_the_previous_row_group_gets_no_second_docstart():
    rows = [{"doc_id": "d1", "sentence_id": 5, "tokens": ["Hi"], "ner_tags": [0]}]
    assert conll_text(table(rows), NAMES, "ner/train", previous_doc="d1") == ("Hi O\n\n", "d1")


def test_a_sentence_without_tokens_is_left_out():
    rows = [
        {"doc_id": "d1", "sentence_id": 0, "tokens": [], "ner_tags": []},
        {"doc_id": "d1", "sentence_id": 1, "tokens": ["Hi"], "ner_tags": [0]},
    ]
    assert conll_text(table(rows), NAMES, "ner/train")[0] == f"{DOCSTART} O\n\nHi O\n\n"
