"""ner.tokenize reads spaCy's arrays; it must give exactly what spaCy's Token-level pipeline gives.

The reference below is the straightforward pipeline: ``spacy.blank("en")`` with the dash infix,
a component that marks the token after a line break as a sentence start, the sentencizer, then
a walk over ``doc.sents`` and Token objects.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

from benchmarks.synth import generate_corpus
from newscorpus.export import ner

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_NEWLINE_BREAKS = "test_tokenize_reference_newline_breaks"


@Language.component(REFERENCE_NEWLINE_BREAKS)
def reference_newline_breaks(doc):
    for token in doc[:-1]:
        if "\n" in token.text_with_ws:
            doc[token.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def reference_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, ner.DASH_INFIX]).finditer
    nlp.add_pipe(REFERENCE_NEWLINE_BREAKS)
    nlp.add_pipe("sentencizer")
    return nlp


def reference_tokenize(text: str) -> ner.Tokenized:
    starts, ends, sentence_starts = [], [], []
    for sent in reference_pipeline()(text).sents:
        first = True
        for token in sent:
            if token.is_space:
                continue
            if first:
                sentence_starts.append(len(starts))
                first = False
            starts.append(token.idx)
            ends.append(token.idx + len(token.text))
    return ner.Tokenized(starts, ends, sentence_starts)


CASES = {
    "empty": "",
    "one space": " ",
    "only whitespace": " \t\n\n  \r\n ",
    "one word": "Delhi",
    "one sentence": "Modi met Putin in New Delhi.",
    "leading whitespace": "   \n Modi met Putin.",
    "trailing whitespace": "Modi met Putin.  \n\n ",
    "multiple spaces": "Modi  met   Putin.    They   talked.",
    "tabs": "Modi\tmet\t\tPutin.\tThey talked.",
    "headline and dateline on their own lines": "India, Russia sign pact\nNEW DELHI, Dec 5\nThe leaders met today. They signed.",
    "blank lines between paragraphs": "First paragraph ends here.\n\n\nSecond paragraph, no stop\n\nThird.",
    "windows line breaks": "Line one\r\nLine two.\r\n\r\nLine three",
    "line break as the last character": "It ended.\n",
    "line break inside a sentence": "The talks, held in\nMoscow, ended.",
    "en and em dashes between words": "U.S.–India trade—and oil—were discussed; 2019–2024 figures.",
    "dashes next to spaces": "Talks – then a pause — then more.",
    "dashes alone": "–\n—\n– —",
    "punctuation after a full stop": 'He said "yes." (Then left.) Next one!? Really... fine.',
    "sentence-final characters of other scripts": "भारत। रूस।\nСаммит. 会谈。结束！",
    "abbreviations": "Mr. Modi and Dr. Rao met at 10 a.m. on Jan. 5. The U.S. watched.",
    "punctuation only": "... !!! ??? .",
    "full stop then whitespace token": "One.\n  Two.  \n",
    "numbers and currency": "Trade hit $30 bn (Rs 2.5 lakh crore) in 2023-24, up 12.5%.",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_tokenize_equals_the_token_level_spacy_pipeline(text):
    assert ner.tokenize(text) == reference_tokenize(text)


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "corpus").glob("*.txt")), ids=lambda p: p.name)
def test_tokenize_equals_the_token_level_spacy_pipeline_on_the_real_documents(path):
    text = path.read_bytes().decode("utf-8")
    assert ner.tokenize(text) == reference_tokenize(text)


def test_tokenize_equals_the_token_level_spacy_pipeline_on_synthetic_documents(tmp_path):
    root = generate_corpus(tmp_path / "synthetic", 20, seed=3).root
    mismatched = [
        path.name
        for path in sorted((root / "corpus").glob("*.txt"))
        if ner.tokenize(path.read_bytes().decode("utf-8")) != reference_tokenize(path.read_bytes().decode("utf-8"))
    ]
    assert mismatched == []


def test_tokenize_returns_plain_python_ints():
    tokens = ner.tokenize(CASES["headline and dateline on their own lines"])
    values = [*tokens.starts, *tokens.ends, *tokens.sentence_starts]
    assert values and {type(v) for v in values} == {int}


@pytest.mark.parametrize("text", [*CASES.values(), *(p.read_bytes().decode("utf-8") for p in sorted((REPO_ROOT / "corpus").glob("*.txt")))])
def test_a_line_break_is_only_ever_inside_a_whitespace_token(text):
    """What the array code relies on: trailing whitespace is one space at most, and tokens never mix
    whitespace with other characters, so a token with a line break is a whitespace token."""
    doc = ner.pipeline().tokenizer(text)
    assert all(token.is_space for token in doc if "\n" in token.text_with_ws)


def expected_code(token, sentence_final_characters) -> int:
    """A lexeme's code spelled out from the Token's own attributes."""
    return (
        (len(token.text) << ner.LEXEME_LENGTH_SHIFT)
        | (ner.LEXEME_SPACE if token.is_space else 0)
        | (ner.LEXEME_PUNCT if token.is_punct else 0)
        | (ner.LEXEME_SENT_END if token.text in sentence_final_characters else 0)
        | (ner.LEXEME_NEWLINE if "\n" in token.text else 0)
    )


def test_lexeme_codes_learned_over_several_documents_match_each_tokens_attributes():
    nlp = ner.pipeline()
    sentence_final = nlp.get_pipe("sentencizer").punct_chars
    table = ner._LexemeCodes(nlp)
    docs = [nlp.tokenizer(text) for text in CASES.values()]
    for doc in reversed(docs):  # learn in one order, then look up in another
        table.lookup(doc.to_array("ORTH"))
    for doc in docs:
        assert table.lookup(doc.to_array("ORTH")).tolist() == [expected_code(t, sentence_final) for t in doc], doc.text
