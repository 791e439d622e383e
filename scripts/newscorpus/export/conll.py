"""CoNLL files of the export's token-tagging configs: ``conll/<config>/<split>.conll``.

A post-build step: it reads the finished export's Parquet files and writes, for
every config whose rows carry ``tokens`` and ``ner_tags`` (``ner``, and
``ner_ontonotes`` once it exists), one two-column IOB2 file per split in the
CoNLL-2003 layout that NER tools read:

- one token per line, the token and its tag separated by one space;
- a blank line after every sentence (one ``ner`` row);
- ``-DOCSTART- O`` and a blank line before each document's first sentence.

Documents and sentences keep the order of the Parquet rows (manifest order,
then ``sentence_id``), so the n-th sentence of a file is the n-th row of the
split that has tokens; rows without tokens are left out, as a blank sentence
would end the previous one.  A token holding whitespace cannot be written in
this format and stops the build with an error naming the document and sentence.
Output is UTF-8 with ``\\n`` line ends and no timestamps: the same export gives
the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .readback import config_names, config_splits, features_of
from . import ExportError

CONLL_DIR = "conll"
DOCSTART = "-DOCSTART-"
OUTSIDE = "O"
TOKEN_COLUMN = "tokens"
TAG_COLUMN = "ner_tags"


def is_tagging_config(features: Any) -> bool:
    """A config with a list of string ``tokens`` and a list of ClassLabel ``ner_tags``."""
    import datasets

    tokens, tags = features.get(TOKEN_COLUMN), features.get(TAG_COLUMN)
    return (
        isinstance(tokens, datasets.List)
        and isinstance(tokens.feature, datasets.Value)
        and tokens.feature.dtype == "string"
        and isinstance(tags, datasets.List)
        and isinstance(tags.feature, datasets.ClassLabel)
    )


def tagging_configs(out: Path) -> list[str]:
    """Configs of the export at ``out`` that have a CoNLL form."""
    names = []
    for name in config_names(out):
        shards = [p for paths in config_splits(out, name).values() for p in paths]
        if shards and is_tagging_config(features_of(shards[0])):
            names.append(name)
    return names


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


def write_split(path: Path, shards: list[Path], config: str, split: str) -> None:
    """One CoNLL file from a split's shards, a row group at a time."""
    import pyarrow.parquet as pq

    current = None
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for shard in shards:
            names = features_of(shard)[TAG_COLUMN].feature.names
            parquet = pq.ParquetFile(shard)
            for group in range(parquet.num_row_groups):
                table = parquet.read_row_group(group, columns=["doc_id", "sentence_id", TOKEN_COLUMN, TAG_COLUMN])
                text, current = conll_text(table, names, f"{config}/{split}", current)
                handle.write(text)


def write_conll(out: Path) -> list[Path]:
    """Write every tagging config's CoNLL files into the export at ``out``; return them in path order."""
    written = []
    for config in tagging_configs(out):
        for split, shards in config_splits(out, config).items():
            path = conll_path(out, config, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_split(path, shards, config, split)
            written.append(path)
    return sorted(written)
