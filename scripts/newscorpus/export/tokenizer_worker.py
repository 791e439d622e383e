"""Tokenize the documents in child processes while the build writes the other configs.

Importing spaCy and building its English tokenizer costs about as much as
importing ``datasets``; doing both in one process would put ``newscorpus
build`` well over its time budget on the two-document corpus.  A child
process started before ``datasets`` is imported does the spaCy part on the
other core and streams token offsets back in build order.  The queue is
bounded, so on a large corpus the child never runs more than a few documents
ahead: memory stays flat, and tokenizing overlaps with writing.

On a large corpus, when at least three cores are free, two children share
the documents round-robin (document i goes to child i % n, and the parent
reads child i % n's queue for it), so the order stays the build order.  On
two cores the parent and one child already keep both busy (measured: a second
child made 1,000 documents slower there), and a small corpus gets one child
because a second would cost another ~2 s of spaCy start-up.

Each document travels as one buffer of C ints (starts, ends, token text
offsets, sentence starts) and one buffer of the tokens' UTF-8 text, rather
than pickled lists: pickling ~2,000 Python ints per document cost both
processes more than tokenizing's own array work, and the parent turns the
buffers into the ``ner`` config's Arrow columns without a Python object per
token.

The children are started with the ``spawn`` method: the parent may already
hold threads (pyarrow's pools, a test runner), which ``fork`` does not copy
safely.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import store
from .ner import TokenArrays
from .rows import ExportError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

QUEUE_SIZE = 64
"""Documents each child may tokenize ahead of the parent."""

PARALLEL_FROM = 4000
"""Documents from which two children may tokenize (given a third free core) instead of one.

Tokenizing costs ~1-2 ms of CPU per 4,000-character document; below a few
thousand documents a second child's start-up (~2 s of CPU) costs more than it
could save."""

MAX_PROCESSES = 2
"""More children would each hold another copy of spaCy (~100 MB) for a parent
that, writing every document, cannot consume tokens much faster than two produce."""

_ERROR, _TOKENS, _DONE = "error", "tokens", "done"


def default_processes(n_docs: int) -> int:
    """How many children tokenize ``n_docs`` documents: one per core the parent leaves, up to the cap."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover -- not Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_PROCESSES, cores - 1)) if n_docs >= PARALLEL_FROM else 1


def _tokenize_all(root: str, doc_ids: list[str], out: Any) -> None:
    """Child process: tokenize each document's text in order; report a failure instead of dying silently."""
    try:
        from .ner import token_arrays, token_texts

        layout = store.Layout(Path(root))
        for doc_id in doc_ids:
            text = store.read_text(layout.text_path(doc_id))
            starts, ends, sentence_starts = token_arrays(text)
            text_offsets, text_bytes = token_texts(text, starts, ends)
            out.put((_TOKENS, doc_id, len(starts), encode_tokens(starts, ends, sentence_starts, text_offsets), text_bytes))
        out.put((_DONE, None))
    except BaseException as exc:  # noqa: BLE001 -- everything must reach the parent
        out.put((_ERROR, f"{type(exc).__name__}: {exc}"))


def encode_tokens(starts: "np.ndarray", ends: "np.ndarray", sentence_starts: "np.ndarray", text_offsets: "np.ndarray") -> bytes:
    """One buffer of C ints for :func:`decode_tokens`: starts, ends, token text offsets, then sentence starts."""
    import numpy as np

    return np.concatenate((starts, ends, text_offsets, sentence_starts)).astype(np.intc).tobytes()


def decode_tokens(n_tokens: int, buffer: bytes, text_bytes: bytes) -> TokenArrays:
    """The :class:`TokenArrays` a child sent: views of its one buffer of ints, no copy."""
    import numpy as np

    values = np.frombuffer(buffer, dtype=np.intc)
    n = n_tokens
    return TokenArrays(values[:n], values[n : 2 * n], values[3 * n + 1 :], values[2 * n : 3 * n + 1], text_bytes)


class TokenizerError(ExportError):
    """The tokenizer process failed; the message says how."""


class TokenizerWorker:
    """Tokens of the documents, in the order given, computed by child processes."""

    def __init__(self, root: Path, doc_ids: list[str], processes: int | None = None):
        count = processes if processes is not None else default_processes(len(doc_ids))
        if count < 1:
            raise ValueError(f"the tokenizer needs at least one process, got {count}")
        context = multiprocessing.get_context("spawn")
        self._queues = [context.Queue(maxsize=QUEUE_SIZE) for _ in range(count)]
        self._processes = [
            context.Process(
                target=_tokenize_all,
                args=(str(root), doc_ids[k::count], self._queues[k]),
                name=f"newscorpus-tokenizer-{k}",
                daemon=True,
            )
            for k in range(count)
        ]
        self._position = 0
        for process in self._processes:
            process.start()

    @property
    def processes(self) -> int:
        return len(self._processes)

    def next(self, doc_id: str) -> TokenArrays:
        """The tokens of ``doc_id``, which must be the next document in the order given."""
        child = self._position % len(self._processes)
        kind, *payload = self._get(child)
        if kind == _ERROR:
            raise TokenizerError(f"tokenizing {doc_id} failed: {payload[0]}")
        if kind != _TOKENS or payload[0] != doc_id:
            raise TokenizerError(f"tokenizer out of step: expected {doc_id}, got {kind} {payload[:1]}")
        self._position += 1
        return decode_tokens(payload[1], payload[2], payload[3])

    def _get(self, child: int) -> tuple:
        queue, process = self._queues[child], self._processes[child]
        while True:
            try:
                return queue.get(timeout=1.0)
            except queue_module.Empty:
                if not process.is_alive():
                    raise TokenizerError(f"the tokenizer process {process.name} exited with code {process.exitcode}") from None

    def close(self, finished: bool = True) -> None:
        """Collect children that sent everything; stop any still working (the parent failed)."""
        try:
            if finished:
                for child, process in enumerate(self._processes):
                    if process.is_alive():
                        kind, *payload = self._get(child)
                        if kind != _DONE:
                            raise TokenizerError(f"tokenizer sent more than was asked for: {kind} {payload[:1]}")
                        process.join()
        finally:
            for process in self._processes:
                if process.is_alive():
                    process.terminate()
                process.join()
            for queue in self._queues:
                queue.close()
                queue.join_thread()

    def __enter__(self) -> "TokenizerWorker":
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.close(finished=exc_type is None)
