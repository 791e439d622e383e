"""Level 3 guideline (completeness) checks: what the annotation guidelines promise about coverage.

* every digit lies in a figure, or an ``uncovered-digit`` exception says why not;
* a name annotated anywhere is annotated, with the same label, at every whole-word
  occurrence in every document, or an ``inconsistent-surface-form`` exception says why not;
* a nominal or pronominal mention's entity is also named in the same document;
* an exception that waives nothing is stale (a warning).

The surface-form check needs every name in the corpus before it can scan any
text, so it runs as a second pass over the documents; between the passes the
``FormIndex`` (name form -> label counts) and each document's packed
``SurfaceInputs`` (12 bytes a usable mention) are kept, and the second pass reads
each document's text again.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from .. import schema
from .records import Rec
from .report import FileReporter

_DIGITS = re.compile(r"\d+")


def line_of(text: str, offset: int) -> int:
    """1-based line number of an offset, so a text finding can be opened in an editor."""
    return text.count("\n", 0, offset) + 1


def _spans(recs: list[Rec]) -> list[tuple[int, int]]:
    return [(rec.data["start"], rec.data["end"]) for rec in recs if rec.span_ok]


def _mask(length: int, spans: list[tuple[int, int]], base: bytearray | None = None) -> bytearray:
    """1 at every offset inside a span (on top of ``base`` when given): coverage tests become C-level searches."""
    covered = bytearray(length) if base is None else bytearray(base)
    for start, end in spans:
        covered[start:end] = b"\x01" * (end - start)
    return covered


def exceptions_for(check: str, exceptions: list[Rec]) -> list[Rec]:
    return [rec for rec in exceptions if rec.span_ok and rec.ok("check") and rec.get("check") == check]


# --------------------------------------------------------------------------- digits


def check_digits(text: str, figure_spans: list[tuple[int, int]], exceptions: list[Rec], text_out: FileReporter, exc_out: FileReporter) -> None:
    """Report each run of digits outside figures (the usable figures' spans) and exceptions, and
    exceptions that cover no such digit."""
    waivers = exceptions_for(schema.UNCOVERED_DIGIT, exceptions)
    in_figure = _mask(len(text), figure_spans)
    covered = _mask(len(text), _spans(waivers), base=in_figure)
    matches = [match for match in _DIGITS.finditer(text) if covered.find(0, match.start(), match.end()) != -1]
    for match in matches:
        for start, end in _uncovered_runs(match.start(), match.end(), covered):
            out_line = line_of(text, start)
            text_out.add(
                schema.UNCOVERED_DIGIT,
                out_line,
                f"digits {text[start:end]!r} at {start}-{end} (in {_context(text, start, end)!r}) lie in no figure; "
                f"annotate a figure or add an exception with check {schema.UNCOVERED_DIGIT}",
            )
    for rec in waivers:
        start, end = rec.get("start"), rec.get("end")
        if not any(text[i].isdecimal() and not in_figure[i] for i in range(start, end)):
            exc_out.add(
                "unneeded-exception",
                rec.line,
                f"{schema.UNCOVERED_DIGIT} exception over {rec.get('text')!r} waives nothing: its span has no digit outside a figure",
                rec.record_id(schema.EXCEPTION),
            )


def _uncovered_runs(start: int, end: int, covered: bytearray) -> list[tuple[int, int]]:
    runs, run_start = [], None
    for i in range(start, end):
        if not covered[i] and run_start is None:
            run_start = i
        elif covered[i] and run_start is not None:
            runs.append((run_start, i))
            run_start = None
    if run_start is not None:
        runs.append((run_start, end))
    return runs


def _context(text: str, start: int, end: int, width: int = 20) -> str:
    return " ".join(text[max(0, start - width) : end + width].split())


# --------------------------------------------------------------------------- name mentions


class NameMentions:
    """``missing-name-mention``: fed a document's mentions a batch at a time; at :meth:`report`, each entity
    referred to by NOM/PRO mentions but by no NAM mention is reported once, at its first such mention."""

    def __init__(self) -> None:
        self.named: set[Any] = set()
        self.unnamed: dict[Any, Rec] = {}  # entity id -> its first NOM/PRO mention, without its record data

    def add(self, recs: list[Rec]) -> None:
        for rec in recs:
            if not rec.ok("entity_id", "mention_type"):
                continue
            entity_id = rec.data["entity_id"]
            if rec.data["mention_type"] == schema.NAME_MENTION_TYPE:
                self.named.add(entity_id)
            elif entity_id not in self.unnamed:
                kept = {k: rec.data.get(k) for k in ("mention_type", "text", "entity_id", schema.ENTITY_MENTION.id_field)}
                self.unnamed[entity_id] = Rec(rec.line, kept)

    def report(self, out: FileReporter) -> None:
        for entity_id, rec in self.unnamed.items():
            if entity_id in self.named:
                continue
            out.add(
                "missing-name-mention",
                rec.line,
                f"{rec.get('mention_type')} mention {rec.get('text')!r} refers to {entity_id!r}, which has no "
                f"{schema.NAME_MENTION_TYPE} mention in this document",
                rec.record_id(schema.ENTITY_MENTION),
            )


# --------------------------------------------------------------------------- surface forms


def name_forms(recs: list[Rec]) -> Iterator[tuple[str, str]]:
    """The (name form, label) of each usable name mention."""
    for rec in recs:
        if rec.span_ok and rec.data.get("mention_type") == schema.NAME_MENTION_TYPE and rec.ok("label", "mention_type"):
            yield rec.data["text"], rec.data["label"]


@dataclass
class FormIndex:
    """Every annotated name form in the corpus with its label counts: the index kept between passes."""

    labels: dict[str, Counter] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None
    _expected: dict[str, str] = field(default_factory=dict)

    def add_forms(self, counts: list[tuple[tuple[str, str], int]]) -> None:
        """Add ((name form, label), count) pairs, as a document's :func:`name_forms` counts give them."""
        if counts:
            self._pattern, self._expected = None, {}  # derived from the labels, so stale once they grow
        for (form, label), count in counts:
            self.labels.setdefault(form, Counter())[label] += count

    def expected_label(self, form: str) -> str:
        """The most frequent label of a form; ties go to the label first in the inventory."""
        if form not in self._expected:
            counts = self.labels[form]
            order = schema.ENTITY_LABELS.names
            self._expected[form] = min(counts, key=lambda label: (-counts[label], order.index(label) if label in order else len(order)))
        return self._expected[form]

    def pattern(self) -> re.Pattern[str]:
        """One regex for all forms, built as a trie so a scan costs the same for 10 or 100,000 forms."""
        if self._pattern is None:
            self._pattern = re.compile(_whole_word_pattern(self.labels))
        return self._pattern

    def expected_labels(self) -> dict[str, str]:
        """Every form's expected label, computed once: the scan looks one up per match."""
        if len(self._expected) != len(self.labels):
            for form in self.labels:
                self.expected_label(form)
        return self._expected


_END = ""  # a trie key no character can take: marks "a form ends here"
_NO_WORD_BEFORE = r"(?<!\w[\w\W])"
r"""After a form's first character: the character before the form is no word character.

The same test as ``(?<!\w)`` in front of the form, moved behind its first character so the
pattern starts with a plain choice of characters, which ``re`` scans for with a lookup table
instead of trying the whole trie at every position."""


def _trie(forms: "dict[str, Counter] | list[str]") -> dict:
    trie: dict = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[_END] = {}
    return trie


def _whole_word_pattern(forms: "dict[str, Counter] | list[str]") -> str:
    """A regex matching exactly the given strings where they stand as whole words, longest first."""
    firsts = [re.escape(char) + _NO_WORD_BEFORE + _build(child) for char, child in sorted(_trie(forms).items()) if char != _END]
    return "(?:" + "|".join(firsts) + r")(?!\w)"


def _build(node: dict) -> str:
    """One level of the trie: a choice of next characters, optional where a form ends here."""
    branches = [re.escape(char) + _build(child) for char, child in sorted(node.items()) if char != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return "(?:" + body + ")?"
    return body


class Waiver(NamedTuple):
    """An inconsistent-surface-form exception, as much of it as the check and its message use."""

    start: int
    end: int
    text: str
    line: int
    exception_id: str | None


class SurfaceInputs(NamedTuple):
    """What the surface-form check needs of one document besides its text, kept between the passes:
    the usable mentions' (start, end, label index) triples in file order, packed, and the waivers."""

    mentions: bytes  # array("i") of start, end, index in schema.ENTITY_LABELS, for each usable mention
    waivers: list[Waiver]

    def triples(self) -> Iterator[tuple[int, int, int]]:
        values = array("i", self.mentions)
        return zip(values[0::3], values[1::3], values[2::3])


_LABEL_INDEX = {name: i for i, name in enumerate(schema.ENTITY_LABELS.names)}


def usable_mentions(recs: Iterable[Rec]) -> Iterator[Rec]:
    """The mentions the surface-form check counts: span and label usable."""
    return (rec for rec in recs if rec.span_ok and rec.ok("label"))


def surface_triples(mentions: list[Rec]) -> Iterator[int]:
    """start, end, label index of each usable mention, flat, for :class:`SurfaceInputs`."""
    for rec in usable_mentions(mentions):
        yield rec.data["start"]
        yield rec.data["end"]
        yield _LABEL_INDEX[rec.data["label"]]


def surface_inputs(triples: array, exceptions: list[Rec]) -> SurfaceInputs:
    """A document's inputs: its mentions' :func:`surface_triples` and its usable surface-form exceptions."""
    waivers = [
        Waiver(rec.data["start"], rec.data["end"], rec.data["text"], rec.line, rec.record_id(schema.EXCEPTION))
        for rec in exceptions_for(schema.INCONSISTENT_SURFACE_FORM, exceptions)
    ]
    return SurfaceInputs(triples.tobytes(), waivers)


def check_surface_forms(
    text: str,
    inputs: SurfaceInputs,
    forms: FormIndex,
    mention_ids: Callable[[], list[str | None]],
    text_out: FileReporter,
    exc_out: FileReporter,
) -> None:
    """Every whole-word occurrence of an annotated name carries the name's label, or is waived.

    ``mention_ids`` gives the ids of the usable mentions, in the order of ``inputs``; it is called
    only to word a finding."""
    if not forms.labels:
        return
    names = schema.ENTITY_LABELS.names
    labelled = {(start, end, names[label]) for start, end, label in inputs.triples()}
    waivers = inputs.waivers
    expected_of = forms.expected_labels()
    used: set[int] = set()
    for match in forms.pattern().finditer(text):
        form = match.group()
        expected = expected_of[form]
        start, end = match.span()
        if (start, end, expected) in labelled:
            continue  # the common case: the occurrence carries the form's label
        covering = [i for i, waiver in enumerate(waivers) if waiver.start <= start and end <= waiver.end]
        if covering:
            used.update(covering)
            continue
        here = {
            names[label]: mention_id
            for (span_start, span_end, label), mention_id in zip(inputs.triples(), mention_ids())
            if (span_start, span_end) == (start, end)
        }
        text_out.add(schema.INCONSISTENT_SURFACE_FORM, line_of(text, start), _form_message(form, start, end, expected, here, forms))
    for i, waiver in enumerate(waivers):
        if i not in used:
            exc_out.add(
                "unneeded-exception",
                waiver.line,
                f"{schema.INCONSISTENT_SURFACE_FORM} exception over {waiver.text!r} waives nothing: "
                "it covers no unannotated or differently labelled occurrence of an annotated name",
                waiver.exception_id,
            )


def _form_message(form: str, start: int, end: int, expected: str, here: dict[str, str | None], forms: FormIndex) -> str:
    count = forms.labels[form][expected]
    elsewhere = f"annotated {expected} at {count} place(s) in the corpus"
    if here:
        found = ", ".join(f"{label} ({mention_id})" for label, mention_id in sorted(here.items()))
        what = f"is labelled {found} here but {elsewhere}"
    else:
        what = f"is not annotated here but is {elsewhere}"
    return (
        f"{form!r} at {start}-{end} {what}; annotate it as {expected} or add an "
        f"exception with check {schema.INCONSISTENT_SURFACE_FORM}"
    )
