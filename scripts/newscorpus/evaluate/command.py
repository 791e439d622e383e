"""``newscorpus evaluate PREDICTIONS [--split SPLIT] [--format text|json]``.

Exit 0 with the scores; exit 1 with every bad prediction listed as ``file:line: reason`` (and
nothing scored), or when the gold cannot be read or the split has no documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import schema
from ..corpus import CorpusError, load_corpus
from .predictions import read_predictions
from .scorer import render_text, score, split_texts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("predictions", type=Path, metavar="PREDICTIONS", help="folder laid out like annotations/: entities/, figures/, stances/ with <doc_id>.jsonl")
    parser.add_argument("--split", default=schema.TEST_SPLIT, choices=schema.SPLITS.names, help="split to score against (default: %(default)s)")
    parser.add_argument("--format", default="text", choices=("text", "json"), help="a readable table (default) or one JSON object")


def run(args: argparse.Namespace) -> int:
    try:
        corpus = load_corpus(Path(args.root))
        texts = split_texts(corpus, args.split)
    except (CorpusError, OSError) as exc:
        print(f"newscorpus evaluate: error: {exc}", file=sys.stderr)
        return 1
    layers, problems = read_predictions(Path(args.predictions), texts, args.split)
    if problems:
        print(*problems, sep="\n", file=sys.stderr)
        print(f"newscorpus evaluate: {len(problems)} bad prediction(s); nothing scored", file=sys.stderr)
        return 1
    result = score(corpus, args.split, layers)
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(render_text(result), end="")
    return 0
