"""What a pull changes: three-way merge of local records, Label Studio records and the last sync.

The base of the merge is the sync-state file ``.labelstudio-sync.jsonl`` at the
corpus root: one line per document with a short hash of every record's
annotation fields as they were when last pushed or pulled.  With it a record
that changed only in Label Studio is taken, one that changed only locally is
kept, and one that changed on both sides since the base is a conflict, which a
pull reports and does not overwrite without ``--force``.  A document with no
base (never synced) takes local as its base: every difference is a Label
Studio change.

It lives at the root, not in ``annotations/``, so no tool that globs the layer
folders ever mistakes it for annotations; it holds no URL token or key.  It is
read through an index of byte offsets per document and written by streaming,
so a pull over many documents never holds the whole state in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .. import schema
from ..corpus import canonical_record, sort_key
from .convert import Record, annotation_fields

STATE_NAME = ".labelstudio-sync.jsonl"
LAYER_SHAPES: tuple[schema.RecordShape, ...] = schema.ANNOTATION_LAYERS


def state_path(root: Path) -> Path:
    return root / STATE_NAME


def record_hash(shape: schema.RecordShape, record: Record) -> str:
    """A short digest of a record's annotation fields; provenance does not count as a change."""
    fields = {name: record.get(name) for name in annotation_fields(shape)}
    data = json.dumps(canonical_record(shape, fields), ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(data.encode("utf-8"), digest_size=8).hexdigest()


def layer_hashes(layers: dict[str, list[Record]]) -> dict[str, dict[str, str]]:
    return {
        shape.name: {r[shape.id_field]: record_hash(shape, r) for r in layers.get(shape.name, [])}
        for shape in LAYER_SHAPES
    }


# --------------------------------------------------------------------------- state file


@dataclass(frozen=True)
class ProjectKey:
    """Which Label Studio project a sync state belongs to; a base from another project is no base."""

    url: str
    project_id: int
    title: str

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "project_id": self.project_id, "title": self.title}


@dataclass
class DocState:
    doc_id: str
    task_id: int | None
    hashes: dict[str, dict[str, str]]

    def as_line(self) -> str:
        body = {"doc_id": self.doc_id, "task_id": self.task_id, "records": self.hashes}
        return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


class SyncState:
    """Read side: a header and an offset index; document lines are read when asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.project: dict[str, Any] | None = None
        self._offsets: dict[str, int] = {}
        if not path.is_file():
            return
        with path.open("rb") as handle:
            offset = 0
            for line_no, raw in enumerate(handle, start=1):
                if raw.strip():
                    try:
                        value = json.loads(raw)
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{line_no}: invalid JSON ({exc.msg}); delete the file to start without a base") from None
                    if line_no == 1:
                        self.project = value.get("project")
                    else:
                        self._offsets[value["doc_id"]] = offset
                offset += len(raw)

    def matches(self, key: ProjectKey) -> bool:
        return self.project == key.as_json()

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
    """Write side: new document lines as they come, then the untouched old ones; renamed at the end."""

    def __init__(self, path: Path, key: ProjectKey, old: SyncState | None) -> None:
        self.path = path
        self.key = key
        self.old = old if old is not None and old.matches(key) else None
        self._seen: set[str] = set()
        fd, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self._handle = os.fdopen(fd, "w", encoding="utf-8")
        self._handle.write(json.dumps({"project": key.as_json()}, sort_keys=True) + "\n")

    def add(self, doc: DocState) -> None:
        self._seen.add(doc.doc_id)
        self._handle.write(doc.as_line())

    def commit(self) -> None:
        if self.old is not None:
            for doc_id in self.old.doc_ids():
                if doc_id not in self._seen:
                    doc = self.old.get(doc_id)
                    assert doc is not None
                    self._handle.write(doc.as_line())
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        self._handle.close()
        Path(self._tmp).unlink(missing_ok=True)


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

    def changed_layers(self) -> set[str]:
        return {c.layer for c in self.changes}


def changed_fields(shape: schema.RecordShape, old: Record, new: Record) -> tuple[str, ...]:
    a, b = canonical_record(shape, old), canonical_record(shape, new)
    return tuple(name for name in annotation_fields(shape) if a.get(name) != b.get(name))


def _with_provenance(shape: schema.RecordShape, record: Record, annotator: str) -> Record:
    return {**{name: record[name] for name in annotation_fields(shape)},
            "annotator": annotator, "method": schema.LABELSTUDIO_METHOD}


def _change(shape: schema.RecordShape, doc_id: str, rid: str, local: Record | None, new: Record | None) -> Change:
    if local is None:
        return Change(shape.name, doc_id, rid, "added", new=new)
    if new is None:
        return Change(shape.name, doc_id, rid, "removed", old=local)
    return Change(shape.name, doc_id, rid, "changed", changed_fields(shape, local, new), local, new)


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
    for shape in LAYER_SHAPES:
        layer_base = None if base is None else base.hashes.get(shape.name, {})
        out.layers[shape.name] = merge_layer(shape, doc_id, local.get(shape.name, []), remote.get(shape.name, []),
                                             layer_base, annotator, force, out)
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
