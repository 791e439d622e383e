"""``newscorpus build``: validate, then write the Hugging Face export.

The export is only ever published from a corpus the validator passes: on any
error finding the build exits 1 with every error listed, without touching the
destination, so a published export never carries a known-bad annotation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..texts import DATASET_SLUG

DIST_DIR = "dist"


def default_out(root: Path) -> Path:
    return root / DIST_DIR / DATASET_SLUG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, help=f"export folder (default: <root>/{DIST_DIR}/{DATASET_SLUG}/)")
    parser.add_argument(
        "--max-shard-rows",
        type=int,
        default=None,
        help="start a new Parquet shard after this many rows (default: no row limit)",
    )
    parser.add_argument(
        "--max-shard-mb",
        type=float,
        default=256.0,
        help="start a new Parquet shard once a shard reaches this size in MiB (default: 256)",
    )
    parser.add_argument(
        "--no-viewer",
        action="store_true",
        help="leave out the HTML document viewer (one page per document; for large corpora)",
    )


def run(args: argparse.Namespace) -> int:
    from ..checks.registry import ERROR
    from ..corpus import CorpusError
    from ..validate import format_finding
    from .destination import DestinationError
    from .exporter import ExportError, build_export, print_alignment_warnings
    from .parquet import ShardPolicy

    root: Path = args.root
    out: Path = args.out if args.out is not None else default_out(root)
    try:
        policy = ShardPolicy(max_shard_rows=args.max_shard_rows, max_shard_bytes=int(args.max_shard_mb * 1024 * 1024))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        outcome = build_export(root, out, policy, viewer=not args.no_viewer)
    except DestinationError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 2
    except (ExportError, CorpusError, OSError) as exc:
        print(f"error: build failed: {exc}; {out} was not changed", file=sys.stderr)
        return 1
    if outcome.result is None:
        errors = [format_finding(f) for f in outcome.findings if f.severity == ERROR]
        for line in errors:
            print(line, file=sys.stderr)
        print(f"build refused: the validator found {len(errors)} error(s); {out} was not changed", file=sys.stderr)
        return 1
    result = outcome.result
    print_alignment_warnings(result)
    counts = ", ".join(f"{split} {n}" for split, n in result.documents.items())
    print(f"wrote {result.out} (documents: {counts})")
    return 0
