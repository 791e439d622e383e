"""Token-level BIO tags over proper-name mentions, for the ``ner`` config.

The corpus is stand-off (character offsets); token-classification users need
tokens and one tag per token.  Tokens come from spaCy's rule-based English
tokenizer and sentencizer (``spacy.blank("en")``: no model, nothing to
download), with an extra sentence break after every line break because the
articles put headlines and datelines on their own lines without a full stop.

A mention whose boundaries fall inside a token is never stretched or shrunk
to fit: that would silently change the gold span.  It is left untagged and
reported as a :class:`Misalignment`, which the build writes to
``ner_alignment.json`` and prints as a warning.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable

from .. import schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

NEWLINE_BREAKS = "newscorpus_newline_breaks"
"""Name of the pipeline component that starts a sentence after each line break."""


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
    start: int
    end: int
    tokens: list[str]
    tags: list[str]
    token_starts: list[int]
    token_ends: list[int]

    def row(self, doc_id: str) -> dict[str, Any]:
        return {
            "doc_id": doc_id,
            "sentence_id": self.sentence_id,
            "start": self.start,
            "end": self.end,
            "tokens": self.tokens,
            "ner_tags": self.tags,
            "token_starts": self.token_starts,
            "token_ends": self.token_ends,
        }


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


@lru_cache(maxsize=1)
def pipeline() -> "Language":
    """The tokenizer + sentence splitter, built once per process (building it costs ~0.1 s)."""
    import spacy

    _register_newline_breaks()
    nlp = spacy.blank("en")
    nlp.add_pipe(NEWLINE_BREAKS)
    nlp.add_pipe("sentencizer")
    return nlp


def name_mentions(mentions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The proper-name mentions, outermost first where two start together, in a stable order."""
    names = [m for m in mentions if m["mention_type"] == schema.NAME_MENTION_TYPE]
    return sorted(names, key=lambda m: (m["start"], -m["end"], m["mention_id"]))


def tag_document(doc_id: str, text: str, mentions: Iterable[dict[str, Any]]) -> tuple[list[TaggedSentence], list[Misalignment]]:
    """Sentences of one document with BIO tags, and the name mentions that could not be tagged."""
    doc = pipeline()(text)
    tags = ["O"] * len(doc)
    problems: list[Misalignment] = []
    for mention in name_mentions(mentions):
        reason = _place(doc, tags, mention)
        if reason is not None:
            problems.append(
                Misalignment(doc_id, mention["mention_id"], mention["start"], mention["end"], mention["text"], mention["label"], reason)
            )
    return _sentences(doc, tags), problems


def _place(doc: "Doc", tags: list[str], mention: dict[str, Any]) -> str | None:
    """Tag one mention in place; return why it cannot be tagged, or None when it was."""
    span = doc.char_span(mention["start"], mention["end"], alignment_mode="strict")
    if span is None:
        return _misalignment_reason(doc, mention["start"], mention["end"])
    if any(t.is_space for t in span):
        return "the mention spans a line break or other whitespace token"
    if not all(t.is_sent_start is not True for t in span[1:]):
        return "the mention crosses a sentence boundary"
    if any(tags[t.i] != "O" for t in span):
        return "the mention overlaps another name mention that was tagged first"
    label = mention["label"]
    tags[span.start] = f"B-{label}"
    for i in range(span.start + 1, span.end):
        tags[i] = f"I-{label}"
    return None


def _misalignment_reason(doc: "Doc", start: int, end: int) -> str:
    """Name the token(s) a boundary falls inside, so the report can be acted on."""
    parts = []
    for side, offset in (("start", start), ("end", end)):
        token = _token_containing(doc, offset)
        if token is not None:
            parts.append(f"{side} {offset} falls inside token {token.text!r} [{token.idx}, {token.idx + len(token.text)})")
    return "; ".join(parts) or "the span does not align with token boundaries"


def _token_containing(doc: "Doc", offset: int) -> Any:
    for token in doc:
        if token.idx < offset < token.idx + len(token.text):
            return token
    return None


def _sentences(doc: "Doc", tags: list[str]) -> list[TaggedSentence]:
    out: list[TaggedSentence] = []
    for sent in doc.sents:
        kept = [t for t in sent if not t.is_space]
        if not kept:
            continue
        out.append(
            TaggedSentence(
                sentence_id=len(out),
                start=kept[0].idx,
                end=kept[-1].idx + len(kept[-1].text),
                tokens=[t.text for t in kept],
                tags=[tags[t.i] for t in kept],
                token_starts=[t.idx for t in kept],
                token_ends=[t.idx + len(t.text) for t in kept],
            )
        )
    return out
