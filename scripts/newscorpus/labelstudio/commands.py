"""``newscorpus ls serve|push|pull``: gold to Label Studio and annotators' work back.

Two workflows (README, "Annotating in Label Studio"):

- review (``ls push``): one task per document keyed by ``data.doc_id``, the current
  gold as predictions tagged with the corpus version, so each annotator starts from
  it, and their submitted annotations are pulled back;
- double annotation (``ls push --double N``): the texts without the gold, in a project
  of their own where each task collects N annotations; ``newscorpus agreement`` compares them.

Re-pushing looks tasks up by doc_id and updates in place, so it never duplicates
tasks or predictions.  A push refuses an invalid corpus before it talks to the server.

pull: a full JSON export, converted strictly, merged three-way against the last sync
(``sync.py``), written into a staging copy of the root, validated there and shown as a
diff.  Only ``--write`` moves the changed files into the root, and only when the export
converted without error, the copy validated and no conflict is left; the move is all or
nothing (:func:`_swap`).
"""

from __future__ import annotations

import argparse
import fcntl
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
from ..checks.registry import ERROR
from ..corpus import CorpusError, Layout, canonical_record, new_file_mode, read_records, read_text, write_records
from ..validate import validate_root
from ..version import CORPUS_VERSION
from .client import (LabelStudioError, annotator_of, connect, download_project_tasks, ensure_project, export_to_file,
                     import_tasks, read_export, run_reporting_errors, task_annotations, task_doc_id)
from .config import task_data
from .convert import ConversionError, records_to_result, result_to_records
from .serve import default_data_dir, serve
from .sync import (DocState, ProjectKey, SyncState, SyncWriter, layer_hashes, merge_document, new_entity_rows, state_dir,
                   state_path)

DEFAULT_TITLE = texts.PRETTY_NAME
"""The review project's title; the same for every corpus version so a re-push finds the same project."""
DOUBLE_TITLE = f"{texts.PRETTY_NAME} (double annotation)"
"""The double-annotation project's title (Label Studio allows 50 characters)."""
STAGING_PREFIX = "pull-"
"""A pull's staging folder in ``.labelstudio/``; one left by a killed pull is rolled back and removed by the next command."""
JOURNAL = "journal.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Connection: LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY (the key is never printed)."
    sub = parser.add_subparsers(dest="ls_command", metavar="SUBCOMMAND", required=True)
    serve = sub.add_parser("serve", help="run a local Label Studio server on 127.0.0.1 until Ctrl-C",
                           description="Credentials come from LABEL_STUDIO_USERNAME, LABEL_STUDIO_PASSWORD and "
                                       "LABEL_STUDIO_API_KEY in the environment, never from the command line.")
    serve.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (default: %(default)s)")
    serve.add_argument("--data-dir", type=Path, default=None,
                       help="the server's data folder (default: $XDG_DATA_HOME/newscorpus/label-studio)")
    serve.add_argument("--log", type=Path, default=None, help="server log file (default: DATA_DIR/server.log)")
    serve.set_defaults(_ls_run=run_serve)
    push = sub.add_parser("push", help="create the project if missing and import or update one task per document")
    push.add_argument("--title", default=None,
                      help=f"project title (default: {DEFAULT_TITLE!r}, with --double {DOUBLE_TITLE!r})")
    push.add_argument("--double", type=_at_least_two, metavar="N", default=None,
                      help="double annotation: push the texts without the gold; each task collects N annotations")
    push.set_defaults(_ls_run=run_push)
    pull = sub.add_parser("pull", help="export, convert, validate and diff; write only with --write")
    pull.add_argument("--title", default=DEFAULT_TITLE, help="project title (default: %(default)s)")
    pull.add_argument("--write", action="store_true", help="write the pulled records into annotations/")
    pull.add_argument("--force", action="store_true", help="take Label Studio's side of conflicting records")
    pull.add_argument("--annotator", metavar="EMAIL", help="whose annotations to pull (required when several annotated)")
    pull.add_argument("--export", type=Path, metavar="FILE",
                      help="read this Label Studio JSON export instead of asking the server")
    pull.set_defaults(_ls_run=run_pull)


def _at_least_two(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 2:
        raise argparse.ArgumentTypeError(f"needs a whole number of annotations per task, at least 2 (got {text!r})")
    return number


def run(args: argparse.Namespace) -> int:
    return run_reporting_errors(lambda: int(args._ls_run(args)), CorpusError)


def run_serve(args: argparse.Namespace) -> int:
    data_dir = args.data_dir or default_data_dir()
    return serve(data_dir, args.port, args.log or data_dir / "server.log")


# --------------------------------------------------------------------------- reading the root, one document at a time


def _read(path: Path, layout: Layout) -> list[dict[str, Any]]:
    """The records of one file ([] if absent); a bad line stops the command with file and line."""
    return read_records(path, shown_as=layout.relative(path))


def _local_layers(layout: Layout, doc_id: str) -> dict[str, list[dict[str, Any]]]:
    return {shape.name: _read(layout.layer_path(shape, doc_id), layout) for shape in schema.ANNOTATION_LAYERS}


# --------------------------------------------------------------------------- push


@dataclass
class PushReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)


def _validation_errors(root: Path) -> list[str]:
    return [f"{f.file}:{f.line or '-'}: {f.check}: {f.message}" for f in validate_root(root) if f.severity == ERROR]


def _update_task(ls: Any, task: dict[str, Any], doc_id: str, data: dict[str, Any], result: list[dict[str, Any]] | None,
                 report: PushReport) -> None:
    """Bring an existing task up to date: its entity lists, and (review) this corpus version's prediction;
    a task with several such predictions is refused."""
    changed = task.get("data") != data
    if changed:
        ls.tasks.update(id=task["id"], data=data)
    if result is not None:
        own = [p for p in task.get("predictions") or [] if isinstance(p, dict) and p.get("model_version") == CORPUS_VERSION]
        if len(own) > 1:
            ids = ", ".join(str(item.get("id")) for item in own)
            report.refused.append(f"task {doc_id}: several predictions ({ids}) carry version {CORPUS_VERSION}; "
                                  "delete all but one")
            return
        if not own:
            ls.predictions.create(task=task["id"], result=result, model_version=CORPUS_VERSION, score=1.0)
            changed = True
        elif own[0].get("result") != result:
            ls.predictions.update(id=own[0]["id"], result=result, model_version=CORPUS_VERSION, score=1.0)
            changed = True
    report.updated += changed
    report.unchanged += not changed


def _configure(ls: Any, project_id: int, double: int | None) -> None:
    """Project settings of the workflow.

    review: annotators see the corpus version's predictions as their starting point.
    double: each task is handed to ``double`` annotators (overlap on every task), and no
    prediction or other annotator's work is shown to them.
    """
    if double is None:
        ls.projects.update(id=project_id, model_version=CORPUS_VERSION, show_collab_predictions=True)
    else:
        ls.projects.update(id=project_id, maximum_annotations=double, overlap_cohort_percentage=100,
                           show_collab_predictions=False, show_overlap_first=True)


def run_push(args: argparse.Namespace) -> int:
    with _lock(args.root):
        recover_interrupted_pull(args.root)
        return _push(args)


def _push(args: argparse.Namespace) -> int:
    layout = Layout(args.root)
    invalid = _validation_errors(args.root)
    if invalid:
        for line in invalid[:20]:
            print(f"invalid: {line}", file=sys.stderr)
        more = f" ({len(invalid) - 20} more)" if len(invalid) > 20 else ""
        raise CorpusError(f"the corpus has {len(invalid)} validation errors{more}; fix them (newscorpus validate) "
                          "before pushing; nothing was sent")
    docs = _read(layout.manifest_path, layout)
    table = _read(layout.entity_table_path, layout)
    title = args.title or (DEFAULT_TITLE if args.double is None else DOUBLE_TITLE)
    url, ls = connect()
    project, created = ensure_project(ls, title)
    existing: dict[str, dict[str, Any]] = {}
    if not created:
        with tempfile.TemporaryDirectory() as tmp:
            for task in read_export(export_to_file(ls, project.id, Path(tmp))):
                existing.setdefault(task_doc_id(task), task)
    review = args.double is None
    key = ProjectKey(url, int(project.id), title)
    writer = SyncWriter(state_path(args.root), key, SyncState(state_path(args.root))) if review else None
    report = PushReport()
    pending: list[tuple[dict[str, Any], DocState]] = []
    try:
        for doc in docs:
            doc_id = doc["doc_id"]
            text = read_text(layout.text_path(doc_id))
            data = task_data(doc_id, text, table)
            layers = _local_layers(layout, doc_id)
            result = records_to_result(doc_id, layers) if review else None
            task = existing.get(doc_id)
            if task is None:
                new_task: dict[str, Any] = {"data": data}
                if result is not None:
                    new_task["predictions"] = [{"result": result, "model_version": CORPUS_VERSION, "score": 1.0}]
                pending.append((new_task, DocState(doc_id, None, layer_hashes(layers))))
            elif task["data"].get("text") != text:
                report.refused.append(f"task {doc_id}: the text in Label Studio differs from corpus/{doc_id}.txt")
            else:
                _update_task(ls, task, doc_id, data, result, report)
        task_ids = import_tasks(ls, int(project.id), [t for t, _ in pending]) if pending else []
        report.imported = len(task_ids)
        _configure(ls, int(project.id), args.double)
        if writer is not None:
            # The base of a newly pushed document is what was pushed; documents pushed before keep
            # theirs, so a local edit since then still meets an annotator's edit as a conflict.
            for task_id, (_, state) in zip(task_ids, pending):
                state.task_id = int(task_id)
                writer.add(state)
            writer.commit()
    finally:
        if writer is not None:
            writer.abort()  # after commit: nothing left to remove
    verb = "created" if created else "found"
    what = "gold as predictions" if review else f"texts only, {args.double} annotations per task"
    print(f"project {title!r} (id {project.id}, {verb}); {what}: {report.imported} tasks imported, "
          f"{report.updated} updated, {report.unchanged} unchanged, {len(report.refused)} refused")
    for line in report.refused:
        print(f"refused: {line}", file=sys.stderr)
    return 1 if report.refused else 0


# --------------------------------------------------------------------------- pull


class PullRefused(Exception):
    """The pull cannot go on; the message says why and what to do."""


def choose_annotator(tasks: list[dict[str, Any]], wanted: str | None) -> str | None:
    """Whose work to pull: the one given, or the only one; several and no choice is refused."""
    counts = Counter(annotator_of(a) for t in tasks for a in task_annotations(t))
    listing = ", ".join(f"{who} ({n} tasks)" for who, n in sorted(counts.items()))
    if wanted is not None:
        if wanted not in counts:
            raise PullRefused(f"no annotations by {wanted!r} in the project; annotators: {listing or 'none'}")
        return wanted
    if len(counts) > 1:
        raise PullRefused(f"several annotators annotated this project; choose one with --annotator: {listing}")
    return next(iter(counts), None)


def _staging_copy(root: Path) -> Path:
    """A folder in ``.labelstudio/`` holding ``root/``, a copy of corpus/ and annotations/ made of hard
    links: cheap, and files replaced in it (by atomic writes) never touch the originals."""
    state_dir(root).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=state_dir(root)))
    layout = Layout(root)
    for src in (layout.corpus_dir, layout.annotations_dir):
        if src.is_dir():
            dest = staging / "root" / src.relative_to(root)
            try:
                shutil.copytree(src, dest, copy_function=os.link)
            except OSError:
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(src, dest)
    return staging


def _swap(root: Path, staging: Path, moves: list[tuple[Path, Path]]) -> None:
    """Move staged files into the root all or nothing.

    Before the first rename, every file about to be replaced gets a hard link in the
    staging folder's ``backup/`` and a journal lists the targets; the journal is removed
    only after the last rename.  A failure in between (permission, full disk) restores
    every target at once; a killed process leaves the journal, and the next ``newscorpus
    ls`` command (:func:`recover_interrupted_pull`) restores the targets from it, so a
    pull is either wholly in the root or not at all.
    """
    backup = staging / "backup"
    backup.mkdir(exist_ok=True)
    entries = []
    for number, (_, target) in enumerate(moves):
        kept = backup / str(number)
        existed = target.is_file()
        if existed:
            try:
                os.link(target, kept)
            except OSError:
                shutil.copy2(target, kept)
        entries.append({"target": str(target.relative_to(root)), "backup": kept.name if existed else None})
    with (staging / JOURNAL).open("w", encoding="utf-8") as handle:
        json.dump(entries, handle)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        for source, target in moves:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    except BaseException:
        _roll_back(root, staging)
        raise
    (staging / JOURNAL).unlink()


def _roll_back(root: Path, staging: Path) -> bool:
    """Put back every target the journal lists; False when there is no journal (nothing was moved)."""
    try:
        entries = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return False  # no journal, or one cut short: no rename had started
    for entry in entries:
        target = root / entry["target"]
        if entry["backup"] is None:
            target.unlink(missing_ok=True)  # a file this pull created
        elif (staging / "backup" / entry["backup"]).exists():
            os.replace(staging / "backup" / entry["backup"], target)
    (staging / JOURNAL).unlink()
    return True


def recover_interrupted_pull(root: Path) -> None:
    """Roll back and remove what a killed pull left in ``.labelstudio/`` (staging folders, temp files)."""
    folder = state_dir(root)
    if not folder.is_dir():
        return
    for staging in sorted(folder.glob(f"{STAGING_PREFIX}*")):
        if staging.is_dir():
            if _roll_back(root, staging):
                print(f"note: an interrupted pull was rolled back ({staging.name}); the corpus is as it was before it",
                      file=sys.stderr)
            shutil.rmtree(staging, ignore_errors=True)
    for leftover in folder.glob(f".{state_path(root).name}.*.tmp"):
        leftover.unlink(missing_ok=True)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def format_change(change: Any) -> str:
    """One diff line: + added, - removed, ~ changed with old -> new per field."""
    shape = schema.shape_by_name(change.layer)
    head = f"{change.layer} {change.doc_id} {change.record_id}"
    if change.kind != "changed":
        sign, record = ("+", change.new) if change.kind == "added" else ("-", change.old)
        return f"{sign} {head} {_show(record[shape.spans[0].text])}"
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
    mine = [a for a in task_annotations(task) if annotator_of(a) == annotator]
    if len(mine) > 1:
        ids = ", ".join(str(a.get("id")) for a in mine)
        raise PullRefused(f"task {doc_id}: {annotator} has several annotations ({ids}); keep one in Label Studio")
    return mine[0] if mine else None


def _pull_task(task: dict[str, Any], layout: Layout, staging: Layout, doc_ids: set[str], annotator: str,
               force: bool, state: Any, known_entities: set[str], writer: Any, out: TextIO,
               summary: PullSummary) -> None:
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
        if any(change.layer == shape.name for change in merged.changes):
            path = staging.layer_path(shape, doc_id)
            write_records(path, shape, merged.layers[shape.name])
            summary.written.append(path.relative_to(staging.root))
    rows = new_entity_rows(doc_id, merged.layers[schema.ENTITY_MENTION.name], known_entities, annotator)
    for row in rows:
        known_entities.add(row["entity_id"])
        print(f"+ {schema.ENTITY.name} {row['entity_id']} {_show(row['name'])} {row['label']}", file=out)
    summary.new_entities += rows
    if writer is not None:
        task_id = task.get("id")
        writer.add(DocState(doc_id, task_id if type(task_id) is int else None, merged.new_base))


def _print_summary(summary: PullSummary, annotator: str, out: TextIO) -> None:
    c = summary.counts
    parts = [f"{layer} +{c[(layer, 'added')]} -{c[(layer, 'removed')]} ~{c[(layer, 'changed')]}"
             for layer in (shape.name for shape in schema.ANNOTATION_LAYERS)]
    print(f"pulled {annotator}: " + ", ".join(parts) + f", {schema.ENTITY.name} +{len(summary.new_entities)}", file=out)
    if summary.local_only:
        print(f"kept {summary.local_only} records changed only locally since the last sync", file=out)
    if summary.not_annotated:
        print(f"{len(summary.not_annotated)} tasks not annotated by {annotator}, left as they are: "
              + ", ".join(summary.not_annotated[:10]) + (" ..." if len(summary.not_annotated) > 10 else ""), file=out)


def _lock(root: Path) -> Any:
    """An exclusive lock on ``.labelstudio/lock`` for the length of a push or pull; a second one is refused."""
    state_dir(root).mkdir(parents=True, exist_ok=True)
    handle = (state_dir(root) / "lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise LabelStudioError("another `newscorpus ls push` or `pull` is running on this corpus; wait for it to finish") from None
    return handle


def pull_from_tasks(root: Path, tasks: list[dict[str, Any]], key: Any, *, annotator: str | None, write: bool,
                    force: bool, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The whole pull once the export is at hand; separate from the server so bad exports are testable."""
    with _lock(root):
        recover_interrupted_pull(root)
        return _pull(root, tasks, key, annotator=annotator, write=write, force=force,
                     out=out or sys.stdout, err=err or sys.stderr)


def _pull(root: Path, tasks: list[dict[str, Any]], key: Any, *, annotator: str | None, write: bool,
          force: bool, out: TextIO, err: TextIO) -> int:

    layout = Layout(root)
    try:
        who = choose_annotator(tasks, annotator)
    except (PullRefused, LabelStudioError) as exc:
        print(f"error: {exc}", file=err)
        return 1
    if who is None:
        print("nothing to pull: no annotations in the project", file=out)
        return 0
    doc_ids = {d["doc_id"] for d in _read(layout.manifest_path, layout)}
    state: Any = SyncState(state_path(root))
    if state.project is not None and not state.matches(key):
        print(f"note: {state_path(root)} belongs to another project; pulling without a base and leaving it as it is", file=err)
        state = None
    staging_dir = _staging_copy(root)
    writer = None if state is None else SyncWriter(state_path(root), key, state)
    summary = PullSummary()
    try:
        staging = Layout(staging_dir / "root")
        table = _read(layout.entity_table_path, layout)
        known = {record["entity_id"] for record in table}
        seen: set[str] = set()
        for task in tasks:
            try:
                doc_id = task_doc_id(task)
                if doc_id in seen:
                    raise PullRefused(f"task {doc_id}: two tasks carry this doc_id; delete the duplicate in Label Studio")
                seen.add(doc_id)
                _pull_task(task, layout, staging, doc_ids, who, force, state, known, writer, out, summary)
            except (PullRefused, LabelStudioError) as exc:
                summary.errors.append(str(exc))
        if summary.new_entities:
            write_records(staging.entity_table_path, schema.ENTITY, table + summary.new_entities)
            summary.written.append(staging.entity_table_path.relative_to(staging.root))
        _print_summary(summary, who, out)
        if summary.errors:
            for line in summary.errors:
                print(f"error: {line}", file=err)
            print(f"{len(summary.errors)} errors in the export; nothing written", file=err)
            return 1
        invalid = _validation_errors(staging.root)
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
        mode = new_file_mode()
        moves = [(staging.root / rel, root / rel) for rel in summary.written]
        if writer is not None:
            moves.append((writer.finish(), state_path(root)))
        for source, _ in moves:
            os.chmod(source, mode)
        _swap(root, staging_dir, moves)
        print(f"wrote {len(summary.written)} files", file=out)
        return 0
    finally:
        if writer is not None:
            writer.abort()
        shutil.rmtree(staging_dir, ignore_errors=True)


def run_pull(args: argparse.Namespace) -> int:
    if args.export is not None:
        tasks = list(read_export(args.export))
        header = SyncState(state_path(args.root)).project or {}
        key = ProjectKey(str(header.get("url", "")), int(header.get("project_id", 0)), str(header.get("title", args.title)))
    else:
        url, project_id, tasks = download_project_tasks(args.title, hint="; run `newscorpus ls push` first")
        key = ProjectKey(url, project_id, args.title)
    return pull_from_tasks(args.root, tasks, key, annotator=args.annotator, write=args.write, force=args.force)
