"""The ``ner`` sentences and tokens are exactly those of the plain spaCy pipeline they are specified as.

The reference below is that pipeline written another way: ``spacy.blank("en")`` with the dash infix
compiled into its tokenizer, a component that marks the token after a line break as a sentence
start (run before the sentencizer, where the export's runs after it), the sentencizer, then a walk
over ``doc.sents`` and Token objects.  The export's tokens were cut this way before the build used
spaCy's pipeline directly, so these cases also hold the ``ner`` rows to what earlier exports had.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


def reference_tokenize(text: str) -> list[tuple[list[str], list[int], list[int]]]:
    out = []
    for sent in reference_pipeline()(text).sents:
        kept = [token for token in sent if not token.is_space]
        if kept:
            out.append(([t.text for t in kept], [t.idx for t in kept], [t.idx + len(t.text) for t in kept]))
    return out


def tokenize(text: str) -> list[tuple[list[str], list[int], list[int]]]:
    return [(s.tokens, s.starts, s.ends) for s in ner.sentences(ner.Tokens.of(ner.pipeline()(text), text))]


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
def test_sentences_equal_the_token_level_spacy_pipeline(text):
    assert tokenize(text) == reference_tokenize(text)


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "corpus").glob("*.txt")), ids=lambda p: p.name)
def test_sentences_equal_the_token_level_spacy_pipeline_on_the_real_documents(path):
    text = path.read_bytes().decode("utf-8")
    assert tokenize(text) == reference_tokenize(text)


def test_sentences_equal_the_token_level_spacy_pipeline_on_synthetic_documents(tmp_path):
    root = generate_corpus(tmp_path / "synthetic", 20, seed=3).root
    mismatched = [
        path.name
        for path in sorted((root / "corpus").glob("*.txt"))
        if tokenize(path.read_bytes().decode("utf-8")) != reference_tokenize(path.read_bytes().decode("utf-8"))
    ]
    assert mismatched == []
