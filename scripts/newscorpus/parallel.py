"""The one executor: an ordered ``map`` over forked worker processes, used by validate and build.

Work items are independent (a document, a batch of documents); each command sets what its
workers need in a module global before calling :func:`ordered_map`, and the forked workers
inherit it.  Workers die with their parent, so a killed command leaves no process behind.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

AHEAD = 4
"""Work items per worker submitted ahead of the one being consumed: bounds what waits in memory
(a batch of encoded documents, in a build) while keeping every worker busy."""


def default_workers() -> int:
    """One worker per core, at most two (what the machines this runs on have)."""
    import os

    return max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def ordered_map(function: Callable[[Any], Any], items: Iterable[Any], workers: int, chunk: int = 1) -> Iterator[Any]:
    """``map(function, items)``, in this process for one worker, else over forked processes; in order.

    Items go to the workers ``chunk`` at a time (small items: fewer round trips), and at most
    ``AHEAD`` chunks per worker are in flight, so results never pile up when the consumer is
    slower than the workers.
    """
    if workers <= 1:
        yield from map(function, items)
        return
    import multiprocessing
    from collections import deque
    from itertools import islice

    with multiprocessing.get_context("fork").Pool(workers, initializer=die_with_parent) as pool:
        pending: deque = deque()
        items = iter(items)
        while part := list(islice(items, chunk)):
            pending.append(pool.apply_async(_map_chunk, (function, part)))
            if len(pending) > AHEAD * workers:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _map_chunk(function: Callable[[Any], Any], part: list[Any]) -> list[Any]:
    return [function(item) for item in part]


def die_with_parent() -> None:
    """Ask Linux to kill this (child) process when its parent dies (``PR_SET_PDEATHSIG``)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still applies
        pass
