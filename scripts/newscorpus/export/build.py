"""``newscorpus build``: validate, then write the Hugging Face export.

The export is only ever published from a corpus the validator passes: the
build writes while the validator reads (each file is parsed once), stops
writing at the first error finding, and exits 1 with every error listed
without touching the destination, so a published export never carries a
known-bad annotation.  The build happens in a temporary folder next to the
destination that is swapped in at the end, so a failure at any point leaves
the previous export untouched.
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


def run(args: argparse.Namespace) -> int:
    from ..checks.registry import ERROR
    from ..validate import format_finding
    from .destination import DestinationError
    from .exporter import build_atomically, print_alignment_warnings, start_tokenizer
    from .parquet import ShardPolicy
    from .rows import ExportError

    root: Path = args.root
    out: Path = args.out if args.out is not None else default_out(root)
    try:
        policy = ShardPolicy(max_shard_rows=args.max_shard_rows, max_shard_bytes=int(args.max_shard_mb * 1024 * 1024))
    except ValueError as exc:
        print(f"newscorpus build: {exc}", file=sys.stderr)
        return 2
    tokenizer = _start_tokenizer_early(root, start_tokenizer)
    try:
        outcome = build_atomically(root, out, policy, tokenizer)
    except DestinationError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 2
    except ExportError as exc:
        print(f"build failed: {exc}; {out} was not changed", file=sys.stderr)
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


def _start_tokenizer_early(root: Path, start):  # type: ignore[no-untyped-def]
    """Start the spaCy worker before validating (it loads while the validator runs).

    Any failure here (a manifest the build cannot even read) is the validator's to
    report: no worker is started, and validation refuses the build with the details.
    """
    try:
        return start(root)
    except Exception:  # noqa: BLE001 -- reported by the validator that runs next
        return None
