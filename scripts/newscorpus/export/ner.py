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
    import numpy as np
    from spacy.language import Language

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
#
# spaCy's pipeline defines the tokens and sentences: the English tokenizer (with the dash split
# below), then the sentencizer, plus a sentence start after every token that holds a line break.
# Running that pipeline and reading Token objects costs ~5 ms per 4,000-character document, most
# of it Python creating one Token object per token, twice (sentencizer, then the read-out).  So
# :func:`tokenize` runs only spaCy's tokenizer and then reads token offsets and lexeme hashes as
# two numpy columns and applies the sentencizer's rule to whole arrays (~3.5x less CPU).  The rule is
# spaCy's own, restated; tests/export/test_tokenize_*.py hold it equal to the Token-level pipeline.

LEXEME_SPACE, LEXEME_PUNCT, LEXEME_SENT_END, LEXEME_NEWLINE = 1, 2, 4, 8
"""Bits of a lexeme's code: whitespace-only, punctuation (spaCy's flags), one of the sentencizer's
sentence-final characters, holds a line break.  The code's remaining high bits are the text length."""
LEXEME_LENGTH_SHIFT = 4

DASH_INFIX = r"(?<=\S)[\u2013\u2014](?=\S)"
"""En and em dashes between two words ("U.S.–India", "oil—a") separate tokens.

spaCy's English infixes split dashes only between letters, so "U.S.–India" would be one token
and its two names could not be tagged; splitting here keeps every name of the corpus aligned."""


def _english_splitting_dashes() -> "Language":
    """spaCy's English with :data:`DASH_INFIX` added to its infixes, through spaCy's own ``Defaults``.

    Adding the infix to the class defaults (spaCy's documented way to customise a language) builds
    the tokenizer once; replacing ``infix_finditer`` on a built ``spacy.blank("en")`` compiled the
    large infix regex twice (~0.1-0.2 s of the build's start-up)."""
    from spacy.lang.en import English

    class DashDefaults(English.Defaults):
        infixes = [*English.Defaults.infixes, DASH_INFIX]

    class EnglishSplittingDashes(English):
        Defaults = DashDefaults

    return EnglishSplittingDashes()


@lru_cache(maxsize=1)
def pipeline() -> "Language":
    """The tokenizer + sentencizer, built once per process (import + build cost ~2 s of CPU).

    :func:`tokenize` calls only ``pipeline().tokenizer``; the sentencizer is here so that its
    sentence-final characters are the ones spaCy's configuration gives it, not a copy."""
    nlp = _english_splitting_dashes()
    nlp.add_pipe("sentencizer")
    return nlp


def tokenizer_description() -> str:
    import spacy

    return (
        f"spaCy {spacy.__version__} blank('en') tokenizer (plus a split at en/em dashes between words)"
        " + sentencizer + a sentence break after each line break"
    )


class _LexemeCodes:
    """Per-process table: lexeme hash -> code (see :data:`LEXEME_SPACE`), looked up per document.

    Reading lexeme flags with ``Doc.to_array`` costs ~0.2 µs per token and flag; a document repeats
    a few hundred lexemes and a corpus's vocabulary is small, so each lexeme is asked once per
    process and then found for a whole document with one ``searchsorted``.  The table holds one
    entry per distinct word seen, as spaCy's own vocabulary does."""

    def __init__(self, nlp: "Language"):
        import numpy as np

        self._vocab = nlp.vocab
        self._sent_ends = frozenset(nlp.get_pipe("sentencizer").punct_chars)
        self._keys = np.empty(0, dtype=np.uint64)
        self._codes = np.empty(0, dtype=np.int64)

    def lookup(self, orth: "np.ndarray") -> "np.ndarray":
        """Codes of the lexemes ``orth`` (uint64 hashes), learning the ones not seen before."""
        import numpy as np

        pos = np.searchsorted(self._keys, orth)
        known = pos < len(self._keys)
        known[known] = self._keys[pos[known]] == orth[known]
        if not known.all():
            self._learn(np.unique(orth[~known]))
            pos = np.searchsorted(self._keys, orth)
        return self._codes[pos]

    def _learn(self, new: "np.ndarray") -> None:
        import numpy as np

        codes = np.fromiter((self._code(orth) for orth in new.tolist()), dtype=np.int64, count=len(new))
        at = np.searchsorted(self._keys, new)
        self._keys = np.insert(self._keys, at, new)
        self._codes = np.insert(self._codes, at, codes)

    def _code(self, orth: int) -> int:
        lexeme = self._vocab[orth]
        text = lexeme.orth_
        return (
            (len(text) << LEXEME_LENGTH_SHIFT)
            | (LEXEME_SPACE if lexeme.is_space else 0)
            | (LEXEME_PUNCT if lexeme.is_punct else 0)
            | (LEXEME_SENT_END if text in self._sent_ends else 0)
            | (LEXEME_NEWLINE if "\n" in text else 0)
        )


@lru_cache(maxsize=1)
def _lexeme_codes() -> _LexemeCodes:
    return _LexemeCodes(pipeline())


def token_arrays(text: str) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """:func:`tokenize` as int32 numpy arrays (starts, ends, sentence starts), for cheap hand-off."""
    import numpy as np
    from spacy.attrs import IDX, ORTH

    doc = pipeline().tokenizer(text)
    if len(doc) == 0:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty, empty
    columns = doc.to_array([IDX, ORTH])
    codes = _lexeme_codes().lookup(columns[:, 1])
    starts = columns[:, 0].astype(np.int32)
    ends = starts + (codes >> LEXEME_LENGTH_SHIFT).astype(np.int32)
    kept = (codes & LEXEME_SPACE) == 0
    return starts[kept], ends[kept], _first_kept_of_each_sentence(_sentence_start_mask(codes), kept)


def _sentence_start_mask(codes: "np.ndarray") -> "np.ndarray":
    """spaCy's sentencizer rule on whole arrays, plus a start after each token holding a line break.

    The sentencizer (spacy/pipeline/sentencizer.pyx, ``predict``) starts a sentence at the first
    token, and at every token that is neither punctuation nor sentence-final when a sentence-final
    character came since the previous such token.  It never overwrites a start set before it, so
    its starts and the line-break starts simply combine.  Whitespace tokens count as words there,
    as they do in spaCy.  A token's trailing whitespace is at most one space, so a line break in
    ``token.text_with_ws`` is always in the token's own text."""
    import numpy as np

    sent_end = (codes & LEXEME_SENT_END) != 0
    words = np.flatnonzero((codes & (LEXEME_PUNCT | LEXEME_SENT_END)) == 0)
    ends_before = np.concatenate(([0], np.cumsum(sent_end)))  # sentence-final tokens before index i
    since_previous_word = ends_before[words] > ends_before[np.concatenate(([0], words[:-1] + 1))]
    mask = np.zeros(len(codes), dtype=bool)
    mask[0] = True
    mask[words[since_previous_word]] = True
    mask[np.flatnonzero((codes[:-1] & LEXEME_NEWLINE) != 0) + 1] = True
    return mask


def _first_kept_of_each_sentence(sentence_start: "np.ndarray", kept: "np.ndarray") -> "np.ndarray":
    """Index, among the kept (non-whitespace) tokens, of each sentence's first one; all-space sentences vanish."""
    import numpy as np

    kept_before = np.concatenate(([0], np.cumsum(kept)))  # kept tokens before index i
    bounds = np.append(kept_before[np.flatnonzero(sentence_start)], kept_before[-1])
    return bounds[:-1][np.diff(bounds) > 0].astype(np.int32)


@dataclass(frozen=True)
class TokenArrays:
    """:class:`Tokenized` as numpy arrays, plus every token's text as one UTF-8 buffer.

    What the build carries from the tokenizer process to the ``ner`` config: the token
    strings, offsets and sentence bounds of a batch become Arrow arrays by concatenation,
    with no Python object per token (building ~700 strings and ints per document was a
    fifth of the parent's CPU).  ``text_offsets[i]:text_offsets[i + 1]`` are token i's bytes
    in ``text_bytes``."""

    starts: "np.ndarray"
    ends: "np.ndarray"
    sentence_starts: "np.ndarray"
    text_offsets: "np.ndarray"
    text_bytes: bytes

    def as_tokenized(self) -> Tokenized:
        return Tokenized(self.starts.tolist(), self.ends.tolist(), self.sentence_starts.tolist())

    def texts(self) -> list[str]:
        """The token strings (for tests and reports; the build never makes them)."""
        offsets = self.text_offsets.tolist()
        return [self.text_bytes[a:b].decode("utf-8") for a, b in zip(offsets, offsets[1:])]


def token_texts(text: str, starts: "np.ndarray", ends: "np.ndarray") -> tuple["np.ndarray", bytes]:
    """Every token's UTF-8 bytes, concatenated, and where each starts (plus the total): Arrow's string layout.

    Offsets are code points; a text that is not ASCII gets its code-point -> byte map from
    the UTF-8 length of each character."""
    import numpy as np

    data = text.encode("utf-8")
    if len(data) == len(text):
        byte_starts, byte_ends = starts, ends
    else:
        code_points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        widths = 1 + (code_points >= 0x80) + (code_points >= 0x800) + (code_points >= 0x10000)
        byte_at = np.concatenate(([0], np.cumsum(widths)))
        byte_starts, byte_ends = byte_at[starts], byte_at[ends]
    lengths = (byte_ends - byte_starts).astype(np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int32)
    # Index of every kept byte: for token i, byte_starts[i] .. byte_ends[i] - 1, laid end to end.
    gather = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1] - byte_starts, lengths)
    return offsets, np.frombuffer(data, dtype=np.uint8)[gather].tobytes()


def tokenize(text: str) -> Tokenized:
    """Token offsets and sentence starts; whitespace-only tokens are dropped (they carry no tag)."""
    starts, ends, sentence_starts = token_arrays(text)
    return Tokenized(starts.tolist(), ends.tolist(), sentence_starts.tolist())


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
