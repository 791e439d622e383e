"""What a pull changes: three-way merge of local records, Label Studio records and the last sync.

The base of the merge is the sync-state file ``.labelstudio/sync.jsonl`` under the
corpus root: one line per document with a short hash of every record's annotation
fields as they were when last pushed or pulled.  With it a record that changed only
in Label Studio is taken, one that changed only locally is kept, and one that
changed on both sides since the base is a conflict, which a pull reports and does
not overwrite without ``--force``.  A document with no base (never synced) takes
local as its base: every difference is a Label Studio change.

The ``.labelstudio/`` folder (also a pull's staging folder) is ignored by git, so a push
never makes ``newscorpus release`` refuse a dirty tree; it holds no token or key.  The
state is read through an index of byte offsets per document and written by streaming,
so it is never held in memory whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .. import schema
from ..corpus import canonical_record, new_file_mode, sort_key
from .client import LabelStudioError
from .convert import Record, annotation_fields

STATE_DIR = ".labelstudio"
STATE_NAME = "sync.jsonl"


def state_dir(root: Path) -> Path:
    return root / STATE_DIR


def state_path(root: Path) -> Path:
    return state_dir(root) / STATE_NAME


def _comparable(shape: schema.RecordShape, record: Record) -> dict[str, Any]:
    """A record's annotation fields; lists of ids are sets, so their order is not part of the annotation."""
    out = {}
    for name in annotation_fields(shape):
        value = record.get(name)
        if shape.field(name).kind == "string_list" and isinstance(value, list):
            value = sorted(value)
        out[name] = value
    return canonical_record(shape, out)


def record_hash(shape: schema.RecordShape, record: Record) -> str:
    """A short digest of a record's annotation fields; provenance and list order do not count as a change."""
    data = json.dumps(_comparable(shape, record), ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(data.encode("utf-8"), digest_size=8).hexdigest()


def layer_hashes(layers: dict[str, list[Record]]) -> dict[str, dict[str, str]]:
    return {
        shape.name: {r[shape.id_field]: record_hash(shape, r) for r in layers.get(shape.name, [])}
        for shape in schema.ANNOTATION_LAYERS
    }


# --------------------------------------------------------------------------- state file


@dataclass(frozen=True)
class ProjectKey:
    """Which Label Studio project a sync state belongs to; a base from another project is no base."""

    url: str
    project_id: int
    title: str


@dataclass
class DocState:
    doc_id: str
    task_id: int | None
    hashes: dict[str, dict[str, str]]

    def as_line(self) -> str:
        body = {"doc_id": self.doc_id, "task_id": self.task_id, "records": self.hashes}
        return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _is_hashes(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(layer, str) and isinstance(ids, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in ids.items())
        for layer, ids in value.items()
    )


class SyncState:
    """Read side: a header and an offset index; document lines are read when asked for.

    Every line is checked when the index is built, so a corrupt file is refused at once
    with its line named, never half-used.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.project: dict[str, Any] | None = None
        self._offsets: dict[str, int] = {}
        if not path.exists():
            return
        if not path.is_file():
            raise self._error(None, "is not a regular file")
        try:
            with path.open("rb") as handle:
                offset = 0
                for line_no, raw in enumerate(handle, start=1):
                    if raw.strip():
                        self._index(line_no, raw, offset)
                    offset += len(raw)
        except OSError as exc:
            raise self._error(None, f"cannot be read ({exc.strerror})") from None

    def _error(self, line_no: int | None, problem: str) -> LabelStudioError:
        """The file cannot be read: an error naming the file, the line and what to do."""
        where = f"{self.path}" + (f":{line_no}" if line_no else "")
        return LabelStudioError(f"{where}: the Label Studio sync state {problem}; delete the file to pull without a "
                              "base (every difference then counts as a Label Studio change)")

    def _index(self, line_no: int, raw: bytes, offset: int) -> None:
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise self._error(line_no, f"is not valid JSON ({getattr(exc, 'msg', type(exc).__name__)})") from None
        if not isinstance(value, dict):
            raise self._error(line_no, "has a line that is not a JSON object")
        if line_no == 1:
            project = value.get("project")
            if not (isinstance(project, dict) and isinstance(project.get("url"), str)
                    and type(project.get("project_id")) is int and isinstance(project.get("title"), str)):
                raise self._error(line_no, "has no project header (url, project_id, title)")
            self.project = project
            return
        doc_id, task_id = value.get("doc_id"), value.get("task_id")
        if not isinstance(doc_id, str) or not (task_id is None or type(task_id) is int) or not _is_hashes(value.get("records", {})):
            raise self._error(line_no, "has a document line without a doc_id, task_id and record hashes")
        if doc_id in self._offsets:
            raise self._error(line_no, f"lists document {doc_id!r} twice")
        self._offsets[doc_id] = offset

    def matches(self, key: ProjectKey) -> bool:
        return self.project == asdict(key)

    def doc_ids(self) -> list[str]:
        return list(self._offsets)

    def get(self, doc_id: str) -> DocState | None:
        offset = self._offsets.get(doc_id)
        if offset is None:
            return None
        with self.path.open("rb") as handle:
            handle.seek(offset)
            value = json.loads(handle.readline())
        return DocState(value["doc_id"], value.get("task_id"), value.get("records") or {})


class SyncWriter:
    """Write side: new document lines as they come, then the untouched old ones, into a temp file
    next to the state file; :meth:`finish` hands that file over (the caller renames it in place)."""

    def __init__(self, path: Path, key: ProjectKey, old: SyncState | None) -> None:
        self.path = path
        self.old = old if old is not None and old.matches(key) else None
        self._seen: set[str] = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, new_file_mode())
        self._handle = os.fdopen(fd, "w", encoding="utf-8")
        self._handle.write(json.dumps({"project": asdict(key)}, sort_keys=True) + "\n")

    def add(self, doc: DocState) -> None:
        self._seen.add(doc.doc_id)
        self._handle.write(doc.as_line())

    def finish(self) -> Path:
        """Close the temp file (complete and on disk) and return it."""
        if self.old is not None:
            for doc_id in self.old.doc_ids():
                if doc_id not in self._seen:
                    self._handle.write(self.old.get(doc_id).as_line())  # type: ignore[union-attr]
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        return Path(self._tmp)

    def commit(self) -> None:
        os.replace(self.finish(), self.path)

    def abort(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        Path(self._tmp).unlink(missing_ok=True)


# --------------------------------------------------------------------------- ids of regions drawn in Label Studio


def _id_number(shape: schema.RecordShape, rid: str) -> int | None:
    """The number of a corpus id (``m-007``: the first letter of the layer's id field, then digits)."""
    match = re.fullmatch(rf"{re.escape(shape.id_field[0])}-(\d+)", rid)
    return int(match.group(1)) if match else None


def assign_ids(shape: schema.RecordShape, local: list[Record], remote: list[Record]) -> list[Record]:
    """Remote records with corpus ids: Label Studio's random region ids replaced.

    A region with an id the document does not know and that is not of the corpus form
    (``m-007``) was drawn in Label Studio.  If it equals, field for field, a local record
    that is missing from Label Studio (deleted and redrawn identically), it takes that
    record's id, so the redraw is no change; otherwise it gets the document's next free id
    (one above the highest in use locally or in Label Studio), in text order.
    """
    local_ids = {r[shape.id_field] for r in local}
    remote_ids = {r[shape.id_field] for r in remote}
    drawn = [r for r in remote if r[shape.id_field] not in local_ids and _id_number(shape, r[shape.id_field]) is None]
    if not drawn:
        return remote
    missing = {record_hash(shape, {**r, shape.id_field: ""}): r[shape.id_field]
               for r in local if r[shape.id_field] not in remote_ids}
    numbers = [n for n in (_id_number(shape, rid) for rid in local_ids | remote_ids) if n is not None]
    next_number = max(numbers, default=0) + 1
    renamed: dict[int, str] = {}
    for record in sorted(drawn, key=lambda r: sort_key(shape, {**r, shape.id_field: ""})):
        same = missing.pop(record_hash(shape, {**record, shape.id_field: ""}), None)
        if same is None:
            same, next_number = f"{shape.id_field[0]}-{next_number:03d}", next_number + 1
        renamed[id(record)] = same
    return [{**r, shape.id_field: renamed[id(r)]} if id(r) in renamed else r for r in remote]


# --------------------------------------------------------------------------- merge


@dataclass(frozen=True)
class Change:
    """One record a pull adds, removes or changes; ``fields`` names the changed annotation fields."""

    layer: str
    doc_id: str
    record_id: str
    kind: str  # "added" | "removed" | "changed"
    fields: tuple[str, ...] = ()
    old: Record | None = None
    new: Record | None = None


@dataclass(frozen=True)
class Conflict:
    """A record changed both locally and in Label Studio since the last sync."""

    layer: str
    doc_id: str
    record_id: str
    local: Record | None
    remote: Record | None


@dataclass
class DocMerge:
    doc_id: str
    layers: dict[str, list[Record]]
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    local_only: int = 0
    """Records changed locally but not in Label Studio since the base: kept as they are."""
    new_base: dict[str, dict[str, str]] = field(default_factory=dict)
    """The base for the next pull: Label Studio's state, except unresolved conflicts keep theirs."""


def _with_provenance(shape: schema.RecordShape, record: Record, annotator: str) -> Record:
    return {**{name: record[name] for name in annotation_fields(shape)},
            "annotator": annotator, "method": schema.LABELSTUDIO_METHOD}


def _change(shape: schema.RecordShape, doc_id: str, rid: str, local: Record | None, new: Record | None) -> Change:
    if local is None:
        return Change(shape.name, doc_id, rid, "added", new=new)
    if new is None:
        return Change(shape.name, doc_id, rid, "removed", old=local)
    a, b = _comparable(shape, local), _comparable(shape, new)
    fields = tuple(name for name in annotation_fields(shape) if a.get(name) != b.get(name))
    return Change(shape.name, doc_id, rid, "changed", fields, local, new)


def merge_layer(shape: schema.RecordShape, doc_id: str, local: list[Record], remote: list[Record],
                base: dict[str, str] | None, annotator: str, force: bool, out: DocMerge) -> list[Record]:
    """The records of one layer after the pull; appends changes and conflicts to ``out``."""
    local_by_id = {r[shape.id_field]: r for r in local}
    remote_by_id = {r[shape.id_field]: r for r in remote}
    result: list[Record] = []
    base_out = out.new_base.setdefault(shape.name, {})
    for rid in sorted(local_by_id.keys() | remote_by_id.keys()):
        mine, theirs = local_by_id.get(rid), remote_by_id.get(rid)
        h_mine = record_hash(shape, mine) if mine is not None else None
        h_theirs = record_hash(shape, theirs) if theirs is not None else None
        h_base = h_mine if base is None else base.get(rid)
        take_theirs = conflict = False
        if h_mine == h_theirs:
            pass
        elif h_theirs == h_base:
            out.local_only += 1
        elif h_mine == h_base:
            take_theirs = True
        else:
            out.conflicts.append(Conflict(shape.name, doc_id, rid, mine, theirs))
            conflict, take_theirs = True, force
        next_base = h_base if conflict and not take_theirs else h_theirs
        if next_base is not None:
            base_out[rid] = next_base
        keep: Record | None = mine
        if take_theirs:
            keep = _with_provenance(shape, theirs, annotator) if theirs is not None else None
            out.changes.append(_change(shape, doc_id, rid, mine, keep))
        if keep is not None:
            result.append(keep)
    return sorted(result, key=lambda r: sort_key(shape, r))


def merge_document(doc_id: str, local: dict[str, list[Record]], remote: dict[str, list[Record]],
                   base: DocState | None, annotator: str, force: bool) -> DocMerge:
    out = DocMerge(doc_id, {})
    for shape in schema.ANNOTATION_LAYERS:
        layer_base = None if base is None else base.hashes.get(shape.name, {})
        mine = local.get(shape.name, [])
        theirs = assign_ids(shape, mine, remote.get(shape.name, []))
        out.layers[shape.name] = merge_layer(shape, doc_id, mine, theirs, layer_base, annotator, force, out)
    return out


def new_entity_rows(doc_id: str, mentions: Iterable[Record], known: set[str], annotator: str) -> list[Record]:
    """Entity-table rows for entity ids first seen in Label Studio, named after their first mention.

    The row is the least that keeps the corpus valid (name, label, a description that
    says where it came from); the validator's label-mismatch check then holds every
    later mention to this label, and a curator can improve the description.
    """
    rows: dict[str, Record] = {}
    shape = schema.ENTITY_MENTION
    for mention in sorted(mentions, key=lambda r: sort_key(shape, r)):
        entity_id = mention["entity_id"]
        if entity_id in known or entity_id in rows:
            continue
        rows[entity_id] = {
            "entity_id": entity_id,
            "name": mention["text"],
            "label": mention["label"],
            "description": f"Added from Label Studio (document {doc_id}, mention {mention[shape.id_field]}); not yet described.",
            "annotator": annotator,
            "method": schema.LABELSTUDIO_METHOD,
        }
    return list(rows.values())
