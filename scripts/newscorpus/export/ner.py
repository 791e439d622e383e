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

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple

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


class Sentence(NamedTuple):
    """One sentence's non-whitespace tokens: texts and offsets in the document text."""

    sentence_id: int
    tokens: list[str]
    starts: list[int]
    ends: list[int]


def _line_break_sentences(doc: "Doc") -> "Doc":
    """A sentence starts after every token that holds a line break (the sentencizer's starts stay).

    Only whitespace tokens can hold one, so only their texts are looked at; the starts are set
    together with ``Doc.from_array``."""
    import numpy as np
    from spacy.attrs import IS_SPACE, ORTH, SENT_START

    columns = doc.to_array([IS_SPACE, ORTH, SENT_START])
    strings = doc.vocab.strings
    breaks = [i + 1 for i in np.flatnonzero(columns[:-1, 0] == 1).tolist() if "\n" in strings[int(columns[i, 1])]]
    if breaks:
        starts = columns[:, 2].copy()
        starts[breaks] = 1
        doc.from_array([SENT_START], starts)
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


def parse(texts: Iterable[tuple[str, Any]]) -> Iterator[tuple["Doc", Any]]:
    """``nlp.pipe`` over (text, context) pairs, in order (the build runs it in each of its workers)."""
    yield from pipeline().pipe(texts, as_tuples=True, batch_size=64)


@dataclass(frozen=True)
class Tokens:
    """A parsed document read once with ``Doc.to_array``: every token's offsets, whether it is
    whitespace, and which sentence it is in (sentence ids count all sentences, empty ones too)."""

    doc: "Doc"
    text: str
    starts: list[int]
    ends: list[int]
    space: list[bool]
    sentence: list[int]
    kept: list[int]  # the non-whitespace tokens' indexes, in order
    cuts: list[int]  # where in ``kept`` each non-empty sentence starts, and len(kept) last
    _ranges: dict[tuple[int, int], tuple[int, int] | None] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, doc: "Doc", text: str) -> "Tokens":
        """The tokens of ``doc``, parsed from ``text`` (kept, since ``Doc.text`` is rebuilt on every read)."""
        import numpy as np
        from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

        columns = doc.to_array([IDX, LENGTH, IS_SPACE, SENT_START]).astype(np.int64).reshape(-1, 4)
        starts, space, sentence = columns[:, 0], columns[:, 2] == 1, np.cumsum(columns[:, 3] == 1) - 1
        kept = np.flatnonzero(~space)
        cuts = [0, *(np.flatnonzero(np.diff(sentence[kept])) + 1).tolist(), len(kept)] if len(kept) else [0]
        return cls(doc, text, starts.tolist(), (starts + columns[:, 1]).tolist(), space.tolist(), sentence.tolist(), kept.tolist(), cuts)

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """The tokens ``Doc.char_span(start, end, alignment_mode="strict")`` finds (as a range of
        token indexes), None when the offsets fall inside tokens; looked up once per span."""
        key = (start, end)
        if key not in self._ranges:
            found = self.doc.char_span(start, end, alignment_mode="strict")
            self._ranges[key] = None if found is None else (found.start, found.end)
        return self._ranges[key]

    def by_sentence(self, values: list[Any]) -> list[list[Any]]:
        """Per non-empty sentence, the values (one per token) of its non-whitespace tokens."""
        kept = [values[i] for i in self.kept]
        return [kept[a:b] for a, b in zip(self.cuts, self.cuts[1:])]


def sentences(tokens: Tokens) -> list[Sentence]:
    """The document's sentences with their non-whitespace tokens; all-space sentences are dropped."""
    text = tokens.text
    words = [text[a:b] for a, b in zip(tokens.starts, tokens.ends)]
    parts = zip(tokens.by_sentence(words), tokens.by_sentence(tokens.starts), tokens.by_sentence(tokens.ends))
    return [Sentence(i, *part) for i, part in enumerate(parts)]


class Span(NamedTuple):
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


def tag(doc_id: str, tokens: Tokens, spans: Iterable[Span]) -> tuple[list[list[str]], list[Misalignment]]:
    """BIO tag names per sentence (aligned with :func:`sentences`), and the spans left untagged.

    Spans are placed outermost first where two start together, so a longer span wins an overlap.
    """
    tags = [OUTSIDE] * len(tokens.starts)
    problems: list[Misalignment] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.span_id)):
        found = tokens.token_range(span.start, span.end)
        if found is None:
            reason = _misalignment_reason(tokens, span.start, span.end)
        elif tokens.sentence[found[0]] != tokens.sentence[found[1] - 1]:
            reason = "the mention crosses a sentence boundary"
        elif any(tags[i] != OUTSIDE for i in range(*found)):
            reason = "the mention overlaps another name mention that was tagged first"
        else:
            kept = [i for i in range(*found) if not tokens.space[i]]
            tags[kept[0]] = f"B-{span.label}"
            for i in kept[1:]:
                tags[i] = f"I-{span.label}"
            continue
        problems.append(Misalignment(doc_id, span.span_id, span.start, span.end, span.text, span.label, reason))
    return tokens.by_sentence(tags), problems


def _misalignment_reason(tokens: Tokens, start: int, end: int) -> str:
    """Name the token a boundary falls inside, so the report can be acted on."""
    kept = [(s, e) for s, e, space in zip(tokens.starts, tokens.ends, tokens.space) if not space]
    parts = []
    for side, offset, boundaries in (("start", start, {s for s, _ in kept}), ("end", end, {e for _, e in kept})):
        if offset in boundaries:
            continue
        inside = next(((s, e) for s, e in kept if s < offset < e), None)
        if inside is not None:
            s, e = inside
            parts.append(f"{side} {offset} falls inside token {tokens.text[s:e]!r} [{s}, {e})")
        else:
            parts.append(f"{side} {offset} is not at a token boundary (whitespace)")
    return "; ".join(parts) or "the span does not align with token boundaries"
