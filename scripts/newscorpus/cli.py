"""The one console command, ``newscorpus``.

Subcommands live in their own modules and are imported only when chosen, so
``newscorpus validate`` never pays for importing ``datasets`` or the Label
Studio SDK.  Each command module exposes ``add_arguments(parser)`` and
``run(args) -> int`` (the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from .version import CORPUS_VERSION

# name -> (module, one-line help); the order is the order of `newscorpus --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("newscorpus.validate", "check the corpus and annotations; exit 1 on any error"),
    "stats": ("newscorpus.stats", "counts per layer, label and split"),
    "build": ("newscorpus.export.build", "validate, then write the Hugging Face export"),
    "annotations-only": ("newscorpus.export.annotations_only", "copy an export without the article texts (open CC-BY-4.0 upload)"),
    "ls": ("newscorpus.labelstudio.commands", "Label Studio: push gold, pull annotations back"),
    "agreement": ("newscorpus.labelstudio.agreement", "inter-annotator agreement from a Label Studio export"),
    "diff": ("newscorpus.diff", "per-layer differences between two revisions or exports"),
    "release": ("newscorpus.release", "cut a versioned release"),
    "docs": ("newscorpus.docs", "regenerate the generated tables in the docs"),
    "evaluate": ("newscorpus.evaluate.command", "score predictions (a folder laid out like annotations/) against a split"),
    "baseline": ("newscorpus.evaluate.baselines.command", "write a reference baseline's predictions for a split"),
}


def _chosen_command(argv: list[str]) -> str | None:
    """The subcommand named on the command line, found without importing any command module."""
    args = iter(argv)
    for arg in args:
        if arg == "--root":
            next(args, None)  # its value
        elif not arg.startswith("-"):
            return arg
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with only the chosen command's module imported (none pays for or breaks on another's imports)."""
    chosen = _chosen_command(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="newscorpus",
        description="Validate, build, round-trip and release the India–Russia Summit News corpus.",
    )
    parser.add_argument("--version", action="version", version=f"newscorpus (corpus version) {CORPUS_VERSION}")
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="corpus root (default: the nearest folder above the current one with corpus/manifest.jsonl)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    if args.root is None:
        from .corpus import find_root

        args.root = find_root()
    return int(args._module.run(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
