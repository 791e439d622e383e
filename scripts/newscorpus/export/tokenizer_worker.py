"""Tokenize the documents in a child process while the build writes the other configs.

Importing spaCy and building its English tokenizer costs about as much as
importing ``datasets``; doing both in one process would put ``newscorpus
build`` well over its time budget on the two-document corpus.  A child
process started before ``datasets`` is imported does the spaCy part on the
other core and streams token offsets back in build order.  The queue is
bounded, so on a large corpus the child never runs more than a few documents
ahead: memory stays flat, and tokenizing overlaps with writing.

The child is started with the ``spawn`` method: the parent may already hold
threads (pyarrow's pools, a test runner), which ``fork`` does not copy safely.
"""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from pathlib import Path
from typing import Any

from .. import store
from .ner import Tokenized
from .rows import ExportError

QUEUE_SIZE = 64
"""Documents the child may tokenize ahead of the parent."""

_ERROR, _TOKENS, _DONE = "error", "tokens", "done"


def _tokenize_all(root: str, doc_ids: list[str], out: Any) -> None:
    """Child process: tokenize each document's text in order; report a failure instead of dying silently."""
    try:
        from .ner import tokenize

        layout = store.Layout(Path(root))
        for doc_id in doc_ids:
            tokens = tokenize(store.read_text(layout.text_path(doc_id)))
            out.put((_TOKENS, doc_id, tokens.starts, tokens.ends, tokens.sentence_starts))
        out.put((_DONE, None))
    except BaseException as exc:  # noqa: BLE001 -- everything must reach the parent
        out.put((_ERROR, f"{type(exc).__name__}: {exc}"))


class TokenizerError(ExportError):
    """The tokenizer process failed; the message says how."""


class TokenizerWorker:
    """Tokens of the documents, in the order given, computed by a child process."""

    def __init__(self, root: Path, doc_ids: list[str]):
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue(maxsize=QUEUE_SIZE)
        self._process = context.Process(
            target=_tokenize_all, args=(str(root), doc_ids, self._queue), name="newscorpus-tokenizer", daemon=True
        )
        self._process.start()

    def next(self, doc_id: str) -> Tokenized:
        """The tokens of ``doc_id``, which must be the next document in the order given."""
        kind, *payload = self._get()
        if kind == _ERROR:
            raise TokenizerError(f"tokenizing {doc_id} failed: {payload[0]}")
        if kind != _TOKENS or payload[0] != doc_id:
            raise TokenizerError(f"tokenizer out of step: expected {doc_id}, got {kind} {payload[:1]}")
        return Tokenized(payload[1], payload[2], payload[3])

    def _get(self) -> tuple:
        while True:
            try:
                return self._queue.get(timeout=1.0)
            except queue_module.Empty:
                if not self._process.is_alive():
                    raise TokenizerError(f"the tokenizer process exited with code {self._process.exitcode}") from None

    def close(self, finished: bool = True) -> None:
        """Collect a child that sent everything; stop one that is still working (the parent failed)."""
        if finished and self._process.is_alive():
            kind, *payload = self._get()
            if kind != _DONE:
                raise TokenizerError(f"tokenizer sent more than was asked for: {kind} {payload[:1]}")
            self._process.join()
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._queue.close()
        self._queue.join_thread()

    def __enter__(self) -> "TokenizerWorker":
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.close(finished=exc_type is None)
