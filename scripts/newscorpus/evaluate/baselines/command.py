"""``newscorpus baseline NAME --out DIR [--split SPLIT]``: write a baseline's predictions.

NAME is a key of ``BASELINES`` or ``all`` (every baseline into the one folder; they predict
different layers, so ``newscorpus evaluate DIR`` then scores all of them in one run).  DIR may
exist, but a layer folder the baseline would write must not: nothing is overwritten (exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ... import schema
from ...corpus import CorpusError, load_corpus
from ..scorer import split_texts
from . import BASELINES, predict_all, write

ALL = "all"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", choices=[*BASELINES, ALL], metavar="NAME", help=f"one of {', '.join(BASELINES)}, or {ALL}")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the predictions into (laid out like annotations/)")
    parser.add_argument("--split", default=schema.TEST_SPLIT, choices=schema.SPLITS.names, help=f"split to predict (default: {schema.TEST_SPLIT})")


def run(args: argparse.Namespace) -> int:
    try:
        corpus = load_corpus(Path(args.root))
        doc_ids = list(split_texts(corpus, args.split))
    except (CorpusError, OSError) as exc:
        print(f"newscorpus baseline: error: {exc}", file=sys.stderr)
        return 1
    layers = predict_all(corpus, doc_ids) if args.name == ALL else BASELINES[args.name][0](corpus, doc_ids)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"newscorpus baseline: error: {out} is a file, not a folder", file=sys.stderr)
        return 2
    taken = [out / layer for layer in layers if (out / layer).exists()]
    if taken:
        print(f"newscorpus baseline: error: {', '.join(map(str, taken))} already exists; choose another --out (nothing is overwritten)", file=sys.stderr)
        return 2
    written = write(out, layers)
    records = sum(len(recs) for per_doc in layers.values() for recs in per_doc.values())
    print(f"{args.name}: {records} records in {len(written)} files under {out} ({args.split}, {len(doc_ids)} documents)")
    return 0
