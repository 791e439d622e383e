"""CoNLL files of the export's token-tagging configs: ``conll/<config>/<split>.conll``.

Written by the build from the very record batches it writes to Parquet: for each
token config (``ner``, ``ner_ontonotes``), one two-column IOB2 file per split in
the CoNLL-2003 layout that NER tools read:

- one token per line, the token and its tag separated by one space;
- a blank line after every sentence (one ``ner`` row);
- ``-DOCSTART- O`` and a blank line before each document's first sentence.

Documents and sentences keep the order of the Parquet rows (manifest order,
then ``sentence_id``), so the n-th sentence of a file is the n-th row of the
split that has tokens (a batch of rows is whole documents, so each batch's text
starts a document); rows without tokens are left out, as a blank sentence would
end the previous one.  A token holding whitespace cannot be written in
this format and stops the build with an error naming the document and sentence.
Output is UTF-8 with ``\\n`` line ends and no timestamps: the same export gives
the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import ExportError

CONLL_DIR = "conll"
DOCSTART = "-DOCSTART-"
OUTSIDE = "O"
TOKEN_COLUMN = "tokens"
TAG_COLUMN = "ner_tags"


def conll_path(out: Path, config: str, split: str) -> Path:
    return out / CONLL_DIR / config / f"{split}.conll"


def conll_text(table: Any, names: list[str], where: str, previous_doc: str | None = None) -> tuple[str, str | None]:
    """The CoNLL text of an Arrow table's rows (``doc_id``, ``sentence_id``, ``tokens``, tag ids in
    ``ner_tags``) and the last document written.  ``previous_doc`` is the document the text continues
    (no ``-DOCSTART-`` before its sentences).  Token lines are joined with Arrow compute, so no Python
    object is made per token.  An empty token, or one holding whitespace (what Arrow's Unicode
    whitespace split does not give back whole), raises :class:`ExportError` naming it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    tokens = table.column(TOKEN_COLUMN).combine_chunks()
    tags = table.column(TAG_COLUMN).combine_chunks()
    flat_tokens, flat_tags = tokens.flatten(), tags.flatten()
    offsets = pc.subtract(tokens.offsets, tokens.offsets[0])
    whole = pc.and_(pc.equal(pc.list_value_length(pc.utf8_split_whitespace(flat_tokens)), 1), pc.greater(pc.utf8_length(flat_tokens), 0))
    if len(flat_tokens) and not pc.all(whole).as_py():
        bad = pc.index(whole, False).as_py()
        row = int(np.searchsorted(offsets.to_numpy(), bad, side="right")) - 1
        raise ExportError(
            f"{where}: document {table.column('doc_id')[row].as_py()} sentence {table.column('sentence_id')[row].as_py()}: "
            f"token {flat_tokens[bad].as_py()!r} is empty or contains whitespace and cannot be written as a CoNLL line"
        )
    lines = pc.binary_join_element_wise(flat_tokens, pc.take(pa.array(names), flat_tags), " ")
    blocks = pc.binary_join(pa.ListArray.from_arrays(offsets, lines), "\n").to_pylist()
    out = []
    for block, doc_id in zip(blocks, table.column("doc_id").to_pylist()):
        if not block:
            continue
        if doc_id != previous_doc:
            previous_doc = doc_id
            out.append(f"{DOCSTART} {OUTSIDE}\n\n")
        out.append(block + "\n\n")
    return "".join(out), previous_doc
