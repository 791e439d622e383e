"""``newscorpus release X.Y.Z``: cut a versioned release of the corpus.

A release is a commit plus an annotated tag ``vX.Y.Z`` on a clean, valid tree.
In order, it

1. refuses unless X.Y.Z is greater than both the current version and the last
   release (found from ``releases/*.sha256`` and tags), the git tree is clean, and
   ``newscorpus validate`` finds no errors;
2. diffs the data against the previous release (``newscorpus diff``);
3. writes the version into ``scripts/newscorpus/version.py`` (the one place it lives);
4. appends the corrections of released records to ``annotations/errata.jsonl``;
5. moves the CHANGELOG's "Unreleased" notes under a dated ``[X.Y.Z]`` heading with
   the diff summary (before the build: the export's ``datePublished`` is that date);
6. builds the Hugging Face export (``newscorpus build``) and
   records its checksums in ``releases/X.Y.Z.sha256``;
7. regenerates the generated doc blocks (version, errata);
8. commits those files and creates the annotated tag.

The validator, the export build and the docs run in a child Python whose
import path starts with the root's own ``scripts/`` folder, so a release built
from a clone uses that clone's code and its freshly written version -- not
whatever copy of the package happens to be installed.  If any step fails
before the commit, every file the release wrote is put back as it was.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import schema, texts
from .diff import CorpusDiff, DiffError, diff, summary_lines
from .corpus import Layout, atomic_write_bytes, atomic_write_text, canonical_record
from .repo import RELEASES_DIR, TAG_PREFIX, GitError, release_commit, released_versions
from . import repo

VERSION_LINE_RE = re.compile(r'^CORPUS_VERSION = "([^"]*)"$', re.MULTILINE)
CHANGELOG = "CHANGELOG.md"
UNRELEASED_RE = re.compile(r"^## \[Unreleased\][^\n]*\n", re.MULTILINE)
ERRATA_LAYERS = (schema.ENTITY, *schema.ANNOTATION_LAYERS)
"""Layers whose corrections are errata; the manifest describes documents, it is not annotation."""


class ReleaseError(Exception):
    """Why a release was refused or failed; nothing was committed or tagged."""


# --------------------------------------------------------------------------- paths and versions


def version_file(root: Path) -> Path:
    return root / "scripts" / "newscorpus" / "version.py"


def parse_version(text: str) -> tuple[int, int, int]:
    try:
        return repo.version_key(text)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None


def current_version(root: Path) -> str:
    path = version_file(root)
    if not path.is_file():
        raise ReleaseError(f"{path}: no version file (is {root} the repository root?)")
    match = VERSION_LINE_RE.search(path.read_text(encoding="utf-8"))
    if not match:
        raise ReleaseError(f"{path}: no line `CORPUS_VERSION = \"X.Y.Z\"`")
    return match.group(1)


def write_version(root: Path, version: str) -> None:
    path = version_file(root)
    text = path.read_text(encoding="utf-8")
    atomic_write_text(path, VERSION_LINE_RE.sub(f'CORPUS_VERSION = "{version}"', text, count=1))


# --------------------------------------------------------------------------- git


def git(root: Path, *args: str) -> str:
    try:
        return repo.git(root, *args)
    except GitError as exc:
        raise ReleaseError(str(exc)) from None


def dirty_paths(root: Path) -> list[str]:
    """Modified, staged and untracked (not ignored) paths: any of them would make the tag lie."""
    return [line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=all").splitlines() if line]


# --------------------------------------------------------------------------- child processes


def _child_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    scripts = root / "scripts"
    if (scripts / "newscorpus").is_dir():
        env["PYTHONPATH"] = os.pathsep.join([str(scripts), *filter(None, [env.get("PYTHONPATH")])])
    return env


def run_child(root: Path, what: str, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=_child_env(root), cwd=root)
    if proc.returncode != 0:
        output = "\n".join(s for s in (proc.stdout.strip(), proc.stderr.strip()) if s)
        tail = "\n".join(output.splitlines()[-30:])
        raise ReleaseError(f"{what} failed (exit {proc.returncode}):\n{tail}")
    return proc


CLI_CODE = "import sys; from newscorpus.cli import main; sys.exit(main(sys.argv[1:]))"


def validate(root: Path) -> None:
    run_child(root, "newscorpus validate (a release needs a corpus without errors)", CLI_CODE, "--root", str(root), "validate")


def build(root: Path, out: Path) -> None:
    run_child(root, "the export build", CLI_CODE, "--root", str(root), "build", "--out", str(out))


def regenerate_docs(root: Path) -> None:
    run_child(root, "newscorpus docs", CLI_CODE, "--root", str(root), "docs")


# --------------------------------------------------------------------------- checksums


def export_checksums(out: Path) -> str:
    """The export's SHA256SUMS, or the same format computed here when the export has none."""
    sums = out / "SHA256SUMS"
    if sums.is_file():
        return sums.read_text(encoding="utf-8")
    lines = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(out).as_posix()}\n")
    return "".join(lines)


# --------------------------------------------------------------------------- errata


def _existing_erratum_count(path: Path, version: str) -> int:
    if not path.is_file():
        return 0
    prefix = f"{version}-"
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if f'"erratum_id": "{prefix}' in line)


def errata_records(result: CorpusDiff, version: str, previous: str, date: str, released_docs: set[str]) -> list[dict]:
    """Corrections of records the previous release published; additions to new documents are not errata."""
    fix_added, fix_removed, fix_changed = schema.FIX_TYPES.names
    records: list[dict] = []

    def add(layer: str, doc_id: str, record_id: str, fix: str, fields: list[str], description: str) -> None:
        records.append(
            {
                "erratum_id": f"{version}-{len(records) + 1:03d}",
                "version": version,
                "previous_version": previous,
                "date": date,
                "layer": layer,
                "doc_id": doc_id or None,
                "record_id": record_id,
                "fix_type": fix,
                "fields": fields,
                "description": description,
            }
        )

    for shape in ERRATA_LAYERS:
        layer = next((entry for entry in result.layers if entry.layer == shape.name), None)
        if layer is None:
            continue
        for doc_id, rid in layer.added:
            if not doc_id or doc_id in released_docs:
                add(shape.name, doc_id, rid, fix_added, [], "record added")
        for doc_id, rid in layer.removed:
            add(shape.name, doc_id, rid, fix_removed, [], "record removed")
        for change in layer.changed:
            words = "; ".join(
                f"{name}: {json.dumps(old, ensure_ascii=False)} -> {json.dumps(new, ensure_ascii=False)}"
                for name, (old, new) in change.fields.items()
            )
            add(shape.name, change.doc_id, change.record_id, fix_changed, list(change.fields), words)
    return records


def append_errata(path: Path, records: list[dict]) -> None:
    """Append-only: earlier errata are never rewritten, so their ids stay valid citations."""
    if not records:
        return
    old = path.read_bytes() if path.is_file() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    new = "".join(json.dumps(canonical_record(schema.ERRATUM, r), ensure_ascii=False) + "\n" for r in records)
    atomic_write_bytes(path, old + new.encode("utf-8"))


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


def changelog_entry(version: str, date: str, previous_release: str | None, result: CorpusDiff | None, first_counts: list[str], notes: str, errata_count: int) -> str:
    lines = [changelog_heading(version, date), ""]
    if notes.strip():
        lines += [notes.strip(), ""]
    if previous_release and result is not None:
        lines += [f"### Data changes since {previous_release}", ""]
        lines += [f"- {line}" for line in summary_lines(result)]
        lines.append("")
        if errata_count:
            lines += [f"{errata_count} correction(s) of released records are listed in `annotations/errata.jsonl` (ids `{version}-001` ...).", ""]
    else:
        lines += ["### Data", "", "First release:", ""]
        lines += [f"- {line}" for line in first_counts]
        lines.append("")
    lines += [f"Export checksums: `{RELEASES_DIR}/{version}.sha256`."]
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
    nxt = re.search(r"^## ", text[match.end() :], re.MULTILINE)
    rest = text[match.end() + nxt.start() :] if nxt else ""
    return text[: match.end()] + "\n" + entry + ("\n" + rest if rest else "")


def unreleased_notes(text: str) -> str:
    match = UNRELEASED_RE.search(text)
    if match is None:
        return ""
    nxt = re.search(r"^## ", text[match.end() :], re.MULTILINE)
    return text[match.end() : match.end() + nxt.start() if nxt else len(text)].strip()


def first_release_counts(root: Path) -> list[str]:
    from . import stats

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
    result: CorpusDiff | None
    errata: list[dict] = field(default_factory=list)


class Restorer:
    """Remembers each file before the release writes it, to put everything back on failure."""

    def __init__(self) -> None:
        self.saved: dict[Path, bytes | None] = {}

    def remember(self, path: Path) -> Path:
        if path not in self.saved:
            self.saved[path] = path.read_bytes() if path.is_file() else None
        return path

    def restore(self) -> None:
        for path, data in self.saved.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write_bytes(path, data)


def check_preconditions(root: Path, version: str) -> str | None:
    """Refuse early, before anything is written; returns the commit of the last release, if any.

    The last release is found from ``releases/*.sha256`` and release tags alike, so a clone
    without tags knows it too.
    """
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
    return released[-1] if released else None


def plan_release(root: Path, version: str, date: str, out: Path) -> Plan:
    previous_release = check_preconditions(root, version)
    validate(root)
    result = None
    errata: list[dict] = []
    if previous_release:
        try:
            result = diff(root, previous_release, "HEAD")
        except DiffError as exc:
            raise ReleaseError(f"cannot diff against {previous_release}: {exc}") from exc
        released = released_doc_ids(root, previous_release)
        errata = errata_records(result, version, previous_release, date, released)
    return Plan(root, version, date, out, previous_release, result, errata)


def released_doc_ids(root: Path, version: str) -> set[str]:
    """Doc ids of the previous release's manifest: the documents whose records it published."""
    manifest = Layout(Path(".")).manifest_path.as_posix()
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    try:
        commit = release_commit(root, version)
    except GitError as exc:
        raise ReleaseError(str(exc)) from None
    text = git(root, "show", f"{commit}:{prefix}{manifest}")
    return {json.loads(line)["doc_id"] for line in text.splitlines() if line.strip()}


def execute(plan: Plan) -> None:
    root, version = plan.root, plan.version
    layout = Layout(root)
    changelog_path = root / CHANGELOG
    sums_path = root / RELEASES_DIR / f"{version}.sha256"
    restorer = Restorer()
    try:
        restorer.remember(version_file(root))
        write_version(root, version)
        if plan.errata:
            append_errata(restorer.remember(layout.errata_path), plan.errata)
        old_log = changelog_path.read_text(encoding="utf-8") if changelog_path.is_file() else ""
        counts = [] if plan.previous_release else first_release_counts(root)
        entry = changelog_entry(version, plan.date, plan.previous_release, plan.result, counts, unreleased_notes(old_log), len(plan.errata))
        atomic_write_text(restorer.remember(changelog_path), update_changelog(old_log, entry))
        build(root, plan.out)  # after the changelog entry: the export's datePublished is read from it
        atomic_write_text(restorer.remember(sums_path), export_checksums(plan.out))
        doc_files = [root / rel for rel in _doc_files()]
        for path in doc_files:
            restorer.remember(path)
        regenerate_docs(root)
        rel = [str(p.relative_to(root)) for p in restorer.saved if p.exists()]
        git(root, "add", "--", *rel)
        git(root, "commit", "-q", "-m", f"Release {version}", "--", *rel)
    except BaseException:
        restorer.restore()
        subprocess.run(["git", "-C", str(root), "reset", "-q", "--", *[str(p.relative_to(root)) for p in restorer.saved]], capture_output=True)
        raise
    message = f"{texts.PRETTY_NAME} {version}\n\n" + "\n".join(summary_lines(plan.result) if plan.result else ["First release."])
    git(root, "tag", "-a", f"{TAG_PREFIX}{version}", "-m", message)


def _doc_files() -> tuple[str, ...]:
    from .docs import DOC_FILES

    return DOC_FILES


def default_out(root: Path, version: str) -> Path:
    return root / "dist" / f"{texts.DATASET_SLUG}-{version}"


def release(root: Path, version: str, *, date: str | None = None, out: Path | None = None) -> Plan:
    """Refuse or cut the release; returns the executed plan."""
    day = date or dt.date.today().isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise ReleaseError(f"--date {day!r} is not an ISO 8601 calendar date (YYYY-MM-DD)") from None
    plan = plan_release(root, version, day, out or default_out(root, version))
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
        if args.dry_run:
            plan = plan_release(root, args.version, args.date or dt.date.today().isoformat(), args.out or default_out(root, args.version))
            print(f"would release {args.version} (previous release: {plan.previous_release or 'none'}); export to {plan.out}")
            for line in summary_lines(plan.result) if plan.result else first_release_counts(root):
                print(f"  {line}")
            print(f"  errata to append: {len(plan.errata)}")
            return 0
        plan = release(root, args.version, date=args.date, out=args.out)
    except ReleaseError as exc:
        print(f"newscorpus release: refused: {exc}", file=sys.stderr)
        return 1
    print(f"released {plan.version}: commit and tag {TAG_PREFIX}{plan.version}; export in {plan.out}")
    print(f"checksums in {RELEASES_DIR}/{plan.version}.sha256; push with `git push --follow-tags`")
    return 0
