"""The few Label Studio server calls the round trip needs, over label_studio_sdk.

Connection settings come from the environment (LABEL_STUDIO_URL,
LABEL_STUDIO_API_KEY).  The key is handed to the SDK and nowhere else: it is
never printed, logged or written to a file.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from . import config

if TYPE_CHECKING:  # pragma: no cover
    from label_studio_sdk import LabelStudio

URL_ENV = "LABEL_STUDIO_URL"
KEY_ENV = "LABEL_STUDIO_API_KEY"
IMPORT_BATCH = 500
"""Tasks per import call, so that no call runs into the server's timeouts."""
EXPORT_TIMEOUT_S = 600.0
PROJECT_PAGE = 1000
"""Projects read in one page when looking a title up."""


class LabelStudioError(RuntimeError):
    """A problem talking to the server, said without the API key."""


def server_problem(exc: BaseException, url: str | None = None) -> str | None:
    """One line saying what went wrong talking to the server and what to check, or None for other errors.

    Never the key, and never the exception's own text for an HTTP error (it carries the
    response headers, cookies included): only the status and what it means.
    """
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    where = url or os.environ.get(URL_ENV, "the server")
    if isinstance(exc, ApiError):
        status = exc.status_code
        if status is not None and 200 <= status < 300:  # an answer the SDK could not read as Label Studio's
            return f"{where} does not answer like a Label Studio server; check {URL_ENV}"
        if status in (401, 403):
            return (f"{where} refused the API key (HTTP {status}); check {KEY_ENV} (the token of a user of that "
                    "server, Account & Settings in Label Studio)")
        if status == 404:
            return f"{where} answered 404 to a Label Studio API call; check {URL_ENV} (it should be the server's base URL, e.g. http://127.0.0.1:8080)"
        return f"{where} answered HTTP {status} to a Label Studio API call; see the server's log"
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return f"cannot connect to {where}; check {URL_ENV} and that the server runs (newscorpus ls serve)"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return f"{URL_ENV} is not a usable URL ({where}); give the server's base URL, e.g. http://127.0.0.1:8080"
    if isinstance(exc, httpx.HTTPError):
        return f"talking to {where} failed ({type(exc).__name__}); check {URL_ENV} and the server"
    if isinstance(exc, (ValueError, TypeError, AttributeError, KeyError)) and _from_sdk(exc):
        return f"{where} does not answer like a Label Studio server ({type(exc).__name__}); check {URL_ENV}"
    return None


def run_reporting_errors(action: Callable[[], int], *expected: type[BaseException]) -> int:
    """Run a command; a LabelStudioError, one of ``expected`` or a server problem (see :func:`server_problem`)
    is printed as one ``error:`` line with exit code 1; anything else is a bug and raises."""
    try:
        return action()
    except (LabelStudioError, *expected) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - only the server's and the HTTP library's errors are worded here
        problem = server_problem(exc)
        if problem is None:
            raise
        print(f"error: {problem}", file=sys.stderr)
        return 1


def _from_sdk(exc: BaseException) -> bool:
    """Whether an exception was raised inside the SDK, pydantic or httpx (a reply that is not Label Studio's)."""
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_globals.get("__name__", "")
        if name.startswith(("label_studio_sdk", "pydantic", "httpx", "json")):
            return True
        tb = tb.tb_next
    return False


def connect() -> tuple[str, "LabelStudio"]:
    """(the server's URL, a client for it) from the environment, the key proved by one call; a problem is one
    LabelStudioError."""
    from label_studio_sdk import LabelStudio

    url, key = os.environ.get(URL_ENV, "").strip(), os.environ.get(KEY_ENV, "").strip()
    missing = [name for name, value in ((URL_ENV, url), (KEY_ENV, key)) if not value]
    if missing:
        raise LabelStudioError(f"set {' and '.join(missing)} (the server URL and an access token)")
    url = url.rstrip("/")
    ls = LabelStudio(base_url=url, api_key=key)
    try:
        me = ls.users.whoami()
    except Exception as exc:  # noqa: BLE001 - worded by server_problem, or re-raised
        problem = server_problem(exc, url)
        if problem is None:
            raise
        raise LabelStudioError(problem) from None
    if not isinstance(getattr(me, "id", None), int):
        raise LabelStudioError(f"{url} does not answer like a Label Studio server; check {URL_ENV}")
    return url, ls


def find_project(ls: "LabelStudio", title: str) -> Any | None:
    """The project with exactly this title (the server's title filter matches substrings).

    Only the first page is read, sized to hold every match: asking for the page after the
    last one makes the server log a NotFound traceback."""
    pager = ls.projects.list(title=title, page=1, page_size=PROJECT_PAGE)
    items = pager.items or []
    matches = [p for p in items if p.title == title]
    if (getattr(pager.response, "count", None) or 0) > len(items):
        raise LabelStudioError(f"more than {PROJECT_PAGE} projects match the title {title!r}; choose a more distinctive one")
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


READ_CHUNK_CHARS = 1 << 20
"""Characters read per refill of the export reader."""


class _ArrayReader:
    """The elements of one JSON array in a file, decoded one at a time by ``json``'s ``raw_decode``
    (so exactly the values ``json.loads`` gives); the buffer holds one chunk plus the element being
    decoded, so memory stays flat however many tasks the file has.
    """

    def __init__(self, path: Path, handle: Any, chunk_chars: int) -> None:
        self.path, self.handle, self.chunk_chars = path, handle, chunk_chars
        self.buf, self.pos, self.eof = "", 0, False
        self.base = 0  # characters dropped before buf[0]
        self.line_base, self.col_base = 1, 1  # line and column of buf[0]

    def fill(self) -> bool:
        """Drop what was consumed and read more (at least as much as is still buffered); False at end of file."""
        newline = self.buf.rfind("\n", 0, self.pos)
        if newline >= 0:
            self.line_base += self.buf.count("\n", 0, self.pos)
            self.col_base = self.pos - newline
        else:
            self.col_base += self.pos
        self.base += self.pos
        self.buf, self.pos = self.buf[self.pos:], 0
        try:
            more = self.handle.read(max(self.chunk_chars, len(self.buf)))
        except UnicodeDecodeError as exc:
            raise LabelStudioError(
                f"{self.path}: not a JSON export: the bytes after character {self.base + len(self.buf)} "
                f"are not valid {exc.encoding} ({exc.reason})"
            ) from None
        if not more:
            self.eof = True
            return False
        self.buf += more
        return True

    def error(self, problem: str, pos: int | None = None) -> LabelStudioError:
        """An error naming the file and where in it (line, column and character offset, counted from 1)."""
        pos = self.pos if pos is None else pos
        newline = self.buf.rfind("\n", 0, pos)
        line = self.line_base + self.buf.count("\n", 0, pos)
        column = pos - newline if newline >= 0 else self.col_base + pos
        return LabelStudioError(
            f"{self.path}: not a JSON export: {problem} at line {line}, column {column} (character {self.base + pos + 1})"
        )

    def next_char(self) -> str:
        """The next non-whitespace character, not consumed; '' at end of file."""
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.fill():
                return ""

    def decode(self, what: str) -> Any:
        """Decode the value starting at the current position, reading more until it is complete."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise self.error(f"{what} is nested too deeply to read") from None
            except json.JSONDecodeError as exc:
                if self.eof:
                    raise self.error(f"{exc.msg} in {what}", exc.pos) from None
                end = None
            # A value cut by the end of the buffer (a number or literal may go on) is decoded again after a refill.
            if end is not None and (end < len(self.buf) or self.eof):
                self.pos = end
                return value
            self.fill()

    def items(self) -> Iterator[Any]:
        first = self.next_char()
        if first != "[":
            got = _JSON_KIND.get(first, f"{first!r}") if first else "an empty file"
            raise self.error(f"expected a list of tasks, got {got}")
        self.pos += 1
        for index in itertools.count():
            char = self.next_char()
            if char == "]":
                self.pos += 1
                break
            if not char:
                raise self.error("the list of tasks is not closed")
            if index:
                if char != ",":
                    raise self.error(f"expected ',' or ']' after task #{index - 1}")
                self.pos += 1
                if not self.next_char():
                    raise self.error("the list of tasks is not closed")
            yield self.decode(f"task #{index}")
        if self.next_char():
            raise self.error("unexpected data after the list of tasks")


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_KIND = {"{": "an object", '"': "a string", "t": "a boolean", "f": "a boolean", "n": "null",
              **{c: "a number" for c in "-0123456789"}}


def read_export(path: Path, *, chunk_chars: int = READ_CHUNK_CHARS) -> Iterator[dict[str, Any]]:
    """Tasks of a Label Studio JSON export, streamed one at a time; a broken file or a task without a
    data object is refused with its place.  The encoding is detected as ``json.loads`` detects it."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise LabelStudioError(f"{path}: cannot read the export: {exc.strerror}") from None
    with raw:
        encoding = json.detect_encoding(raw.read(4))
        raw.seek(0)
        with io.TextIOWrapper(raw, encoding=encoding, newline="") as handle:
            for index, task in enumerate(_ArrayReader(path, handle, chunk_chars).items()):
                if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
                    raise LabelStudioError(f"{path}: task #{index} has no data object")
                yield task


def download_project_tasks(title: str, *, hint: str = "") -> tuple[str, int, list[dict[str, Any]]]:
    """Connect from the environment, find the project by title and read its full JSON export
    (through a file, read as ``--export FILE`` is)."""
    url, ls = connect()
    project = find_project(ls, title)
    if project is None:
        raise LabelStudioError(f"no Label Studio project titled {title!r} at {url}{hint}")
    with tempfile.TemporaryDirectory() as tmp:
        tasks = list(read_export(export_to_file(ls, int(project.id), Path(tmp))))
    return url, int(project.id), tasks


def annotator_of(annotation: dict[str, Any]) -> str:
    """The annotator's email; exports made in the UI carry only a user id."""
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or f"user-{who.get('id')}")
    return f"user-{who}"


def task_annotations(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The task's annotations that were not cancelled; a malformed list is refused naming the task."""
    annotations = task.get("annotations")
    if annotations is None:
        return []
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        raise LabelStudioError(f"task {_task_name(task)}: annotations must be a list of objects")
    return [a for a in annotations if not a.get("was_cancelled")]


def _task_name(task: dict[str, Any]) -> str:
    doc_id = task.get("data", {}).get(config.DOC_ID_KEY) if isinstance(task.get("data"), dict) else None
    if isinstance(doc_id, str) and doc_id:
        return doc_id
    name = repr(task.get("id"))
    return name if len(name) <= 40 else name[:40] + "..."


def task_doc_id(task: dict[str, Any]) -> str:
    doc_id = task["data"].get(config.DOC_ID_KEY)
    if not isinstance(doc_id, str) or not doc_id:
        raise LabelStudioError(f"task {_task_name(task)} has no data.{config.DOC_ID_KEY}; it was not pushed by newscorpus")
    return doc_id
