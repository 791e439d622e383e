"""``newscorpus release X.Y.Z``: cut a versioned release, a commit and an annotated tag ``vX.Y.Z``.

In order, it

1. refuses unless X.Y.Z is greater than both the current version and the last release (found
   from ``releases/*.sha256`` and tags), the git tree is clean, and ``newscorpus validate``
   finds no errors;
2. diffs the data against the previous release (``newscorpus diff``);
3. writes the version into ``scripts/newscorpus/version.py`` (the one place it lives);
4. appends the corrections of released records to ``annotations/errata.jsonl``;
5. moves the CHANGELOG's "Unreleased" notes under a dated ``[X.Y.Z]`` heading with the diff
   summary (before the build: the export's ``datePublished`` is that date);
6. builds the export (``newscorpus build``) and records its checksums in ``releases/X.Y.Z.sha256``;
7. regenerates the generated doc blocks (version, errata);
8. commits those files and creates the annotated tag.

Validation, build and docs run in a child Python whose import path starts with the root's own
``scripts/``, so a release uses that clone's code and its freshly written version, not whatever
copy of the package is installed.  If any step fails before the commit, every file the release
wrote is put back as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from . import repo, schema, stats, texts
from .corpus import CorpusError, Layout, atomic_write_bytes, atomic_write_text, dumps_records, parse_records
from .diff import CorpusDiff, DiffError, describe_change, diff, summary_lines
from .docs import DOC_FILES
from .repo import RELEASES_DIR, TAG_PREFIX, GitError, release_commit, released_versions

VERSION_FILE = Path("scripts", "newscorpus", "version.py")
VERSION_LINE_RE = re.compile(r'^CORPUS_VERSION = "([^"]*)"$', re.MULTILINE)
CHANGELOG = "CHANGELOG.md"
UNRELEASED_RE = re.compile(r"^## \[Unreleased\][^\n]*\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
"""The "Unreleased" heading; group 1 is its notes, up to the next ``## `` heading."""
ERRATA_LAYERS = {shape.name for shape in (schema.ENTITY, *schema.ANNOTATION_LAYERS)}
"""Layers whose corrections are errata; the manifest describes documents, it is not annotation."""


class ReleaseError(Exception):
    """Why a release was refused or failed; nothing was committed or tagged."""


# --------------------------------------------------------------------------- paths and versions


def parse_version(text: str) -> tuple[int, int, int]:
    try:
        return repo.version_key(text)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None


def current_version(root: Path) -> str:
    path = root / VERSION_FILE
    if not path.is_file():
        raise ReleaseError(f"{path}: no version file (is {root} the repository root?)")
    match = VERSION_LINE_RE.search(path.read_text(encoding="utf-8"))
    if not match:
        raise ReleaseError(f"{path}: no line `CORPUS_VERSION = \"X.Y.Z\"`")
    return match.group(1)


# --------------------------------------------------------------------------- git and child processes


def git(root: Path, *args: str) -> str:
    try:
        return repo.git(root, *args)
    except GitError as exc:
        raise ReleaseError(str(exc)) from None


def dirty_paths(root: Path) -> list[str]:
    """Modified, staged and untracked (not ignored) paths: any of them would make the tag lie."""
    return [line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=all").splitlines() if line]


def run_cli(root: Path, what: str, *args: str) -> None:
    """``newscorpus --root ROOT ARGS`` in a child Python whose import path starts with the root's ``scripts/``."""
    env = dict(os.environ)
    if (root / "scripts" / "newscorpus").is_dir():
        env["PYTHONPATH"] = os.pathsep.join([str(root / "scripts"), *filter(None, [env.get("PYTHONPATH")])])
    code = "import sys; from newscorpus.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", code, "--root", str(root), *args]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)
    if proc.returncode != 0:
        output = "\n".join(s for s in (proc.stdout.strip(), proc.stderr.strip()) if s)
        tail = "\n".join(output.splitlines()[-30:])
        raise ReleaseError(f"{what} failed (exit {proc.returncode}):\n{tail}")


# --------------------------------------------------------------------------- errata


def errata_records(result: CorpusDiff, version: str, previous: str, date: str, released_docs: set[str]) -> list[dict]:
    """Corrections of records the previous release published; additions to new documents are not errata."""
    fix_added, fix_removed, fix_changed = schema.FIX_TYPES.names
    found = []  # (layer, doc_id, record_id, fix_type, fields, description)
    for layer in (entry for entry in result.layers if entry.layer in ERRATA_LAYERS):
        name = layer.layer
        found += [(name, d or None, r, fix_added, [], "record added") for d, r in layer.added if not d or d in released_docs]
        found += [(name, d or None, r, fix_removed, [], "record removed") for d, r in layer.removed]
        for c in layer.changed:
            found.append((name, c.doc_id or None, c.record_id, fix_changed, list(c.fields), describe_change(c)))
    keys = ("layer", "doc_id", "record_id", "fix_type", "fields", "description")
    return [
        {
            "erratum_id": f"{version}-{n:03d}",
            "version": version,
            "previous_version": previous,
            "date": date,
            **dict(zip(keys, item)),
        }
        for n, item in enumerate(found, 1)
    ]


def append_errata(path: Path, records: list[dict]) -> None:
    """Append-only: earlier errata are never rewritten, so their ids stay valid citations."""
    old = path.read_bytes() if path.is_file() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    atomic_write_bytes(path, old + dumps_records(schema.ERRATUM, records).encode("utf-8"))


# --------------------------------------------------------------------------- changelog


CHANGELOG_HEADER = (
    "# Changelog\n\n"
    "All notable changes to the corpus and its tooling. The format follows Keep a Changelog\n"
    "(https://keepachangelog.com/en/1.1.0/); versions follow Semantic Versioning.\n\n"
    "## [Unreleased]\n"
)


def changelog_heading(version: str, date: str) -> str:
    """The heading of a release's changelog entry; :func:`release_date` reads it back."""
    return f"## [{version}] - {date}"


def release_date(root: Path, version: str) -> str | None:
    """The date of ``version``'s entry in the root's CHANGELOG.md, or None when it has none (not released).

    The export's ``datePublished`` and citation year come from here, so a build is dated by the
    committed changelog, never by the clock: rebuilding a release tag gives the same bytes.
    """
    path = root / CHANGELOG
    if not path.is_file():
        return None
    pattern = re.escape(changelog_heading(version, "DATE")).replace("DATE", r"(\d{4}-\d{2}-\d{2})")
    match = re.search(f"^{pattern}[ \t]*$", path.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else None


def changelog_entry(plan: Plan, notes: str) -> str:
    lines = [changelog_heading(plan.version, plan.date), ""]
    if notes.strip():
        lines += [notes.strip(), ""]
    if plan.result is not None:
        lines += [f"### Data changes since {plan.previous_release}", ""]
        lines += [f"- {line}" for line in summary_lines(plan.result)]
        lines.append("")
        if plan.errata:
            where = f"`annotations/errata.jsonl` (ids `{plan.version}-001` ...)"
            lines += [f"{len(plan.errata)} correction(s) of released records are listed in {where}.", ""]
    else:
        lines += ["### Data", "", "First release:", ""]
        lines += [f"- {line}" for line in first_release_counts(plan.root)]
        lines.append("")
    lines += [f"Export checksums: `{RELEASES_DIR}/{plan.version}.sha256`."]
    return "\n".join(lines) + "\n"


def update_changelog(text: str, entry: str) -> str:
    """Put the entry under an emptied "Unreleased" heading: its notes moved into the entry."""
    if not text.strip():
        text = CHANGELOG_HEADER
    match = UNRELEASED_RE.search(text)
    if match is None:
        first = re.search(r"^## ", text, re.MULTILINE)
        at = first.start() if first else len(text)
        head = text[:at].rstrip("\n") + "\n\n## [Unreleased]\n\n"
        return head + entry + ("\n" + text[at:] if first else "")
    rest = text[match.end(1) :]
    return text[: match.start(1)] + "\n" + entry + ("\n" + rest if rest else "")


def first_release_counts(root: Path) -> list[str]:
    counts = stats.compute(root).to_json()
    docs = counts["documents"]
    lines = [f"documents: {docs['total']} (" + ", ".join(f"{s} {n}" for s, n in docs["by_split"].items()) + ")"]
    lines += [f"{name}: {layer['total']}" for name, layer in counts["layers"].items()]
    lines.append(f"entity_table: {counts['entity_table']['total']} entities")
    return lines


# --------------------------------------------------------------------------- the release


@dataclass
class Plan:
    root: Path
    version: str
    date: str
    out: Path
    previous_release: str | None
    result: CorpusDiff | None = None
    errata: list[dict] = field(default_factory=list)


def plan_release(root: Path, version: str, date: str | None = None, out: Path | None = None) -> Plan:
    """Every check that can refuse the release, and what it will do; writes nothing.

    The last release is found from ``releases/*.sha256`` and release tags alike, so a clone
    without tags knows it too.
    """
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise ReleaseError(f"--date {day!r} is not an ISO 8601 calendar date (YYYY-MM-DD)") from None
    new = parse_version(version)
    current = current_version(root)
    released = released_versions(root)
    if new <= parse_version(current):
        raise ReleaseError(f"version {version} is not greater than the current version {current} (scripts/newscorpus/version.py)")
    if released and new <= parse_version(released[-1]):
        raise ReleaseError(f"version {version} is not greater than the last release {released[-1]}")
    dirty = dirty_paths(root)
    if dirty:
        shown = ", ".join(dirty[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise ReleaseError(f"the git tree is not clean (commit or remove: {shown})")
    run_cli(root, "newscorpus validate (a release needs a corpus without errors)", "validate")
    previous = released[-1] if released else None
    plan = Plan(root, version, day, out or root / "dist" / f"{texts.DATASET_SLUG}-{version}", previous)
    if previous:
        try:
            plan.result = diff(root, previous, "HEAD")
        except DiffError as exc:
            raise ReleaseError(f"cannot diff against {previous}: {exc}") from exc
        plan.errata = errata_records(plan.result, version, previous, day, released_doc_ids(root, previous))
    return plan


def released_doc_ids(root: Path, version: str) -> set[str]:
    """Doc ids of the previous release's manifest: the documents whose records it published."""
    manifest = Layout(Path(".")).manifest_path.as_posix()
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    try:
        commit = release_commit(root, version)
    except GitError as exc:
        raise ReleaseError(str(exc)) from None
    text = git(root, "show", f"{commit}:{prefix}{manifest}")
    try:
        records = parse_records(text.encode("utf-8"), f"{manifest} of release {version}")
    except CorpusError as exc:
        raise ReleaseError(str(exc)) from None
    return {record[schema.DOCUMENT.id_field] for record in records}


def execute(plan: Plan) -> None:
    """Write, build, regenerate the docs and commit, then tag; a failure before the commit puts every file back."""
    root, version = plan.root, plan.version
    changelog = root / CHANGELOG
    saved: dict[Path, bytes | None] = {}  # each file the release writes, as it was before

    def remember(path: Path) -> Path:
        saved.setdefault(path, path.read_bytes() if path.is_file() else None)
        return path

    try:
        text = remember(root / VERSION_FILE).read_text(encoding="utf-8")
        atomic_write_text(root / VERSION_FILE, VERSION_LINE_RE.sub(f'CORPUS_VERSION = "{version}"', text, count=1))
        if plan.errata:
            append_errata(remember(Layout(root).errata_path), plan.errata)
        old_log = changelog.read_text(encoding="utf-8") if changelog.is_file() else ""
        match = UNRELEASED_RE.search(old_log)
        entry = changelog_entry(plan, match.group(1) if match else "")
        atomic_write_text(remember(changelog), update_changelog(old_log, entry))
        run_cli(root, "the export build", "build", "--out", str(plan.out))  # after the changelog: it dates the export
        sums = (plan.out / "SHA256SUMS").read_text(encoding="utf-8")
        atomic_write_text(remember(root / RELEASES_DIR / f"{version}.sha256"), sums)
        for rel in DOC_FILES:
            remember(root / rel)
        run_cli(root, "newscorpus docs", "docs")
        written = [str(p.relative_to(root)) for p in saved if p.exists()]
        git(root, "add", "--", *written)
        git(root, "commit", "-q", "-m", f"Release {version}", "--", *written)
    except BaseException:
        for path, data in saved.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write_bytes(path, data)
        with suppress(GitError):  # best effort: the files themselves are back already
            repo.git(root, "reset", "-q", "--", *[str(p.relative_to(root)) for p in saved])
        raise
    message = f"{texts.PRETTY_NAME} {version}\n\n" + "\n".join(summary_lines(plan.result) if plan.result else ["First release."])
    git(root, "tag", "-a", f"{TAG_PREFIX}{version}", "-m", message)


def release(root: Path, version: str, *, date: str | None = None, out: Path | None = None) -> Plan:
    """Refuse or cut the release; returns the executed plan."""
    plan = plan_release(root, version, date, out)
    execute(plan)
    return plan


# --------------------------------------------------------------------------- CLI


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("version", help="the new corpus version, X.Y.Z, greater than the current one")
    parser.add_argument("--date", default=None, help="release date for the changelog and errata (default: today)")
    parser.add_argument("--out", type=Path, default=None, help="export folder (default: dist/<dataset>-<version>)")
    parser.add_argument("--dry-run", action="store_true", help="run the checks and show the diff summary; write nothing")


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    try:
        plan = plan_release(root, args.version, args.date, args.out)
        if not args.dry_run:
            execute(plan)
    except ReleaseError as exc:
        print(f"newscorpus release: refused: {exc}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"would release {plan.version} (previous release: {plan.previous_release or 'none'}); export to {plan.out}")
        for line in summary_lines(plan.result) if plan.result else first_release_counts(root):
            print(f"  {line}")
        print(f"  errata to append: {len(plan.errata)}")
        return 0
    print(f"released {plan.version}: commit and tag {TAG_PREFIX}{plan.version}; export in {plan.out}")
    print(f"checksums in {RELEASES_DIR}/{plan.version}.sha256; push with `git push --follow-tags`")
    return 0
