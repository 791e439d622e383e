"""``newscorpus docs``: regenerate the generated blocks of the Markdown docs.

A generated block is the text between ``<!-- generated:NAME -->`` and
``<!-- /generated:NAME -->``.  Its content is computed from the schema (label
tables, field tables), the corpus (statistics, known defects of the texts,
errata), the validator's check registry and the dataset prose in
``texts.py`` -- so a fact is written once and every document that shows it is
regenerated rather than edited.  Prose outside the blocks is left alone.

``--check`` rewrites nothing and exits 1 naming each stale file and block;
the test suite runs it, so committed docs that have drifted fail the build.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable

from . import corpus, schema, stats, texts
from .corpus import CorpusError, Layout, atomic_write_text
from .evaluate.definitions import baseline_scores, metric_definitions
from .tables import markdown_table
from .validate import CHECKS
from .version import CORPUS_VERSION

DOC_FILES: tuple[str, ...] = ("DATASHEET.md", "annotations/GUIDELINES.md", "README.md")
"""Files scanned for generated blocks, relative to the root; a missing one is skipped with a note."""

BLOCK_RE = re.compile(r"<!-- (/?)generated:([A-Za-z0-9_.:-]+) -->")


class DocsError(Exception):
    """A doc file whose blocks cannot be regenerated; the message names file, line and problem."""


# --------------------------------------------------------------------------- block content


@dataclass
class Context:
    """What block generators read; the statistics are computed only when a block needs them."""

    root: Path

    @property
    def layout(self) -> Layout:
        return Layout(self.root)

    @cached_property
    def stats(self) -> stats.CorpusStats:
        try:
            return stats.compute(self.root)
        except CorpusError as exc:
            raise DocsError(f"cannot compute statistics: {exc}") from exc


def inventory_tables(_: Context) -> str:
    """Every annotation inventory with ids and definitions: what annotators and users look labels up in."""
    parts = []
    for inv in schema.INVENTORIES:
        rows = [(str(i), f"`{label.name}`", label.definition) for i, label in enumerate(inv.labels)]
        parts.append(f"**{inv.title}** (`{inv.key}`)\n\n" + markdown_table(("id", "label", "definition"), rows))
    return "\n".join(parts)


def field_tables(_: Context) -> str:
    """The fields of every stored record shape, so the datasheet's 'what an instance contains' cannot drift."""
    parts = []
    for shape in (*schema.ALL_SHAPES, schema.ERRATUM):
        rows = []
        for f in shape.fields:
            kind = f"label ({f.inventory.key})" if f.inventory else f.kind
            rows.append((f"`{f.name}`", kind + (", nullable" if f.nullable else ""), f.description))
        parts.append(f"**{shape.name}** (id: `{shape.id_field}`)\n\n" + markdown_table(("field", "type", "description"), rows))
    return "\n".join(parts)


def _records(path: Path, layout: Layout) -> list[dict]:
    try:
        return corpus.read_records(path, layout.root, shown_as=layout.relative(path))
    except CorpusError as exc:
        raise DocsError(str(exc)) from exc


def known_defects(ctx: Context) -> str:
    """The defects recorded in the manifest, per document: they describe the received texts."""
    parts = []
    for doc in _records(ctx.layout.manifest_path, ctx.layout):
        defects = doc.get("known_defects") or []
        items = "\n".join(f"- {' '.join(str(d).split())}" for d in defects) if defects else "- none recorded"
        parts.append(f"**{doc.get('doc_id')}** ({doc.get('split')})\n\n{items}\n")
    return "\n".join(parts)


def errata(ctx: Context) -> str:
    columns = ("erratum_id", "version", "layer", "doc_id", "record_id", "fix_type", "description")
    rows = []
    for r in _records(ctx.layout.errata_path, ctx.layout):
        rows.append([r.get(name) or "" if name == "doc_id" else r.get(name) for name in columns])
    if not rows:
        return "No errata: no release has corrected a record of an earlier release yet.\n"
    return markdown_table(("erratum", "version", "layer", "doc_id", "record", "fix", "description"), rows)


def checks_table(_: Context) -> str:
    rows = [(f"`{check.id}`", check.level, check.severity, check.description) for check in CHECKS.values()]
    return markdown_table(("check id", "level", "severity", "what it finds"), rows)


def agreement_figures(ctx: Context) -> str:
    """The agreement study's figures from annotations/agreement.json (``newscorpus agreement --between --out``)."""
    from .labelstudio.agreement import agreement_markdown

    path = ctx.layout.annotations_dir / "agreement.json"
    return agreement_markdown(json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None)


GENERATORS: dict[str, Callable[[Context], str]] = {
    "version": lambda _: f"Corpus version: **{CORPUS_VERSION}** (from `scripts/newscorpus/version.py`).\n",
    "inventories": inventory_tables,
    "fields": field_tables,
    "stats-splits": lambda ctx: stats.markdown([stats.split_table(ctx.stats)]),
    "stats-documents": lambda ctx: stats.markdown([stats.document_table(ctx.stats)]),
    "stats-labels": lambda ctx: stats.markdown(stats.label_tables(ctx.stats)),
    "stats-entity-table": lambda ctx: stats.markdown(stats.entity_table_tables(ctx.stats)),
    "known-defects": known_defects,
    "errata": errata,
    "checks": checks_table,
    "evaluation-metrics": lambda _: metric_definitions(),
    "evaluation-baselines": lambda ctx: baseline_scores(ctx.root),  # name: evaluate.definitions.BASELINES_BLOCK
    "agreement": agreement_figures,
}
"""Block name -> generator; texts are addressed as ``text:<key>`` for every key of ``texts.TEXTS``."""


def generator_for(name: str) -> Callable[[Context], str] | None:
    key = name.removeprefix("text:")
    if name.startswith("text:") and key in texts.TEXTS:
        return lambda _: texts.TEXTS[key].rstrip("\n") + "\n"
    return GENERATORS.get(name)


# --------------------------------------------------------------------------- blocks in a file


@dataclass(frozen=True)
class Block:
    name: str
    line: int  # 1-based line of the opening marker
    content_start: int  # character offsets of the content between the markers
    content_end: int


def find_blocks(text: str, shown_path: str) -> list[Block]:
    """Blocks in file order; an unclosed, stray or nested marker is an error, not a guess."""
    blocks: list[Block] = []
    open_name: str | None = None
    open_at = open_line = 0
    for match in BLOCK_RE.finditer(text):
        closing, name = match.group(1) == "/", match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        if not closing:
            if open_name is not None:
                raise DocsError(f"{shown_path}:{line}: block {name!r} opens inside block {open_name!r} (opened on line {open_line})")
            open_name, open_at, open_line = name, match.end(), line
        else:
            if open_name != name:
                raise DocsError(f"{shown_path}:{line}: closing marker for {name!r} without a matching opening marker")
            blocks.append(Block(name, open_line, open_at, match.start()))
            open_name = None
    if open_name is not None:
        raise DocsError(f"{shown_path}:{open_line}: block {open_name!r} is never closed (<!-- /generated:{open_name} -->)")
    return blocks


def regenerate(text: str, shown_path: str, ctx: Context) -> tuple[str, list[str]]:
    """The file text with every block regenerated, and the names of the blocks that changed."""
    out, stale, pos = [], [], 0
    for block in find_blocks(text, shown_path):
        generate = generator_for(block.name)
        if generate is None:
            known = ", ".join([*GENERATORS, *(f"text:{k}" for k in texts.TEXTS)])
            raise DocsError(f"{shown_path}:{block.line}: unknown generated block {block.name!r} (known: {known})")
        content = "\n" + generate(ctx)
        if text[block.content_start : block.content_end] != content:
            stale.append(block.name)
        out += [text[pos : block.content_start], content]
        pos = block.content_end
    out.append(text[pos:])
    return "".join(out), stale


@dataclass(frozen=True)
class FileResult:
    path: str
    stale_blocks: tuple[str, ...]
    missing: bool = False


def process(root: Path, *, write: bool) -> list[FileResult]:
    """Regenerate (or only compare, when ``write`` is false) every block of every doc file."""
    ctx = Context(root)
    results = []
    for rel in DOC_FILES:
        path = root / rel
        if not path.is_file():
            results.append(FileResult(rel, (), missing=True))
            continue
        text = path.read_text(encoding="utf-8")
        new_text, stale = regenerate(text, rel, ctx)
        if write and new_text != text:
            atomic_write_text(path, new_text)
        results.append(FileResult(rel, tuple(stale)))
    return results


# --------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any generated block is stale")


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        results = process(root, write=not args.check)
    except DocsError as exc:
        print(f"newscorpus docs: error: {exc}", file=sys.stderr)
        return 1
    stale = False
    for result in results:
        if result.missing:
            print(f"{result.path}: not found, skipped", file=sys.stderr)
        for name in result.stale_blocks:
            stale = True
            if args.check:
                print(f"{result.path}: generated block {name!r} is stale (run `newscorpus docs`)", file=sys.stderr)
            else:
                print(f"{result.path}: regenerated block {name!r}")
    return 1 if (args.check and stale) else 0
