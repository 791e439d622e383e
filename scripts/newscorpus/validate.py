"""``newscorpus validate``: check a corpus root and report every problem, not just the first.

Modelled on Universal Dependencies' ``validate.py``: checks come in levels
(1 format and schema, 2 each record, 3 across records and files), every
problem is a structured ``Finding`` with a stable check id, findings are
collected rather than raised, and the exit status says whether any error was
found.  ``checks.CHECKS`` lists every check id.

The run streams: one document at a time (its text and its layer files), keeping
only small indexes across documents -- the entity table, the set of doc ids and
the annotated name forms -- so a 100,000-document corpus validates in bounded
memory.  The surface-form check needs every name before it can scan any text,
so it makes a second pass over the documents: the first pass spills what that
check needs of each document's annotations to a temporary file (plain data,
about 30 bytes a mention), so the second pass reads texts and the spill but
parses and checks no annotation file twice.

Each document is first checked in bulk (``checks.bulk``): its files are parsed with one
``json.loads`` each and checked column by column with set, ``map`` and ``zip`` operations
that run in C, which asks only whether the record-by-record checks would report anything.
Only when the answer is not a certain no do those detailed checks run, and they word every
finding; so the findings are the same, and a valid corpus costs a third of what the detailed
checks cost (tests/validate/test_bulk_checks.py runs both paths on every fixture).

Imports are standard-library only: the CLI imports this module to build its parser.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import marshal
import stat
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from . import schema
from .checks import CHECKS, Finding, has_errors
from .checks import bulk, crossref, guidelines, records
from .checks.crossref import EntityIndex
from .checks.guidelines import FormIndex
from .checks.records import Rec
from .checks.report import FileReporter, Reporter
from .schema import RecordShape
from .store import Layout

__all__ = ["CHECKS", "CheckedDocument", "Finding", "has_errors", "validate_root", "add_arguments", "run"]


@dataclass(frozen=True)
class CheckedDocument:
    """One document as the validator read it, handed to a consumer so nothing is parsed twice.

    ``newscorpus build`` writes its export from these while the validator runs: reading and
    parsing the annotation files is most of a build's work, and doing it once halves it.
    ``clean`` says whether the run has found no error so far (this document included); a
    consumer must not trust records once it is False (the build stops writing then, and
    refuses when the run ends).
    """

    manifest: dict[str, Any]
    text: str
    layers: dict[str, list[dict[str, Any]]]  # per schema.PER_DOCUMENT_SHAPES name, in file order
    clean: bool

    @property
    def doc_id(self) -> str:
        return self.manifest[schema.DOCUMENT.id_field]


DocumentConsumer = Callable[[CheckedDocument], None]


@dataclass
class _Run:
    """State of one validation run: the reporter and the small cross-document indexes."""

    layout: Layout
    reporter: Reporter
    entities: EntityIndex
    spill: IO[bytes] | None = None  # (doc_id, SurfaceInputs) per readable document, for the second pass
    on_document: DocumentConsumer | None = None
    forms: FormIndex = field(default_factory=FormIndex)
    doc_ids: set[str] = field(default_factory=set)  # every doc_id the manifest names
    _dirs: dict[str, tuple[str, str]] = field(default_factory=dict)
    _manifest_out: FileReporter | None = None
    _corpus_dir: Path | None = None

    def rel(self, path: Path) -> str:
        return self.layout.relative(path)

    def files(self, folder: Path, name: str) -> tuple[str, str]:
        """(path to open, path as shown in findings) of a file in a folder of the root.

        Strings joined once per file instead of ``Path`` objects: per document this runs for
        every layer, and building and relativising ``Path`` objects cost more than the checks
        of a small file.  A doc_id is a plain file stem (``invalid-doc-id``), so joining is safe.
        """
        key = str(folder)
        if key not in self._dirs:
            self._dirs[key] = (os.path.join(key, ""), os.path.join(self.rel(folder), ""))
        real, shown = self._dirs[key]
        return real + name, shown + name  # os.path.join of a folder ending in a separator and a plain name

    def layer_files(self, shape: RecordShape, doc_id: str) -> tuple[str, str]:
        if shape.name not in self._dirs:
            folder = self.layout.layer_dir(shape)
            self._dirs[shape.name] = (os.path.join(folder, ""), os.path.join(self.rel(folder), ""))
        real, shown = self._dirs[shape.name]
        name = f"{doc_id}.jsonl"
        return real + name, shown + name

    def text_files(self, doc_id: str) -> tuple[str, str]:
        if self._corpus_dir is None:
            self._corpus_dir = self.layout.corpus_dir  # a property that builds a Path: once, not per document
        return self.files(self._corpus_dir, f"{doc_id}.txt")

    @property
    def manifest_out(self) -> FileReporter:
        """The manifest's reporter, made once: text problems of every document are reported there."""
        if self._manifest_out is None:
            self._manifest_out = self.reporter.at(self.rel(self.layout.manifest_path), records_are_documents=True)
        return self._manifest_out


def validate_root(root: Path, *, completeness: bool = True, on_document: DocumentConsumer | None = None) -> list[Finding]:
    """Every finding for the corpus under ``root``, sorted by file, line and check.

    ``completeness=False`` skips the guideline checks (uncovered digits, surface-form
    consistency, name mentions, unneeded exceptions): useful while annotation is under way.
    ``on_document`` receives every document with a readable text, in manifest order, after
    its own checks ran (see :class:`CheckedDocument`).
    """
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
    with tempfile.TemporaryFile() as spill:
        state = _Run(layout, reporter, _read_entity_table(layout, reporter), spill if completeness else None, on_document)
        for rec in _manifest_documents(state):
            _validate_document(state, rec)
        _check_stray_files(state)
        _check_unused_entities(state)
        if completeness:
            _surface_form_pass(state)
    return reporter.sorted()


# --------------------------------------------------------------------------- corpus-wide files


def _read_entity_table(layout: Layout, reporter: Reporter) -> EntityIndex:
    path = layout.entity_table_path
    if not path.is_file():
        return EntityIndex()
    out = reporter.at(layout.relative(path))
    recs = list(records.iter_records(path, schema.ENTITY, out))
    for rec in recs:
        records.check_labels(schema.ENTITY, rec, out)
    records.check_unique_ids(schema.ENTITY, recs, out)
    return EntityIndex.from_records(recs)


def _manifest_documents(state: _Run) -> Iterator[Rec]:
    """Manifest records, checked, one at a time; a duplicate or unusable doc_id is not yielded."""
    shape = schema.DOCUMENT
    out = state.reporter.at(state.rel(state.layout.manifest_path), records_are_documents=True)
    first_line: dict[str, int] = {}
    for rec in records.iter_records(state.layout.manifest_path, shape, out):
        records.check_labels(shape, rec, out)
        records.check_dates(shape, rec, out)
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
    """Texts the manifest does not list (warning) and annotation files for no listed document (error).

    Names from one listing per folder rather than ``Path.glob``: building and sorting a ``Path``
    per file cost more than the check.  ``glob("*.txt")`` matches every entry whose name ends so
    (hidden ones, folders and broken links included) and paths in one folder sort as their names,
    so the findings are the same.
    """
    layout, reporter = state.layout, state.reporter
    for name in _names_ending(layout.corpus_dir, ".txt"):
        if _stem(name, ".txt") not in state.doc_ids:
            reporter.add("unlisted-text-file", state.files(layout.corpus_dir, name)[1], None, f"{name} is not in the manifest; add it there or remove it")
    for shape in schema.PER_DOCUMENT_SHAPES:
        folder = layout.layer_dir(shape)
        for name in _names_ending(folder, ".jsonl"):
            stem = _stem(name, ".jsonl")
            if stem not in state.doc_ids:
                reporter.add(
                    "orphan-annotation-file",
                    state.files(folder, name)[1],
                    None,
                    f"{shape.name} file for document {stem!r}, which is not in the manifest",
                    doc_id=stem,
                )


def _names_ending(folder: Path, suffix: str) -> list[str]:
    """Sorted names in ``folder`` ending with ``suffix``; none when it is missing or unreadable, as with glob."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(name for name in names if name.endswith(suffix))


def _stem(name: str, suffix: str) -> str:
    """``Path(name).stem`` of a name ending with ``suffix``: a name that is only the suffix is its own stem."""
    return name[: -len(suffix)] if len(name) > len(suffix) else name


def _check_unused_entities(state: _Run) -> None:
    out = state.reporter.at(state.rel(state.layout.entity_table_path))
    for entity_id, line in state.entities.lines.items():
        if entity_id not in state.entities.used:
            out.add("unused-entity", line, f"entity {entity_id!r} is referred to by no mention, stance or figure", entity_id)


# --------------------------------------------------------------------------- one document


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
"""Non-blocking, so a FIFO in place of a file is found not to be one instead of hanging the run."""


def _read_bytes(path: str, is_file: Callable[[str], bool]) -> bytes | None:
    """A regular file's bytes, or None when there is none at ``path``.

    Straight system calls -- open, fstat, read, close -- instead of testing first and then
    ``open()``, whose file objects cost three times the reading of a small file, and that
    five times a document.  Only when the open fails for another reason than a missing
    path is ``is_file`` -- the test the validator always used -- asked, and its answer
    decides, so what counts as missing has not changed.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:  # nothing there, so ``is_file`` would say False too
        return None
    except OSError:
        if not is_file(path):
            return None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None  # a folder, a FIFO, a device: not a file, as is_file says
        return _read_to_end(fd, info.st_size)
    finally:
        os.close(fd)


def _read_to_end(fd: int, size: int) -> bytes:
    """Everything left in a file expected to hold ``size`` bytes: one read when it does, as usual."""
    wanted = size + 1
    data = os.read(fd, wanted)
    if len(data) < wanted and wanted < 1 << 30:  # a short read of a regular file is its end
        return data
    chunks = [data]
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _is_text_file(path: str) -> bool:
    return Path(path).is_file()


def _read_text(state: _Run, rec: Rec, doc_id: str) -> tuple[bytes | None, str | None]:
    """The text file's bytes and text; None for what is missing or undecodable (its text checks are then skipped)."""
    path, shown = state.text_files(doc_id)
    data = _read_bytes(path, _is_text_file)
    if data is None:
        state.manifest_out.add("missing-text-file", rec.line, f"document {doc_id!r} has no text file {shown}", doc_id)
        return None, None
    expected = rec.get("text_sha256")
    if rec.ok("text_sha256"):
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            state.manifest_out.add("sha256-mismatch", rec.line, f"text_sha256 is {expected} but {shown} hashes to {actual}", doc_id)
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        state.reporter.add(
            "invalid-text-encoding",
            shown,
            data.count(b"\n", 0, exc.start) + 1,
            f"not UTF-8: {exc.reason} at byte {exc.start}",
            doc_id=doc_id,
        )
        return data, None


_UNREADABLE = object()
"""A layer file the bulk reader cannot decode: the detailed reader opens it again and fails as it always did."""


def _read_layer_text(state: _Run, shape: RecordShape, doc_id: str) -> Any:
    """A layer file's content as ``open(path, encoding="utf-8")`` reads it, None when there is no file."""
    data = _read_bytes(state.layer_files(shape, doc_id)[0], os.path.isfile)
    if data is None:
        return None
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        return _UNREADABLE
    if "\r" in content:  # universal newlines, as text mode reads them
        content = content.replace("\r\n", "\n").replace("\r", "\n")
    return content


def _load_layer(state: _Run, shape: RecordShape, doc_id: str, text: str | None, reporter: Reporter) -> list[Rec]:
    """A document's records of one layer, with levels 1-3 record checks reported to ``reporter``."""
    path, shown = state.layer_files(shape, doc_id)
    if not os.path.isfile(path):
        return []
    out = reporter.at(shown, doc_id)
    recs = list(records.iter_records(path, shape, out))
    for rec in recs:
        records.check_labels(shape, rec, out)
        records.check_dates(shape, rec, out)
        if text is not None:
            records.check_spans(shape, rec, text, out)
        if shape is schema.FIGURE:
            records.check_figure(rec, out)
        crossref.check_entity_refs(shape, rec, state.entities, out)
    records.check_unique_ids(shape, recs, out)
    crossref.check_duplicate_spans(shape, recs, out)
    return recs


def _validate_document(state: _Run, rec: Rec) -> None:
    doc_id = rec.record_id(schema.DOCUMENT)
    assert doc_id is not None  # _manifest_documents yields only usable ids
    data, text = _read_text(state, rec, doc_id)
    if data is not None and text is not None and _bulk_document(state, rec, doc_id, data, text):
        return
    _detailed_document(state, rec, doc_id, text)


def _bulk_document(state: _Run, rec: Rec, doc_id: str, data: bytes, text: str) -> bool:
    """Check a document with the bulk checks; False, having reported nothing, when they cannot vouch for it.

    Then the detailed checks run and word the findings.  Once every check that could refuse
    has passed, the document is committed: the rest (name forms, the spill, the digit check,
    which words its own findings from clean records) is what the detailed path would do too.
    """
    values: dict[str, list[dict[str, Any]]] = {}
    columns: dict[str, bulk.Columns] = {}
    for shape in schema.PER_DOCUMENT_SHAPES:
        content = _read_layer_text(state, shape, doc_id)
        if content is _UNREADABLE:
            return False
        parsed = [] if content is None else bulk.parse_lines(content)
        if parsed is None:
            return False
        cols = bulk.clean_columns(shape, parsed, text, state.entities)
        if cols is None:
            return False
        values[shape.name], columns[shape.name] = parsed, cols
    mentions = columns[schema.ENTITY_MENTION.name]
    mentioned = bulk.mentioned_entities(mentions)
    if not all(bulk.links_are_mentioned(shape, columns[shape.name], mentioned) for shape in schema.PER_DOCUMENT_SHAPES):
        return False
    completeness = state.reporter.completeness
    if completeness and not bulk.names_cover_mentions(mentions):
        return False
    exceptions = columns[schema.EXCEPTION.name]
    state.forms.add_forms(bulk.name_forms(mentions))
    if state.spill is not None:
        _spill(state.spill, doc_id, bulk.surface_inputs(mentions, exceptions))
    if completeness and (bulk.waives_digits(exceptions) or not bulk.digits_covered(data, text, columns[schema.FIGURE.name])):
        guidelines.check_digits(
            text,
            _clean_recs(schema.FIGURE, values[schema.FIGURE.name]),
            _clean_recs(schema.EXCEPTION, values[schema.EXCEPTION.name]),
            state.reporter.at(state.text_files(doc_id)[1], doc_id),
            state.reporter.at(_layer_file(state, schema.EXCEPTION, doc_id), doc_id),
        )
    if state.on_document is not None:
        state.on_document(CheckedDocument(rec.data, text, values, clean=state.reporter.errors == 0))
    return True


def _clean_recs(shape: RecordShape, values: list[dict[str, Any]]) -> list[Rec]:
    """Records the bulk checks passed, as the detailed checks leave them: nothing bad, every span usable."""
    span_ok = bool(shape.spans)
    return [Rec(line, data, span_ok=span_ok) for line, data in enumerate(values, start=1)]


def _detailed_document(state: _Run, rec: Rec, doc_id: str, text: str | None) -> None:
    """Every check record by record, each finding worded: for documents the bulk checks would not vouch for."""
    layers = {shape.name: _load_layer(state, shape, doc_id, text, state.reporter) for shape in schema.PER_DOCUMENT_SHAPES}
    mentions = layers[schema.ENTITY_MENTION.name]
    exceptions = layers[schema.EXCEPTION.name]
    mentioned = crossref.mentioned_entities(mentions)
    for shape in schema.PER_DOCUMENT_SHAPES:
        if layers[shape.name]:
            out = state.reporter.at(_layer_file(state, shape, doc_id), doc_id)
            crossref.check_mentioned_entities(shape, layers[shape.name], mentioned, state.entities, out)
    if state.reporter.completeness:
        guidelines.check_name_mentions(mentions, state.reporter.at(_layer_file(state, schema.ENTITY_MENTION, doc_id), doc_id))
    if text is None:
        return
    state.forms.add_mentions(mentions)
    if state.spill is not None:
        _spill(state.spill, doc_id, guidelines.surface_inputs(mentions, exceptions))
    if state.reporter.completeness:
        guidelines.check_digits(
            text,
            layers[schema.FIGURE.name],
            exceptions,
            state.reporter.at(state.text_files(doc_id)[1], doc_id),
            state.reporter.at(_layer_file(state, schema.EXCEPTION, doc_id), doc_id),
        )
    if state.on_document is not None:
        layer_data = {name: [r.data for r in recs] for name, recs in layers.items()}
        state.on_document(CheckedDocument(rec.data, text, layer_data, clean=state.reporter.errors == 0))


def _layer_file(state: _Run, shape: RecordShape, doc_id: str) -> str:
    return state.layer_files(shape, doc_id)[1]


def _spill(spill: IO[bytes], doc_id: str, inputs: guidelines.SurfaceInputs) -> None:
    """One document's surface-form inputs as plain tuples, ``marshal``-ed behind their length.

    ``marshal`` writes and reads such tuples faster than ``pickle``, and the file lives only
    as long as this run, so its format is safe here.  The length prefix lets ``marshal.loads``
    read from memory: ``marshal.load`` on a file object calls its ``readinto`` once per value.
    """
    data = marshal.dumps((doc_id, *inputs[:4], [tuple(waiver) for waiver in inputs.waivers]))
    spill.write(len(data).to_bytes(8, "little"))
    spill.write(data)


def _spilled(spill: IO[bytes]) -> Iterator[tuple[str, guidelines.SurfaceInputs]]:
    spill.seek(0)
    while header := spill.read(8):
        doc_id, starts, ends, labels, mention_ids, waivers = marshal.loads(spill.read(int.from_bytes(header, "little")))
        yield doc_id, guidelines.SurfaceInputs(starts, ends, labels, mention_ids, [guidelines.Waiver(*w) for w in waivers])


def _surface_form_pass(state: _Run) -> None:
    """Second pass: scan each readable text once with the regex of every annotated name."""
    if not state.forms.labels or state.spill is None:
        return
    for doc_id, inputs in _spilled(state.spill):
        path, shown = state.text_files(doc_id)
        data = _read_bytes(path, _is_text_file)
        text = (Path(path).read_bytes() if data is None else data).decode("utf-8")  # gone since: fail as before
        guidelines.check_surface_forms(
            text,
            inputs,
            state.forms,
            lambda: (state.reporter.at(shown, doc_id), state.reporter.at(_layer_file(state, schema.EXCEPTION, doc_id), doc_id)),
        )


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
    findings = validate_root(args.root, completeness=not args.no_completeness)
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
