"""Token-level BIO tags over proper-name mentions, for the ``ner`` config.

The corpus is stand-off (character offsets); token-classification users need
tokens and one tag per token.  Tokens come from spaCy's rule-based English
tokenizer and sentencizer (``spacy.blank("en")``: no model, nothing to
download), with an extra sentence break after every line break because the
articles put headlines and datelines on their own lines without a full stop.

Tokenizing (:func:`tokenize`, needs spaCy) and tagging (:func:`tag`, plain
Python over token offsets) are separate steps, so the build can tokenize in a
worker process while it writes the other configs.

A mention whose boundaries fall inside a token is never stretched or shrunk
to fit: that would silently change the gold span.  It is left untagged and
reported as a :class:`Misalignment`, which the build writes to
``ner_alignment.jsonl`` and prints as a warning.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

from .. import schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

NEWLINE_BREAKS = "newscorpus_newline_breaks"
"""Name of the pipeline component that starts a sentence after each line break."""

OUTSIDE = "O"


@dataclass(frozen=True)
class Tokenized:
    """A text's non-whitespace tokens as offsets, and the token index where each sentence starts."""

    starts: list[int]
    ends: list[int]
    sentence_starts: list[int]


@dataclass(frozen=True)
class Misalignment:
    """A name mention the ``ner`` config could not tag, and why."""

    doc_id: str
    mention_id: str
    start: int
    end: int
    text: str
    label: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TaggedSentence:
    """One ``ner`` row before encoding: tokens, BIO tag names and token offsets."""

    sentence_id: int
    tokens: list[str]
    tags: list[str]
    token_starts: list[int]
    token_ends: list[int]

    def row(self, doc_id: str) -> dict[str, Any]:
        return {
            "doc_id": doc_id,
            "sentence_id": self.sentence_id,
            "start": self.token_starts[0],
            "end": self.token_ends[-1],
            "tokens": self.tokens,
            "ner_tags": self.tags,
            "token_starts": self.token_starts,
            "token_ends": self.token_ends,
        }


# --------------------------------------------------------------------------- tokenizing (spaCy)


def _register_newline_breaks() -> None:
    from spacy.language import Language

    if Language.has_factory(NEWLINE_BREAKS):
        return

    @Language.component(NEWLINE_BREAKS)
    def newline_breaks(doc: "Doc") -> "Doc":
        """Mark the token after a line break as a sentence start; the sentencizer keeps preset starts."""
        for token in doc[:-1]:
            if "\n" in token.text_with_ws:
                doc[token.i + 1].is_sent_start = True
        return doc


DASH_INFIX = r"(?<=\S)[\u2013\u2014](?=\S)"
"""En and em dashes between two words ("U.S.–India", "oil—a") separate tokens.

spaCy's English infixes split dashes only between letters, so "U.S.–India" would be one token
and its two names could not be tagged; splitting here keeps every name of the corpus aligned."""


def _split_on_dashes(nlp: "Language") -> None:
    from spacy.util import compile_infix_regex

    infixes = [*nlp.Defaults.infixes, DASH_INFIX]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


@lru_cache(maxsize=1)
def pipeline() -> "Language":
    """The tokenizer + sentence splitter, built once per process (building it costs ~0.5 s)."""
    import spacy

    _register_newline_breaks()
    nlp = spacy.blank("en")
    _split_on_dashes(nlp)
    nlp.add_pipe(NEWLINE_BREAKS)
    nlp.add_pipe("sentencizer")
    return nlp


def tokenizer_description() -> str:
    import spacy

    return (
        f"spaCy {spacy.__version__} blank('en') tokenizer (plus a split at en/em dashes between words)"
        " + sentencizer + a sentence break after each line break"
    )


def tokenize(text: str) -> Tokenized:
    """Token offsets and sentence starts; whitespace-only tokens are dropped (they carry no tag)."""
    starts: list[int] = []
    ends: list[int] = []
    sentence_starts: list[int] = []
    for sent in pipeline()(text).sents:
        first = True
        for token in sent:
            if token.is_space:
                continue
            if first:
                sentence_starts.append(len(starts))
                first = False
            starts.append(token.idx)
            ends.append(token.idx + len(token.text))
    return Tokenized(starts, ends, sentence_starts)


# --------------------------------------------------------------------------- tagging (plain Python)


def name_mentions(mentions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The proper-name mentions, outermost first where two start together, in a stable order."""
    names = [m for m in mentions if m["mention_type"] == schema.NAME_MENTION_TYPE]
    return sorted(names, key=lambda m: (m["start"], -m["end"], m["mention_id"]))


def bio_tags(label: str) -> tuple[str, str]:
    """The begin and inside tags of an entity label, as schema.ner_tag_names() spells them."""
    return f"B-{label}", f"I-{label}"


def tag(doc_id: str, text: str, tokens: Tokenized, mentions: Iterable[dict[str, Any]]) -> tuple[list[TaggedSentence], list[Misalignment]]:
    """Sentences of one document with BIO tags, and the name mentions that could not be tagged."""
    tags = [OUTSIDE] * len(tokens.starts)
    start_index = {offset: i for i, offset in enumerate(tokens.starts)}
    end_index = {offset: i for i, offset in enumerate(tokens.ends)}
    sentence_of = _sentence_of(tokens)
    problems: list[Misalignment] = []
    for mention in name_mentions(mentions):
        first, last = start_index.get(mention["start"]), end_index.get(mention["end"])
        if first is None or last is None or last < first:
            reason = _misalignment_reason(text, tokens, mention["start"], mention["end"])
        elif sentence_of[first] != sentence_of[last]:
            reason = "the mention crosses a sentence boundary"
        elif any(tags[i] != OUTSIDE for i in range(first, last + 1)):
            reason = "the mention overlaps another name mention that was tagged first"
        else:
            begin, inside = bio_tags(mention["label"])
            tags[first] = begin
            for i in range(first + 1, last + 1):
                tags[i] = inside
            continue
        problems.append(Misalignment(doc_id, mention["mention_id"], mention["start"], mention["end"], mention["text"], mention["label"], reason))
    return _sentences(text, tokens, tags), problems


def tag_document(doc_id: str, text: str, mentions: Iterable[dict[str, Any]]) -> tuple[list[TaggedSentence], list[Misalignment]]:
    return tag(doc_id, text, tokenize(text), mentions)


def _sentence_of(tokens: Tokenized) -> list[int]:
    out = [0] * len(tokens.starts)
    bounds = [*tokens.sentence_starts, len(tokens.starts)]
    for s in range(len(tokens.sentence_starts)):
        for i in range(bounds[s], bounds[s + 1]):
            out[i] = s
    return out


def _misalignment_reason(text: str, tokens: Tokenized, start: int, end: int) -> str:
    """Name the token a boundary falls inside, so the report can be acted on."""
    parts = []
    for side, offset, at_boundary in (("start", start, tokens.starts), ("end", end, tokens.ends)):
        if offset in at_boundary:
            continue
        i = bisect_right(tokens.starts, offset) - 1
        if 0 <= i and tokens.starts[i] < offset < tokens.ends[i]:
            s, e = tokens.starts[i], tokens.ends[i]
            parts.append(f"{side} {offset} falls inside token {text[s:e]!r} [{s}, {e})")
        else:
            parts.append(f"{side} {offset} is not at a token boundary (whitespace)")
    return "; ".join(parts) or "the span does not align with token boundaries"


def _sentences(text: str, tokens: Tokenized, tags: list[str]) -> list[TaggedSentence]:
    bounds = [*tokens.sentence_starts, len(tokens.starts)]
    out = []
    for s in range(len(tokens.sentence_starts)):
        lo, hi = bounds[s], bounds[s + 1]
        starts, ends = tokens.starts[lo:hi], tokens.ends[lo:hi]
        out.append(TaggedSentence(s, [text[a:b] for a, b in zip(starts, ends)], tags[lo:hi], starts, ends))
    return out
