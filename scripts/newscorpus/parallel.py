"""The one executor: an ordered ``map`` over forked worker processes, used by validate and build.

Work items are independent (a document, a batch of documents); each command sets what its
workers need in a module global before calling :func:`ordered_map`, and the forked workers
inherit it.  Workers die with their parent, so a killed command leaves no process behind.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

CHUNK = 8
"""Work items sent to a worker at a time."""


def default_workers() -> int:
    """One worker per core, at most two (what the machines this runs on have)."""
    import os

    return max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def ordered_map(function: Callable[[Any], Any], items: Iterable[Any], workers: int) -> Iterator[Any]:
    """``map(function, items)``, in this process for one worker, else over forked processes; in order."""
    if workers <= 1:
        yield from map(function, items)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers, initializer=die_with_parent) as pool:
        yield from pool.imap(function, items, chunksize=CHUNK)


def die_with_parent() -> None:
    """Ask Linux to kill this (child) process when its parent dies (``PR_SET_PDEATHSIG``)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still applies
        pass
