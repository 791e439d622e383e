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
from typing import Any, Iterable

from .readback import config_names, config_splits, features_of, read_rows
from .rows import ExportError

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


def conll_lines(rows: Iterable[dict[str, Any]], config: str, split: str) -> Iterable[str]:
    """The file's lines (each ending in ``\\n``) for rows with ``doc_id``, ``sentence_id``, tokens and tags."""
    current = None
    for row in rows:
        tokens, tags = row[TOKEN_COLUMN], row[TAG_COLUMN]
        if not tokens:
            continue
        if row["doc_id"] != current:
            current = row["doc_id"]
            yield f"{DOCSTART} {OUTSIDE}\n"
            yield "\n"
        for token, tag in zip(tokens, tags, strict=True):
            if token.split() != [token]:
                raise ExportError(
                    f"{config}/{split}: document {row['doc_id']} sentence {row['sentence_id']}: token {token!r} "
                    "contains whitespace and cannot be written as a CoNLL line"
                )
            yield f"{token} {tag}\n"
        yield "\n"


def conll_path(out: Path, config: str, split: str) -> Path:
    return out / CONLL_DIR / config / f"{split}.conll"


def write_conll(out: Path) -> list[Path]:
    """Write every tagging config's CoNLL files into the export at ``out``; return them in path order."""
    written = []
    for config in tagging_configs(out):
        for split, shards in config_splits(out, config).items():
            path = conll_path(out, config, split)
            path.parent.mkdir(parents=True, exist_ok=True)
            rows = read_rows(shards, ["doc_id", "sentence_id", TOKEN_COLUMN, TAG_COLUMN])
            with path.open("w", encoding="utf-8", newline="\n") as handle:
                handle.writelines(conll_lines(rows, config, split))
            written.append(path)
    return sorted(written)
