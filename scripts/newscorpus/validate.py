"""``newscorpus validate``: check a corpus root and report every problem, not just the first.

Modelled on Universal Dependencies' ``validate.py``: checks come in levels
(1 format and schema, 2 each record, 3 across records and files), every
problem is a structured ``Finding`` with a stable check id, findings are
collected rather than raised, and the exit status says whether any error was
found.  ``checks.CHECKS`` lists every check id; each rule is written once, in
``checks``.

The run streams: one document at a time, each layer file a batch of records at a
time (read with ``corpus.iter_lines``).  What is kept across documents is small:
the entity table, the doc ids, the annotated name forms and, for the surface-form
check, 12 bytes per usable mention; within one document, each record's id and span key
(for the duplicate checks), the figures' spans and the exception records (for the
digit check).  No mention, figure or stance file's records are ever all held.  The
surface-form check needs every name before it can scan any text, so it makes a
second pass that reads each text again, with what the first pass kept of its
mentions and exceptions (``guidelines.SurfaceInputs``).

Imports are standard-library only (plus msgspec through ``corpus``): the CLI
imports this module to build its parser.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from collections import Counter
from pathlib import Path
from array import array
from itertools import islice
from typing import Iterator

from . import corpus, schema
from .checks import CHECKS, Finding, has_errors
from .checks import crossref, guidelines, records
from .checks.crossref import EntityIndex
from .checks.guidelines import FormIndex
from .checks.records import Rec
from .checks.report import FileReporter, Reporter
from .corpus import Layout
from .parallel import default_workers, ordered_map
from .schema import RecordShape

__all__ = ["CHECKS", "Finding", "has_errors", "validate_root", "add_arguments", "run"]


@dataclass
class _Run:
    """State of one validation run: the reporter and the small cross-document indexes."""

    layout: Layout
    reporter: Reporter
    entities: EntityIndex
    forms: FormIndex = field(default_factory=FormIndex)
    doc_ids: set[str] = field(default_factory=set)  # every doc_id the manifest names
    readable: list[tuple[str, guidelines.SurfaceInputs]] = field(default_factory=list)  # of texts that decoded

    @property
    def root(self) -> Path:
        return self.layout.root

    def rel(self, path: Path) -> str:
        return self.layout.relative(path)

    def at(self, path: Path | str, doc_id: str | None = None) -> FileReporter:
        return self.reporter.at(path if isinstance(path, str) else self.rel(path), doc_id)


@dataclass
class _DocumentReport:
    """What one document's checks found and what the run keeps of it (sent back from a worker)."""

    doc_id: str
    findings: list[Finding]
    forms: list[tuple[tuple[str, str], int]]  # ((name form, label), count) of its usable name mentions
    used: set[str]
    surface: guidelines.SurfaceInputs | None  # None when its text did not decode


DOCUMENTS_PER_TASK = 32
"""Documents a validation worker checks per round trip."""

_RUN: _Run | None = None
"""The run a worker process checks documents for; set before the workers are forked."""


def validate_root(root: Path, *, completeness: bool = True, workers: int = 1) -> list[Finding]:
    """Every finding for the corpus under ``root``, sorted by file, line and check.

    ``completeness=False`` skips the guideline checks (uncovered digits, surface-form
    consistency, name mentions, unneeded exceptions): useful while annotation is under way.
    ``workers`` processes check documents (each document on its own); the findings do not
    depend on it.
    """
    global _RUN
    layout = Layout(Path(root))
    reporter = Reporter(completeness=completeness)
    if not layout.manifest_path.is_file():
        reporter.add(
            "missing-manifest",
            layout.relative(layout.manifest_path),
            None,
            f"no manifest at {layout.manifest_path}: is {root} a corpus root?",
        )
        return reporter.sorted()
    state = _RUN = _Run(layout, reporter, _read_entity_table(layout, reporter))
    try:
        for report in ordered_map(_check_document, _manifest_documents(state), workers, chunk=DOCUMENTS_PER_TASK):
            reporter.findings.extend(report.findings)
            state.forms.add_forms(report.forms)
            state.entities.used |= report.used
            if report.surface is not None:
                state.readable.append((report.doc_id, report.surface))
        _check_stray_files(state)
        _check_unused_entities(state)
        if completeness and state.forms.labels:
            state.forms.pattern(), state.forms.expected_labels()  # once, before the workers fork
            for findings in ordered_map(_check_surface_forms, state.readable, workers, chunk=DOCUMENTS_PER_TASK):
                reporter.findings.extend(findings)
    finally:
        _RUN = None
    return reporter.sorted()


# --------------------------------------------------------------------------- corpus-wide files


def _read_entity_table(layout: Layout, reporter: Reporter) -> EntityIndex:
    path = layout.entity_table_path
    out = reporter.at(layout.relative(path))
    recs = list(records.iter_records(path, schema.ENTITY, out, layout.root))
    records.UniqueIds(schema.ENTITY, out).add(recs)
    return EntityIndex.from_records(recs)


def _manifest_documents(state: _Run) -> Iterator[Rec]:
    """Manifest records, checked, one at a time; a duplicate or unusable doc_id is not yielded."""
    shape = schema.DOCUMENT
    out = state.reporter.at(state.rel(state.layout.manifest_path), records_are_documents=True)
    first_line: dict[str, int] = {}
    for rec in records.iter_records(state.layout.manifest_path, shape, out, state.root):
        records.check_dates(shape, [rec], out)
        doc_id = rec.record_id(shape)
        if doc_id is None:
            continue
        if doc_id in first_line:
            out.add("duplicate-doc-id", rec.line, f"doc_id {doc_id!r} already listed on line {first_line[doc_id]}", doc_id)
            continue
        first_line[doc_id] = rec.line
        state.doc_ids.add(doc_id)
        if records.check_doc_id(rec, out):
            yield rec


def _check_stray_files(state: _Run) -> None:
    """Texts the manifest does not list (warning) and annotation files for no listed document (error)."""
    layout, reporter = state.layout, state.reporter
    for path in _listed(layout.corpus_dir, ".txt"):
        if path.stem not in state.doc_ids:
            reporter.add("unlisted-text-file", state.rel(path), None, f"{path.name} is not in the manifest; add it there or remove it")
    for shape in schema.PER_DOCUMENT_SHAPES:
        for path in _listed(layout.layer_dir(shape), ".jsonl"):
            if path.stem not in state.doc_ids:
                reporter.add(
                    "orphan-annotation-file",
                    state.rel(path),
                    None,
                    f"{shape.name} file for document {path.stem!r}, which is not in the manifest",
                    doc_id=path.stem,
                )


def _listed(folder: Path, suffix: str) -> list[Path]:
    """Entries of ``folder`` whose names end with ``suffix``, sorted; none when it is missing or unreadable."""
    try:
        return [folder / name for name in sorted(os.listdir(folder)) if name.endswith(suffix)]
    except OSError:
        return []


def _check_unused_entities(state: _Run) -> None:
    out = state.at(state.layout.entity_table_path)
    for entity_id, line in state.entities.lines.items():
        if entity_id not in state.entities.used:
            out.add("unused-entity", line, f"entity {entity_id!r} is referred to by no mention, stance or figure", entity_id)


# --------------------------------------------------------------------------- one document


def _read_text(state: _Run, rec: Rec, doc_id: str) -> str | None:
    """The document's text; None for what is missing or unreadable (its text checks are then skipped)."""
    shown = Layout.text_file(doc_id)
    path = state.root / shown
    out = state.reporter.at(state.rel(state.layout.manifest_path), records_are_documents=True)
    try:
        data = corpus.read_bytes(path, state.root)
    except corpus.CorpusError as exc:
        state.reporter.add("unreadable-file", shown, None, str(exc).replace(str(state.root) + "/", ""), doc_id=doc_id)
        return None
    if data is None:
        out.add("missing-text-file", rec.line, f"document {doc_id!r} has no text file {shown}", doc_id)
        return None
    expected = rec.get("text_sha256")
    if rec.ok("text_sha256"):
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            out.add("sha256-mismatch", rec.line, f"text_sha256 is {expected} but {shown} hashes to {actual}", doc_id)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        state.reporter.add(
            "invalid-text-encoding",
            shown,
            data.count(b"\n", 0, exc.start) + 1,
            f"not UTF-8: {exc.reason} at byte {exc.start}",
            doc_id=doc_id,
        )
        return None


RECORDS_PER_BATCH = 4096
"""Records of one layer file checked together; a larger file is checked a batch at a time."""


def _load_layer(state: _Run, shape: RecordShape, doc_id: str, text: str | None, reporter: Reporter) -> Iterator[list[Rec]]:
    """A document's records of one layer, a batch at a time, each batch checked (levels 1-3 record
    checks, reported to ``reporter``) before it is handed on; the file's records are never all held."""
    shown = Layout.layer_file(shape, doc_id)
    out = reporter.at(shown, doc_id)
    path = state.root / shown
    unique, duplicates = records.UniqueIds(shape, out), crossref.DuplicateSpans(shape, out, path)
    lines = records.iter_records(path, shape, out, state.root)
    while batch := list(islice(lines, RECORDS_PER_BATCH)):
        records.check_dates(shape, batch, out)
        if text is not None:
            records.check_spans(shape, batch, text, out)
        if shape is schema.FIGURE:
            records.check_figures(batch, out)
        crossref.check_entity_refs(shape, batch, state.entities, out)
        unique.add(batch)
        duplicates.add(batch)
        yield batch
    duplicates.finish()


def _check_document(rec: Rec) -> _DocumentReport:
    """Every check of one document on its own (levels 1-3 but the surface forms), reported apart.

    The layers are read in schema order, mentions first, so a figure's or stance's entities are
    checked against the document's mentions as each batch streams by."""
    assert _RUN is not None
    doc_id = rec.record_id(schema.DOCUMENT)
    assert doc_id is not None  # _manifest_documents yields only usable ids
    reporter = Reporter(completeness=_RUN.reporter.completeness)
    entities = EntityIndex(_RUN.entities.labels, _RUN.entities.lines)
    state = _Run(_RUN.layout, reporter, entities)
    text = _read_text(state, rec, doc_id)
    mentioned: set[str] = set()
    names = guidelines.NameMentions()
    forms: Counter = Counter()
    figure_spans: list[tuple[int, int]] = []
    exceptions: list[Rec] = []
    surface = array("i")
    for shape in schema.PER_DOCUMENT_SHAPES:
        out = state.at(Layout.layer_file(shape, doc_id), doc_id)
        for batch in _load_layer(state, shape, doc_id, text, reporter):
            if shape is schema.ENTITY_MENTION:
                mentioned.update(r.data["entity_id"] for r in batch if r.ok("entity_id"))
                names.add(batch)
                forms.update(guidelines.name_forms(batch))
                surface.extend(guidelines.surface_triples(batch))
            else:
                crossref.check_mentioned_entities(shape, batch, mentioned, entities, out)
            if shape is schema.FIGURE:
                figure_spans.extend((r.data["start"], r.data["end"]) for r in batch if r.span_ok)
            elif shape is schema.EXCEPTION:
                exceptions.extend(batch)
    if reporter.completeness:
        names.report(state.at(Layout.layer_file(schema.ENTITY_MENTION, doc_id), doc_id))
    if text is not None and reporter.completeness:
        guidelines.check_digits(
            text,
            figure_spans,
            exceptions,
            state.at(Layout.text_file(doc_id), doc_id),
            state.at(Layout.layer_file(schema.EXCEPTION, doc_id), doc_id),
        )
    if text is None:
        return _DocumentReport(doc_id, reporter.findings, [], entities.used, None)
    return _DocumentReport(doc_id, reporter.findings, list(forms.items()), entities.used, guidelines.surface_inputs(surface, exceptions))


def _check_surface_forms(document: tuple[str, guidelines.SurfaceInputs]) -> list[Finding]:
    """Second pass, one document: every whole-word occurrence of an annotated name carries its label."""
    assert _RUN is not None
    doc_id, inputs = document
    layout = _RUN.layout
    text = corpus.read_text(layout.text_path(doc_id))
    reporter = Reporter()
    guidelines.check_surface_forms(
        text,
        inputs,
        _RUN.forms,
        lambda: _usable_mention_ids(doc_id, text),
        reporter.at(Layout.text_file(doc_id), doc_id),
        reporter.at(Layout.layer_file(schema.EXCEPTION, doc_id), doc_id),
    )
    return reporter.findings


def _usable_mention_ids(doc_id: str, text: str) -> list[str | None]:
    """The ids of a document's usable mentions, in file order: checked again, findings dropped
    (the first pass reported them)."""
    assert _RUN is not None
    state = _Run(_RUN.layout, Reporter(completeness=False), _RUN.entities)
    batches = _load_layer(state, schema.ENTITY_MENTION, doc_id, text, state.reporter)
    return [rec.record_id(schema.ENTITY_MENTION) for batch in batches for rec in guidelines.usable_mentions(batch)]


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people (default), json for tools")
    parser.add_argument(
        "--no-completeness",
        action="store_true",
        help="skip the guideline checks (uncovered digits, surface forms, name mentions, unneeded exceptions)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the findings; exit 1 when any is an error, so scripts and CI can stop on bad data."""
    findings = validate_root(args.root, completeness=not args.no_completeness, workers=default_workers())
    if args.format == "json":
        print(json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(format_finding(finding))
        print(summary(findings))
    return 1 if has_errors(findings) else 0


def format_finding(finding: Finding) -> str:
    """``file:line: severity [check-id] doc/record: message`` -- the shape editors and grep expect."""
    where = finding.file if finding.line is None else f"{finding.file}:{finding.line}"
    parts = [finding.doc_id, finding.record_id if finding.record_id != finding.doc_id else None]
    who = "/".join(part for part in parts if part)
    return f"{where}: {finding.severity} [{finding.check}] {who + ': ' if who else ''}{finding.message}"


def summary(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    files = len({f.file for f in findings})
    if not findings:
        return "valid: 0 errors, 0 warnings"
    verdict = "INVALID" if errors else "valid"
    return f"{verdict}: {errors} error(s), {warnings} warning(s) in {files} file(s)"
