"""Token-level BIO tags for the ``ner`` and ``ner_ontonotes`` configs, with spaCy.

The corpus is stand-off (character offsets); token-classification users need
tokens and one tag per token.  Tokens and sentences come from spaCy's
rule-based English pipeline (``English()`` plus the sentencizer: no model,
nothing to download), with two additions: en/em dashes between words split
tokens (:data:`DASH_INFIX`), and a sentence starts after every line break,
because the articles put headlines and datelines on their own lines without a
full stop.  Whitespace-only tokens are left out of the rows.

A span is tagged only where ``Doc.char_span(..., alignment_mode="strict")``
finds tokens that start and end exactly at its offsets, within one sentence,
over tokens not tagged yet: a span is never stretched or shrunk to fit, since
that would silently change the annotation.  Every span left untagged is a
:class:`Misalignment`, which the build writes to ``ner_alignment.jsonl`` and
prints as a warning.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .. import schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

OUTSIDE = "O"

DASH_INFIX = r"(?<=\S)[\u2013\u2014](?=\S)"
"""En and em dashes between two words ("U.S.–India", "oil—a") separate tokens.

spaCy's English infixes split dashes only between letters, so "U.S.–India" would be one token
and its two names could not be tagged; splitting here keeps every name of the corpus aligned."""

LINE_BREAK_COMPONENT = "newscorpus_line_break_sentences"


@dataclass(frozen=True)
class Misalignment:
    """A span the token-level configs could not tag, and why."""

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
class Sentence:
    """One sentence's non-whitespace tokens: texts and offsets in the document text."""

    sentence_id: int
    tokens: list[str]
    starts: list[int]
    ends: list[int]


def _line_break_sentences(doc: "Doc") -> "Doc":
    """A sentence starts after every token that holds a line break (the sentencizer's starts stay)."""
    for token in doc[:-1]:
        if "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def pipeline() -> "Language":
    """spaCy's English with the dash infix, the sentencizer and the line-break rule, built once per process."""
    from spacy.lang.en import English
    from spacy.language import Language

    class DashDefaults(English.Defaults):
        infixes = [*English.Defaults.infixes, DASH_INFIX]

    class EnglishSplittingDashes(English):
        Defaults = DashDefaults

    if not Language.has_factory(LINE_BREAK_COMPONENT):
        Language.component(LINE_BREAK_COMPONENT, func=_line_break_sentences)
    nlp = EnglishSplittingDashes()
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(LINE_BREAK_COMPONENT)
    return nlp


def tokenizer_description() -> str:
    import spacy

    return (
        f"spaCy {spacy.__version__} English() tokenizer (plus a split at en/em dashes between words)"
        " + sentencizer + a sentence break after each line break"
    )


def parse(texts: Iterable[tuple[str, Any]], n_process: int = 1) -> Iterator[tuple["Doc", Any]]:
    """``nlp.pipe`` over (text, context) pairs, in order; ``n_process`` worker processes when above 1."""
    yield from pipeline().pipe(texts, as_tuples=True, n_process=n_process, batch_size=64)


def sentences(doc: "Doc") -> list[Sentence]:
    """The document's sentences with their non-whitespace tokens; all-space sentences are dropped."""
    out = []
    for sent in doc.sents:
        kept = [t for t in sent if not t.is_space]
        if kept:
            out.append(Sentence(len(out), [t.text for t in kept], [t.idx for t in kept], [t.idx + len(t.text) for t in kept]))
    return out


@dataclass(frozen=True)
class Span:
    """A span to tag: its id (for reports), offsets, text and tag label."""

    span_id: str
    start: int
    end: int
    text: str
    label: str


def name_spans(mentions: Iterable[dict[str, Any]]) -> list[Span]:
    """The proper-name mentions (the ``ner`` config's spans)."""
    return [Span(m["mention_id"], m["start"], m["end"], m["text"], m["label"]) for m in mentions if m["mention_type"] == schema.NAME_MENTION_TYPE]


def ontonotes_spans(mentions: Iterable[dict[str, Any]], figures: Iterable[dict[str, Any]]) -> list[Span]:
    """The ``ner_ontonotes`` config's spans: proper names, and figures under their OntoNotes type."""
    folded = [Span(f["figure_id"], f["start"], f["end"], f["text"], schema.ONTONOTES_TYPE_OF_KIND.get(f["kind"], f["kind"])) for f in figures]
    return name_spans(mentions) + folded


def tag(doc_id: str, doc: "Doc", spans: Iterable[Span]) -> tuple[list[list[str]], list[Misalignment]]:
    """BIO tag names per sentence (aligned with :func:`sentences`), and the spans left untagged.

    Spans are placed outermost first where two start together, so a longer span wins an overlap.
    """
    tags = {t.i: OUTSIDE for t in doc if not t.is_space}
    problems: list[Misalignment] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.span_id)):
        tokens = doc.char_span(span.start, span.end, alignment_mode="strict")
        if tokens is None:
            reason = _misalignment_reason(doc, span.start, span.end)
        elif any(t.is_sent_start for t in tokens[1:]):
            reason = "the mention crosses a sentence boundary"
        elif any(tags.get(t.i, OUTSIDE) != OUTSIDE for t in tokens):
            reason = "the mention overlaps another name mention that was tagged first"
        else:
            kept = [t.i for t in tokens if not t.is_space]
            for position, i in enumerate(kept):
                tags[i] = f"{'B' if position == 0 else 'I'}-{span.label}"
            continue
        problems.append(Misalignment(doc_id, span.span_id, span.start, span.end, span.text, span.label, reason))
    per_sentence = [[tags[t.i] for t in sent if not t.is_space] for sent in doc.sents]
    return [s for s in per_sentence if s], problems


def _misalignment_reason(doc: "Doc", start: int, end: int) -> str:
    """Name the token a boundary falls inside, so the report can be acted on."""
    parts = []
    for side, offset in (("start", start), ("end", end)):
        inside = next((t for t in doc if t.idx < offset < t.idx + len(t.text) and not t.is_space), None)
        at_boundary = any((t.idx if side == "start" else t.idx + len(t.text)) == offset for t in doc if not t.is_space)
        if at_boundary:
            continue
        if inside is not None:
            parts.append(f"{side} {offset} falls inside token {inside.text!r} [{inside.idx}, {inside.idx + len(inside.text)})")
        else:
            parts.append(f"{side} {offset} is not at a token boundary (whitespace)")
    return "; ".join(parts) or "the span does not align with token boundaries"
