"""Where a build may write: only into a folder that is absent, empty, or an export of this project.

A build replaces its destination as a whole, so the destination must be something the build
made: every export carries a marker file (:data:`MARKER`), and a destination that exists without
it is refused, whatever it holds (a repository, an annotations folder, a file).  One build at a
time writes next to a destination: the parent folder is locked for the build's duration, and
the holder of the lock removes what a killed build left there (its ``.<name>.build-*`` and
``.<name>.old-*`` folders), since no other build can still be using them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..texts import DATASET_SLUG

MARKER = ".newscorpus-export"
"""The file every export holds; its presence is what lets a later build replace the folder."""

STAGING_KINDS = ("build", "old")
"""Prefixes of the folders a build makes next to its destination: ``.<name>.<kind>-<random>``."""


class DestinationError(Exception):
    """The destination is not one a build may replace; the message says why and what to do."""


def check_destination(dest: Path, root: Path) -> None:
    """Raise :class:`DestinationError` unless ``dest`` is absent, an empty folder or a previous export.

    ``dest`` and ``root`` are resolved paths.  The corpus root and any folder holding it are refused
    even if they carry a marker, since replacing them would delete the corpus.
    """
    if dest == root or dest in root.parents:
        raise DestinationError(f"--out {dest} is the corpus root or holds it; choose a folder of its own, such as {root / 'dist' / DATASET_SLUG}")
    if not dest.exists() and not dest.is_symlink():
        return
    if dest.is_symlink() or not dest.is_dir():
        raise DestinationError(f"--out {dest} exists and is not a folder; a build only replaces a folder it made")
    if not any(dest.iterdir()) or (dest / MARKER).is_file():
        return
    raise DestinationError(
        f"--out {dest} exists and is not an export of this project (it has no {MARKER} file); "
        "a build replaces its destination as a whole, so choose an absent folder or a previous export"
    )


def write_marker(folder: Path, version: str) -> None:
    """Mark ``folder`` as an export a later build may replace."""
    (folder / MARKER).write_text(json.dumps({"dataset": DATASET_SLUG, "version": version}) + "\n", encoding="utf-8")


@contextmanager
def locked_parent(dest: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``dest``'s parent folder; refuse at once if another build holds it.

    The lock is released by the kernel when the process ends, so a killed build never leaves it held.
    On entry, the staging folders a killed build left next to ``dest`` are removed.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(dest.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DestinationError(f"another build is writing in {dest.parent}; try again when it has finished") from None
        remove_stale_staging(dest)
        yield
    finally:
        os.close(fd)


def staging_prefix(dest: Path, kind: str) -> str:
    return f".{dest.name}.{kind}-"


def remove_stale_staging(dest: Path) -> None:
    """Remove the staging folders of earlier builds into ``dest`` (call only while holding the lock)."""
    prefixes = tuple(staging_prefix(dest, kind) for kind in STAGING_KINDS)
    for path in dest.parent.iterdir():
        if path.name.startswith(prefixes) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
