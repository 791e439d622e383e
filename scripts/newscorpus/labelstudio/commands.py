"""``newscorpus ls push|pull``: gold to Label Studio and annotators' work back.

push: one task per document keyed by ``data.doc_id``; current gold as the pushing
user's annotation (or, with ``--as-predictions``, as predictions tagged with the
corpus version).  Re-pushing looks tasks up by doc_id and updates in place, so it
never duplicates tasks or annotations.

pull: a full JSON export, converted strictly (every span checked), merged
three-way against the last sync (see ``sync.py``), written into a staging copy of
the root and validated there, and shown as a per-layer diff.  Only ``--write``
moves the changed files into the root, each by an atomic rename, and only when
the export converted without error, the staging copy validated and there is no
unresolved conflict.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .. import schema, texts
from ..corpus import CorpusError, Layout, canonical_record, read_records, read_text, write_records
from ..version import CORPUS_VERSION

DEFAULT_TITLE = texts.PRETTY_NAME
"""The project title; the same for every corpus version so a re-push finds the same project."""
STAGING_PREFIX = ".ls-pull-"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Connection: LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY (the key is never printed)."
    sub = parser.add_subparsers(dest="ls_command", metavar="SUBCOMMAND", required=True)
    push = sub.add_parser("push", help="create the project if missing and import or update one task per document")
    push.add_argument("--title", default=DEFAULT_TITLE, help="project title (default: %(default)s)")
    push.add_argument("--as-predictions", action="store_true",
                      help=f"send gold as predictions (model_version {CORPUS_VERSION}) instead of annotations")
    push.add_argument("--force", action="store_true",
                      help="overwrite the pushing user's annotation even when it has edits not pulled yet")
    push.set_defaults(_ls_run=run_push)
    pull = sub.add_parser("pull", help="export, convert, validate and diff; write only with --write")
    pull.add_argument("--title", default=DEFAULT_TITLE, help="project title (default: %(default)s)")
    pull.add_argument("--write", action="store_true", help="write the pulled records into annotations/")
    pull.add_argument("--force", action="store_true", help="take Label Studio's side of conflicting records")
    pull.add_argument("--annotator", metavar="EMAIL", help="whose annotations to pull (required when several annotated)")
    pull.add_argument("--export", type=Path, metavar="FILE",
                      help="read this Label Studio JSON export instead of asking the server")
    pull.set_defaults(_ls_run=run_pull)


def run(args: argparse.Namespace) -> int:
    from .client import LabelStudioError

    try:
        return int(args._ls_run(args))
    except LabelStudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


# --------------------------------------------------------------------------- reading the root, one document at a time


def _read(path: Path, layout: Layout) -> list[dict[str, Any]]:
    """The records of one file ([] if absent); a bad line stops the command with file and line."""
    try:
        return read_records(path, shown_as=layout.relative(path))
    except CorpusError as exc:
        raise SystemExit(str(exc)) from exc


def _manifest(layout: Layout) -> list[dict[str, Any]]:
    return _read(layout.manifest_path, layout)


def _read_layer(layout: Layout, shape: schema.RecordShape, doc_id: str) -> list[dict[str, Any]]:
    return _read(layout.layer_path(shape, doc_id), layout)


def _local_layers(layout: Layout, doc_id: str) -> dict[str, list[dict[str, Any]]]:
    return {shape.name: _read_layer(layout, shape, doc_id) for shape in schema.ANNOTATION_LAYERS}


# --------------------------------------------------------------------------- push


@dataclass
class PushReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)


def _own_items(task: dict[str, Any], as_predictions: bool, me_email: str) -> list[dict[str, Any]]:
    from .client import annotator_of

    if as_predictions:
        return [p for p in task.get("predictions") or [] if isinstance(p, dict) and p.get("model_version") == CORPUS_VERSION]
    return [a for a in task.get("annotations") or [] if not a.get("was_cancelled") and annotator_of(a) == me_email]


def _hashes_of(doc_id: str, text: str, result: Any) -> dict[str, dict[str, str]] | None:
    from .convert import ConversionError, result_to_records
    from .sync import layer_hashes

    try:
        return layer_hashes(result_to_records(doc_id, text, result))
    except ConversionError:
        return None


def _update_existing(ls: Any, args: argparse.Namespace, me: tuple[int, str], task: dict[str, Any], doc_id: str,
                     text: str, result: list[dict[str, Any]], hashes: dict, base: Any, report: PushReport) -> None:
    own = _own_items(task, args.as_predictions, me[1])
    if len(own) > 1:
        ids = ", ".join(str(item["id"]) for item in own)
        report.refused.append(f"task {doc_id}: several items ({ids}) could be the pushed one; delete all but one")
        return
    if not own:
        if args.as_predictions:
            ls.predictions.create(task=task["id"], result=result, model_version=CORPUS_VERSION, score=1.0)
        else:
            ls.annotations.create(id=task["id"], result=result, completed_by=me[0], ground_truth=True)
        report.updated += 1
        return
    current = _hashes_of(doc_id, text, own[0].get("result"))
    if current == hashes:
        report.unchanged += 1
        return
    in_sync = base is not None and current == base.hashes
    if not (args.as_predictions or in_sync or args.force):
        report.refused.append(
            f"task {doc_id}: annotation {own[0]['id']} has edits in Label Studio not pulled yet; pull first or push --force"
        )
        return
    if args.as_predictions:
        ls.predictions.update(id=own[0]["id"], result=result, model_version=CORPUS_VERSION, score=1.0)
    else:
        ls.annotations.update(id=own[0]["id"], result=result)
    report.updated += 1


def run_push(args: argparse.Namespace) -> int:
    from .client import Connection, ensure_project, export_to_file, import_tasks, read_export, task_doc_id, whoami_email
    from .convert import ConversionError, records_to_result
    from .sync import DocState, ProjectKey, SyncState, SyncWriter, layer_hashes, state_path

    layout = Layout(args.root)
    docs = _manifest(layout)
    conn = Connection.from_env()
    ls = conn.client()
    me = whoami_email(ls)
    project, created = ensure_project(ls, args.title)
    key = ProjectKey(conn.url, int(project.id), args.title)
    existing: dict[str, dict[str, Any]] = {}
    if not created:
        with tempfile.TemporaryDirectory() as tmp:
            export = export_to_file(ls, project.id, Path(tmp))
            for task in read_export(export):
                existing.setdefault(task_doc_id(task), task)
    old_state = SyncState(state_path(args.root))
    old_state = old_state if old_state.matches(key) else None
    writer = SyncWriter(state_path(args.root), key, old_state)
    report = PushReport()
    pending: list[tuple[dict[str, Any], DocState]] = []
    try:
        for doc in docs:
            doc_id = doc["doc_id"]
            text = read_text(layout.text_path(doc_id))
            layers = _local_layers(layout, doc_id)
            try:
                result = records_to_result(doc_id, layers)
            except ConversionError as exc:
                report.refused.append(str(exc))
                continue
            hashes = layer_hashes(layers)
            task = existing.get(doc_id)
            if task is None:
                item = {"result": result}
                item.update({"model_version": CORPUS_VERSION, "score": 1.0} if args.as_predictions else {"completed_by": me[0]})
                new_task = {"data": {"text": text, "doc_id": doc_id}, ("predictions" if args.as_predictions else "annotations"): [item]}
                pending.append((new_task, DocState(doc_id, None, hashes)))
                continue
            if task["data"].get("text") != text:
                report.refused.append(f"task {doc_id}: the text in Label Studio differs from corpus/{doc_id}.txt")
                continue
            base = old_state.get(doc_id) if old_state else None
            before = len(report.refused)
            _update_existing(ls, args, me, task, doc_id, text, result, hashes, base, report)
            if len(report.refused) == before:
                writer.add(DocState(doc_id, int(task["id"]), hashes))
        task_ids = import_tasks(ls, int(project.id), [t for t, _ in pending]) if pending else []
        for task_id, (_, state) in zip(task_ids, pending):
            writer.add(DocState(state.doc_id, int(task_id), state.hashes))
        report.imported = len(task_ids)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    verb = "created" if created else "found"
    kind = "predictions" if args.as_predictions else "annotations"
    print(f"project {args.title!r} (id {project.id}, {verb}); {kind}: {report.imported} tasks imported, "
          f"{report.updated} updated, {report.unchanged} unchanged, {len(report.refused)} refused")
    for line in report.refused:
        print(f"refused: {line}", file=sys.stderr)
    return 1 if report.refused else 0


# --------------------------------------------------------------------------- pull


class PullRefused(Exception):
    """The pull cannot go on; the message says why and what to do."""


def choose_annotator(tasks: list[dict[str, Any]], wanted: str | None) -> str | None:
    """Whose work to pull: the one given, or the only one; several and no choice is refused."""
    from .client import annotator_of

    counts = Counter(annotator_of(a) for t in tasks for a in t.get("annotations") or [] if not a.get("was_cancelled"))
    listing = ", ".join(f"{who} ({n} tasks)" for who, n in sorted(counts.items()))
    if wanted is not None:
        if wanted not in counts:
            raise PullRefused(f"no annotations by {wanted!r} in the project; annotators: {listing or 'none'}")
        return wanted
    if len(counts) > 1:
        raise PullRefused(f"several annotators annotated this project; choose one with --annotator: {listing}")
    return next(iter(counts), None)


def _staging_copy(root: Path) -> Path:
    """A copy of corpus/ and annotations/ made of hard links: cheap, and replaced files never touch the originals."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    layout = Layout(root)
    for src in (layout.corpus_dir, layout.annotations_dir):
        if src.is_dir():
            dest = staging / src.relative_to(root)
            try:
                shutil.copytree(src, dest, copy_function=os.link)
            except OSError:
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(src, dest)
    return staging


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def format_change(change: Any) -> str:
    """One diff line: + added, - removed, ~ changed with old -> new per field."""
    shape = schema.shape_by_name(change.layer)
    head = f"{change.layer} {change.doc_id} {change.record_id}"
    if change.kind == "added":
        span = shape.spans[0]
        return f"+ {head} {_show(change.new[span.text])}"
    if change.kind == "removed":
        span = shape.spans[0]
        return f"- {head} {_show(change.old[span.text])}"
    old, new = canonical_record(shape, change.old), canonical_record(shape, change.new)
    parts = [f"{name}: {_show(old.get(name))} -> {_show(new.get(name))}" for name in change.fields]
    return f"~ {head} " + "; ".join(parts)


@dataclass
class PullSummary:
    counts: Counter = field(default_factory=Counter)
    conflicts: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_annotated: list[str] = field(default_factory=list)
    local_only: int = 0
    new_entities: list[dict[str, Any]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _select_annotation(task: dict[str, Any], doc_id: str, annotator: str) -> dict[str, Any] | None:
    from .client import annotator_of

    mine = [a for a in task.get("annotations") or [] if not a.get("was_cancelled") and annotator_of(a) == annotator]
    if len(mine) > 1:
        ids = ", ".join(str(a.get("id")) for a in mine)
        raise PullRefused(f"task {doc_id}: {annotator} has several annotations ({ids}); keep one in Label Studio")
    return mine[0] if mine else None


def _pull_task(task: dict[str, Any], layout: Layout, staging: Layout, doc_ids: set[str], annotator: str,
               force: bool, state: Any, known_entities: set[str], writer: Any, out: TextIO,
               summary: PullSummary) -> None:
    from .client import task_doc_id
    from .convert import ConversionError, result_to_records
    from .sync import DocState, merge_document

    doc_id = task_doc_id(task)
    if doc_id not in doc_ids:
        raise PullRefused(f"task {doc_id}: no such document in corpus/manifest.jsonl")
    text = read_text(layout.text_path(doc_id))
    if task["data"].get("text") != text:
        raise PullRefused(f"task {doc_id}: the task text differs from corpus/{doc_id}.txt (texts never change in Label Studio)")
    annotation = _select_annotation(task, doc_id, annotator)
    if annotation is None:
        summary.not_annotated.append(doc_id)
        return
    try:
        remote = result_to_records(doc_id, text, annotation.get("result"))
    except ConversionError as exc:
        summary.errors.append(str(exc))
        return
    merged = merge_document(doc_id, _local_layers(layout, doc_id), remote, state.get(doc_id) if state else None,
                            annotator, force)
    for change in merged.changes:
        summary.counts[(change.layer, change.kind)] += 1
        print(format_change(change), file=out)
    summary.conflicts += merged.conflicts
    summary.local_only += merged.local_only
    for shape in schema.ANNOTATION_LAYERS:
        if shape.name in merged.changed_layers():
            path = staging.layer_path(shape, doc_id)
            write_records(path, shape, merged.layers[shape.name])
            summary.written.append(path.relative_to(staging.root))
    from .sync import new_entity_rows

    rows = new_entity_rows(doc_id, merged.layers[schema.ENTITY_MENTION.name], known_entities, annotator)
    for row in rows:
        known_entities.add(row["entity_id"])
        print(f"+ {schema.ENTITY.name} {row['entity_id']} {_show(row['name'])} {row['label']}", file=out)
    summary.new_entities += rows
    writer.add(DocState(doc_id, task.get("id"), merged.new_base))


def _entity_ids(layout: Layout) -> set[str]:
    return {record["entity_id"] for record in _read(layout.entity_table_path, layout)}


def _validate(staging: Path) -> list[str]:
    from ..validate import validate_root
    from ..checks.registry import ERROR

    findings = validate_root(staging)
    return [f"{f.file}:{f.line or '-'}: {f.check}: {f.message}" for f in findings if f.severity == ERROR]


def _print_summary(summary: PullSummary, annotator: str, out: TextIO) -> None:
    parts = []
    for shape in schema.ANNOTATION_LAYERS:
        c = summary.counts
        parts.append(f"{shape.name} +{c[(shape.name, 'added')]} -{c[(shape.name, 'removed')]} ~{c[(shape.name, 'changed')]}")
    print(f"pulled {annotator}: " + ", ".join(parts) + f", {schema.ENTITY.name} +{len(summary.new_entities)}", file=out)
    if summary.local_only:
        print(f"kept {summary.local_only} records changed only locally since the last sync", file=out)
    if summary.not_annotated:
        print(f"{len(summary.not_annotated)} tasks not annotated by {annotator}, left as they are: "
              + ", ".join(summary.not_annotated[:10]) + (" ..." if len(summary.not_annotated) > 10 else ""), file=out)


def pull_from_tasks(root: Path, tasks: list[dict[str, Any]], key: Any, *, annotator: str | None, write: bool,
                    force: bool, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The whole pull once the export is at hand; separate from the server so bad exports are testable."""
    out, err = out or sys.stdout, err or sys.stderr
    from .sync import SyncState, SyncWriter, state_path

    layout = Layout(root)
    try:
        who = choose_annotator(tasks, annotator)
    except PullRefused as exc:
        print(f"error: {exc}", file=err)
        return 1
    if who is None:
        print("nothing to pull: no annotations in the project", file=out)
        return 0
    doc_ids = {d["doc_id"] for d in _manifest(layout)}
    state = SyncState(state_path(root))
    if state.project is not None and not state.matches(key):
        print(f"note: {state_path(root).name} belongs to another project; pulling without a base", file=err)
    usable_state = state if state.matches(key) else None
    staging_root = _staging_copy(root)
    writer = SyncWriter(state_path(root), key, usable_state)
    committed = False
    summary = PullSummary()
    try:
        staging = Layout(staging_root)
        known = _entity_ids(layout)
        seen: set[str] = set()
        for task in tasks:
            try:
                from .client import task_doc_id

                doc_id = task_doc_id(task)
                if doc_id in seen:
                    raise PullRefused(f"task {doc_id}: two tasks carry this doc_id; delete the duplicate in Label Studio")
                seen.add(doc_id)
                _pull_task(task, layout, staging, doc_ids, who, force, usable_state, known, writer, out, summary)
            except PullRefused as exc:
                summary.errors.append(str(exc))
        if summary.new_entities:
            table = _read(layout.entity_table_path, layout)
            write_records(staging.entity_table_path, schema.ENTITY, table + summary.new_entities)
            summary.written.append(staging.entity_table_path.relative_to(staging_root))
        _print_summary(summary, who, out)
        if summary.errors:
            for line in summary.errors:
                print(f"error: {line}", file=err)
            print(f"{len(summary.errors)} errors in the export; nothing written", file=err)
            return 1
        invalid = _validate(staging_root)
        if invalid:
            for line in invalid:
                print(f"invalid after pull: {line}", file=err)
            print("the pulled annotations do not validate; nothing written", file=err)
            return 1
        for conflict in summary.conflicts:
            print(f"conflict: {conflict.layer} {conflict.doc_id} {conflict.record_id} changed both locally and in Label Studio"
                  + (" (taking Label Studio's, --force)" if force else ""), file=err)
        if summary.conflicts and not force:
            print(f"{len(summary.conflicts)} conflicts; nothing written (resolve locally, or pull --force to take Label Studio's side)", file=err)
            return 1
        if not write:
            print(f"dry run: {len(summary.written)} files would change; pull --write to write them", file=out)
            return 0
        for rel in summary.written:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging_root / rel, root / rel)
        writer.commit()
        committed = True
        print(f"wrote {len(summary.written)} files", file=out)
        return 0
    finally:
        if not committed:
            writer.abort()
        shutil.rmtree(staging_root, ignore_errors=True)


def run_pull(args: argparse.Namespace) -> int:
    from .client import download_project_tasks, read_export
    from .sync import ProjectKey, SyncState, state_path

    if args.export is not None:
        tasks = list(read_export(args.export))
        state = SyncState(state_path(args.root))
        header = state.project or {}
        key = ProjectKey(str(header.get("url", "")), int(header.get("project_id", 0)), str(header.get("title", args.title)))
        return pull_from_tasks(args.root, tasks, key, annotator=args.annotator, write=args.write, force=args.force)
    conn, project_id, tasks = download_project_tasks(args.title, hint="; run `newscorpus ls push` first")
    key = ProjectKey(conn.url, project_id, args.title)
    return pull_from_tasks(args.root, tasks, key, annotator=args.annotator, write=args.write, force=args.force)
