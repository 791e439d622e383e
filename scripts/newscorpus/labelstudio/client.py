"""The few Label Studio server calls the round trip needs, over label_studio_sdk.

Connection settings come from the environment (LABEL_STUDIO_URL,
LABEL_STUDIO_API_KEY).  The key is handed to the SDK and nowhere else: it is
never printed, logged, stored in an object's repr or written to a file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from . import config

if TYPE_CHECKING:  # pragma: no cover
    from label_studio_sdk import LabelStudio

URL_ENV = "LABEL_STUDIO_URL"
KEY_ENV = "LABEL_STUDIO_API_KEY"
IMPORT_BATCH = 500
"""Tasks per import call: one call per 1,000 tasks takes ~5 s, so batches stay well under timeouts."""
EXPORT_TIMEOUT_S = 600.0


class LabelStudioError(RuntimeError):
    """A problem talking to the server, said without the API key."""


@dataclass(frozen=True)
class Connection:
    """Where the server is; the key is excluded from repr so it cannot leak into messages."""

    url: str
    api_key: str = field(repr=False)

    @classmethod
    def from_env(cls) -> "Connection":
        url, key = os.environ.get(URL_ENV, "").strip(), os.environ.get(KEY_ENV, "").strip()
        missing = [name for name, value in ((URL_ENV, url), (KEY_ENV, key)) if not value]
        if missing:
            raise LabelStudioError(f"set {' and '.join(missing)} (the server URL and an access token)")
        return cls(url.rstrip("/"), key)

    def client(self) -> "LabelStudio":
        from label_studio_sdk import LabelStudio

        return LabelStudio(base_url=self.url, api_key=self.api_key)


def whoami_email(ls: "LabelStudio") -> tuple[int, str]:
    """(id, email) of the token's user: pushed gold is completed by this user."""
    me = ls.users.whoami()
    return int(me.id), str(me.email)


def find_project(ls: "LabelStudio", title: str) -> Any | None:
    """The project with exactly this title (the server's title filter matches substrings)."""
    matches = [p for p in ls.projects.list(title=title) if p.title == title]
    if len(matches) > 1:
        ids = ", ".join(str(p.id) for p in matches)
        raise LabelStudioError(f"several projects are titled {title!r} (ids {ids}); rename all but one")
    return matches[0] if matches else None


def ensure_project(ls: "LabelStudio", title: str) -> tuple[Any, bool]:
    """Find the project by title or create it; keep its labeling config equal to the generated one.

    Updating the config when the schema gained labels is safe: Label Studio itself
    refuses a config change that would orphan labels already used in annotations.
    """
    wanted = config.labeling_config()
    project = find_project(ls, title)
    if project is None:
        return ls.projects.create(title=title, label_config=wanted), True
    if project.label_config != wanted:
        project = ls.projects.update(id=project.id, label_config=wanted)
    return project, False


def import_tasks(ls: "LabelStudio", project_id: int, tasks: list[dict[str, Any]]) -> list[int]:
    """Import tasks in batches; returns the new task ids in input order."""
    ids: list[int] = []
    for offset in range(0, len(tasks), IMPORT_BATCH):
        response = ls.projects.import_tasks(id=project_id, request=tasks[offset:offset + IMPORT_BATCH], return_task_ids=True)
        ids += list(response.task_ids or [])
    return ids


def export_to_file(ls: "LabelStudio", project_id: int, dest_dir: Path) -> Path:
    """A full JSON export (every task; predictions and annotators in full) written to a file.

    The snapshot API is used rather than ``download_sync`` because only it serializes
    predictions with their results and annotators with their emails.
    """
    export = ls.projects.exports.create(
        project_id,
        serialization_options={"predictions": {"only_id": False}, "annotations__completed_by": {"only_id": False}},
        task_filter_options={"only_with_annotations": False},
    )
    deadline = time.monotonic() + EXPORT_TIMEOUT_S
    status = export.status
    while status != "completed":
        if status == "failed" or time.monotonic() > deadline:
            raise LabelStudioError(f"export {export.id} of project {project_id} ended as {status!r}")
        time.sleep(0.2)
        status = ls.projects.exports.get(project_id, export.id).status
    fd, name = tempfile.mkstemp(prefix="ls-export-", suffix=".json", dir=dest_dir)
    with os.fdopen(fd, "wb") as handle:
        for chunk in ls.projects.exports.download(project_id, export.id, export_type="JSON"):
            handle.write(chunk)
    ls.projects.exports.delete(project_id, export.id)
    return Path(name)


def read_export(path: Path) -> Iterator[dict[str, Any]]:
    """Tasks of a Label Studio JSON export, one at a time.

    The file is parsed whole (the standard library has no streaming JSON parser);
    this is the one place to swap in one for exports larger than memory.
    """
    try:
        tasks = json.loads(path.read_bytes())
    except json.JSONDecodeError as exc:
        raise LabelStudioError(f"{path}: not a JSON export: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(tasks, list):
        raise LabelStudioError(f"{path}: a JSON export is a list of tasks, got {type(tasks).__name__}")
    for index, task in enumerate(tasks):
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise LabelStudioError(f"{path}: task #{index} has no data object")
        yield task


def download_project_tasks(title: str, *, hint: str = "") -> tuple[Connection, int, list[dict[str, Any]]]:
    """Connect from the environment, find the project by title and read its full JSON export.

    The export goes through a temp file because that is the form ``--export FILE`` reads too,
    so the server and file paths convert exactly the same bytes.
    """
    conn = Connection.from_env()
    ls = conn.client()
    project = find_project(ls, title)
    if project is None:
        raise LabelStudioError(f"no Label Studio project titled {title!r} at {conn.url}{hint}")
    with tempfile.TemporaryDirectory() as tmp:
        tasks = list(read_export(export_to_file(ls, int(project.id), Path(tmp))))
    return conn, int(project.id), tasks


def annotator_of(annotation: dict[str, Any]) -> str:
    """The annotator's email; exports made in the UI carry only a user id."""
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or f"user-{who.get('id')}")
    return f"user-{who}"


def task_doc_id(task: dict[str, Any]) -> str:
    doc_id = task["data"].get(config.DOC_ID_KEY)
    if not isinstance(doc_id, str) or not doc_id:
        raise LabelStudioError(f"task {task.get('id')} has no data.{config.DOC_ID_KEY}; it was not pushed by newscorpus")
    return doc_id
