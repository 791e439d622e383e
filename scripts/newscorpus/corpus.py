"""The corpus on disk: its layout, the one reader of its files, and atomic canonical writing.

Layout of a corpus root::

    corpus/<doc_id>.txt                     verbatim article text (never rewritten)
    corpus/manifest.jsonl                   one document record per line
    annotations/entity_table.jsonl          corpus-wide entities
    annotations/<layer>/<doc_id>.jsonl      entities, figures, stances, exceptions

This module is the only code that parses the corpus's JSONL.  :func:`iter_lines` yields every
non-blank line of a file as a :class:`Line`: the decoded JSON object, or the reason the line is
not one (bad UTF-8, bad JSON, not an object, nested too deeply), so the validator can word a
finding with file and line.  :func:`iter_documents` streams :class:`Document` values in manifest
order for every command that reads a validated corpus; it raises :class:`CorpusError` (naming
file, line and problem) on anything it cannot read.

Files hold one JSON record per line with keys in schema order and records in a stable sort order,
so that a git diff shows exactly the records that changed.  Writes go to a temp file in the same
folder and are renamed into place, so a crash never leaves a half-written file behind, and they
honour the process umask like any other file the user creates.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import msgspec

from . import schema
from .schema import RecordShape

Record = dict[str, Any]


class CorpusError(Exception):
    """A file of the corpus cannot be read as the layout requires; the message names file and line."""


@dataclass(frozen=True)
class Layout:
    """Where each file of a corpus root lives; the only place that spells these paths."""

    root: Path

    @property
    def corpus_dir(self) -> Path:
        return self.root / "corpus"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.jsonl"

    @property
    def annotations_dir(self) -> Path:
        return self.root / "annotations"

    @property
    def entity_table_path(self) -> Path:
        return self.annotations_dir / f"{schema.ENTITY.name}.jsonl"

    @property
    def errata_path(self) -> Path:
        return self.annotations_dir / f"{schema.ERRATUM.name}.jsonl"

    def text_path(self, doc_id: str) -> Path:
        return self.root / self.text_file(doc_id)

    def layer_dir(self, shape: RecordShape) -> Path:
        return self.annotations_dir / shape.name

    def layer_path(self, shape: RecordShape, doc_id: str) -> Path:
        return self.root / self.layer_file(shape, doc_id)

    @staticmethod
    def text_file(doc_id: str) -> str:
        """The text's path relative to the root, as findings show it."""
        return f"corpus/{doc_id}.txt"

    @staticmethod
    def layer_file(shape: RecordShape, doc_id: str) -> str:
        """A layer file's path relative to the root, as findings show it."""
        return f"annotations/{shape.name}/{doc_id}.jsonl"

    def relative(self, path: Path) -> str:
        """A path as shown in findings and messages: relative to the root when inside it."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def find_root(start: Path | None = None) -> Path:
    """The corpus root: the nearest folder at or above ``start`` that has corpus/manifest.jsonl."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if Layout(candidate).manifest_path.is_file():
            return candidate
    return here


# --------------------------------------------------------------------------- reading files


def open_regular(path: Path, root: Path | None = None) -> int | None:
    """A read-only descriptor of the regular file at ``path``; None when nothing is there.

    Raises :class:`CorpusError` when something else stands there (a folder, a FIFO, a device), or,
    given ``root``, when the path leads outside it through a symbolic link.  Opened non-blocking,
    so a FIFO is recognised instead of hanging the reader.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        try:
            fd = os.open(path, flags | os.O_NOFOLLOW)
        except OSError as exc:
            if exc.errno != errno.ELOOP:  # ELOOP: the path is a symbolic link
                raise
            if root is not None and not path.resolve().is_relative_to(root.resolve()):
                raise CorpusError(f"{path} is a symbolic link to {path.resolve()}, outside the corpus root") from None
            fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise CorpusError(f"{path} is a folder, not a file") from None
    except OSError as exc:
        raise CorpusError(f"{path} cannot be read: {exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        raise CorpusError(f"{path} is {kind}, not a file")
    return fd


def read_bytes(path: Path, root: Path | None = None) -> bytes | None:
    """A regular file's bytes, None when it is missing; :class:`CorpusError` as :func:`open_regular`."""
    fd = open_regular(path, root)
    if fd is None:
        return None
    try:
        return b"".join(_reads(fd))
    finally:
        os.close(fd)


def _reads(fd: int) -> Iterator[bytes]:
    """The file's bytes in pieces of :data:`BLOCK_BYTES`, to its end."""
    while piece := os.read(fd, BLOCK_BYTES):
        yield piece


def read_text(path: Path) -> str:
    """The document text exactly as stored: bytes decoded as UTF-8, no newline translation."""
    data = read_bytes(path)
    if data is None:
        raise CorpusError(f"{path}: no such file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


class Line(NamedTuple):
    """One non-blank line of a JSONL file: the JSON object it holds, or why it holds none.

    ``fits`` is True when the line was also decoded as the typed record of the shape it was read
    for (:func:`schema.record_type`): every field present, no other, each of its kind and label.
    """

    no: int
    record: Record | None
    error: str | None = None
    fits: bool = False


_decoder = msgspec.json.Decoder()
_decode, _decode_lines = _decoder.decode, _decoder.decode_lines
_REFUSED = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)


def parse_line(raw: bytes) -> tuple[Any, str | None]:
    """(value, None) for a line that is one JSON value, else (None, the reason).

    msgspec decodes; whatever it refuses is decided and worded by ``json.loads``, which also
    reads what msgspec does not (NaN, numbers beyond a double), so what a line means never
    depends on which decoder read it.
    """
    try:
        return _decode(raw), None
    except _REFUSED:
        pass
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8: {exc.reason} at byte {exc.start} of the line"
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} (column {exc.colno})"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"


BLOCK_BYTES = 1 << 20
"""Lines are read and decoded in blocks of about this many bytes: memory holds one block's
records, however large the file."""


def iter_lines(path: Path, root: Path | None = None, shape: RecordShape | None = None) -> Iterator[Line]:
    """Every non-blank line of a JSONL file, lazily; nothing when the file is missing.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (as text mode reads them).  A line that is
    not a JSON object is yielded with ``record=None`` and the reason; a file that is not a regular
    file raises :class:`CorpusError` before any line.  Given ``shape``, each line is also decoded
    as its typed record, which sets :attr:`Line.fits`.

    A block of plain lines (see :func:`_plain_block`) that all decode (as the typed record, given
    ``shape``) is decoded with one ``decode_lines`` call; any other block line by line, which
    words each error.
    """
    fd = open_regular(path, root)
    if fd is None:
        return
    try:
        yield from _parse_blocks(_blocks(fd), shape)
    finally:
        os.close(fd)


def _parse_blocks(blocks: Iterable[bytes], shape: RecordShape | None) -> Iterator[Line]:
    typed = _typed_decoder(shape) if shape is not None else None
    no = 0
    for block in blocks:
        if lines := _plain_block(block):
            try:
                fits = typed is None or len(typed.decode_lines(block)) == lines
                records = _decode_lines(block) if fits else []
            except _REFUSED:
                records = []
            if len(records) == lines:
                for no, record in enumerate(records, no + 1):
                    yield Line(no, record, None, typed is not None)
                continue
        for raw in block.splitlines():
            no += 1
            if (line := _line(no, raw, typed)) is not None:
                yield line


_TYPED_DECODERS: dict[str, msgspec.json.Decoder] = {}


def _typed_decoder(shape: RecordShape) -> msgspec.json.Decoder:
    """The decoder of a shape's typed record, made once per shape name."""
    if shape.name not in _TYPED_DECODERS:
        _TYPED_DECODERS[shape.name] = msgspec.json.Decoder(schema.record_type(shape))
    return _TYPED_DECODERS[shape.name]


def _blocks(fd: int) -> Iterator[bytes]:
    """The file in blocks of whole lines (the last may lack its end of line)."""
    rest = b""
    for chunk in _reads(fd):
        chunk = rest + chunk
        cut = chunk.rfind(b"\n") + 1  # so a \r\n is never split between blocks
        rest, chunk = chunk[cut:], chunk[:cut]
        if chunk:
            yield chunk
    if rest:
        yield rest


def _plain_block(block: bytes) -> int:
    """The number of lines of a block where every line is ``{...}`` and nothing else (no blank line,
    no ``\\r``, no space at either end); 0 for any other block.

    In such a block no JSON value can span two lines (a ``}`` then ``{`` across a line break is
    never inside one value), so when ``decode_lines`` finds as many values as lines, value i is
    line i: the block reads exactly as line-by-line reading would.
    """
    if not (block.startswith(b"{") and block.rstrip(b"\n").endswith(b"}")) or b"\r" in block:
        return 0
    lines = block.count(b"\n") + (not block.endswith(b"\n"))
    return lines if block.count(b"}\n{") == lines - 1 else 0


def _line(no: int, raw: bytes, typed: Any) -> Line | None:
    """One line on its own: typed when it fits, else parsed and worded; None for a blank line."""
    if typed is not None:
        try:
            typed.decode(raw)
        except _REFUSED:
            pass
        else:  # a JSON object of the shape: the plain decode cannot fail
            return Line(no, _decode(raw), None, True)
    if not raw.strip():
        return None
    value, error = parse_line(raw)
    if error is None and not isinstance(value, dict):
        error = f"expected a JSON object, got {type(value).__name__}"
    return Line(no, value if error is None else None, error, False)


def read_records(path: Path, root: Path | None = None, *, shown_as: str | None = None) -> list[Record]:
    """Every record of a JSONL file ([] when it is missing); :class:`CorpusError` on the first bad line."""
    return _records(iter_lines(path, root), shown_as or str(path))


def parse_records(data: bytes, shown_as: str) -> list[Record]:
    """Every record of JSONL content read elsewhere (a file at a git revision); :class:`CorpusError`
    naming ``shown_as`` and the line on the first bad line."""
    return _records(_parse_blocks([data], None), shown_as)


def _records(lines: Iterable[Line], shown_as: str) -> list[Record]:
    records = []
    for line in lines:
        if line.record is None:
            raise CorpusError(f"{shown_as}:{line.no}: {line.error}")
        records.append(line.record)
    return records


def sort_key(shape: RecordShape, record: Record) -> tuple:
    """The canonical order of a layer's records (None sorts last)."""
    return tuple((record.get(name) is None, record.get(name)) for name in shape.sort_fields)


def canonical_order(shape: RecordShape, records: Iterable[Record]) -> list[Record]:
    return sorted(records, key=lambda r: sort_key(shape, r))


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Document:
    """One document of a validated corpus: its manifest record, text and records per layer.

    ``layers`` maps every name in :data:`schema.PER_DOCUMENT_SHAPES` to the records in canonical
    order (a missing file is an empty layer).
    """

    manifest: Record
    text: str
    layers: dict[str, list[Record]]

    @property
    def doc_id(self) -> str:
        return self.manifest[schema.DOCUMENT.id_field]

    @property
    def split(self) -> str:
        return self.manifest["split"]

    def records(self, shape: RecordShape) -> list[Record]:
        return self.layers[shape.name]


def iter_manifest(root: Path) -> Iterator[Record]:
    """Manifest records in file order; :class:`CorpusError` when the root has no manifest or a bad line."""
    layout = Layout(root)
    path = layout.manifest_path
    if not path.is_file():
        raise CorpusError(f"{path}: no manifest (is {root} a corpus root?)")
    for line in iter_lines(path, root):
        if line.record is None:
            raise CorpusError(f"{layout.relative(path)}:{line.no}: {line.error}")
        yield line.record


def read_document(root: Path, manifest: Record) -> Document:
    layout = Layout(root)
    doc_id = manifest[schema.DOCUMENT.id_field]
    layers = {
        shape.name: canonical_order(shape, read_records(layout.layer_path(shape, doc_id), root, shown_as=layout.relative(layout.layer_path(shape, doc_id))))
        for shape in schema.PER_DOCUMENT_SHAPES
    }
    text_path = layout.text_path(doc_id)
    if not text_path.exists():
        raise CorpusError(f"{layout.relative(layout.manifest_path)}: document {doc_id!r} has no text file {layout.relative(text_path)}")
    return Document(manifest, read_text(text_path), layers)


def iter_documents(root: Path) -> Iterator[Document]:
    """Every document of the corpus under ``root``, in manifest order, one at a time.

    Run the validator first: this reader trusts record shapes and raises :class:`CorpusError`
    only for what it cannot read at all.
    """
    for manifest in iter_manifest(root):
        yield read_document(root, manifest)


def read_entity_table(root: Path) -> list[Record]:
    layout = Layout(root)
    return read_records(layout.entity_table_path, root, shown_as=layout.relative(layout.entity_table_path))


@dataclass
class Corpus:
    """A whole (small) corpus in memory: manifest, texts, entity table and per-document layers.

    For commands that need every document at once (Label Studio push, diff, stats); the build
    and the validator stream with :func:`iter_documents` instead.
    """

    layout: Layout
    documents: list[Record]
    texts: dict[str, str]
    entity_table: list[Record]
    layers: dict[str, dict[str, list[Record]]]

    def records(self, shape: RecordShape, doc_id: str) -> list[Record]:
        return self.layers.get(shape.name, {}).get(doc_id, [])

    def split_doc_ids(self) -> dict[str, list[str]]:
        """Document ids per split, splits in inventory order, documents in manifest order."""
        out: dict[str, list[str]] = {}
        for name in schema.SPLITS.names:
            ids = [d["doc_id"] for d in self.documents if d["split"] == name]
            if ids:
                out[name] = ids
        return out


def load_corpus(root: Path) -> Corpus:
    """Load a root without validating it; run the validator first when the data may be bad."""
    documents = list(iter_documents(root))
    layers = {shape.name: {d.doc_id: d.layers[shape.name] for d in documents} for shape in schema.PER_DOCUMENT_SHAPES}
    return Corpus(Layout(root), [d.manifest for d in documents], {d.doc_id: d.text for d in documents}, read_entity_table(root), layers)


# --------------------------------------------------------------------------- writing


def _canonical_value(f: schema.Field, value: Any) -> Any:
    """Integral floats are written as integers so that 1e11 reads as 100000000000 in diffs."""
    if f.kind == "float" and isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def canonical_record(shape: RecordShape, record: Record) -> Record:
    """The record with schema fields in schema order; unknown keys are kept, sorted, after them."""
    known = {f.name: _canonical_value(f, record[f.name]) for f in shape.fields if f.name in record}
    extra = {k: record[k] for k in sorted(record) if k not in known}
    return {**known, **extra}


def dumps_records(shape: RecordShape, records: Iterable[Record]) -> str:
    """The canonical file content for a set of records: sorted, one compact JSON object a line."""
    lines = [json.dumps(canonical_record(shape, r), ensure_ascii=False) for r in canonical_order(shape, records)]
    return "".join(line + "\n" for line in lines)


def current_umask() -> int:
    """The process umask (read by setting it and setting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode a newly created regular file gets under the current umask (0o666 less the mask)."""
    return 0o666 & ~current_umask()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename: readers see old or new, never half.

    The file gets the permissions an ordinary ``open(path, "w")`` would give it (0666 less the umask).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), new_file_mode())
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_records(path: Path, shape: RecordShape, records: Iterable[Record]) -> None:
    atomic_write_text(path, dumps_records(shape, records))
