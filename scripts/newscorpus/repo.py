"""The git repository that holds a corpus root: the one git runner, and where each release is.

A release ``X.Y.Z`` is recorded twice: the annotated tag ``vX.Y.Z`` and the file
``releases/X.Y.Z.sha256`` that the release commit adds.  Tags are often missing in
clones and mirrors, so releases are found from the files: the versions are the
``releases/*.sha256`` in a revision's tree, and a version's commit is the tag when
there is one, otherwise the commit that added its checksum file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
TAG_PREFIX = "v"
RELEASES_DIR = "releases"


class GitError(Exception):
    """A git command failed; the message names the command and what git said."""


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)} failed in {root}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def version_key(version: str) -> tuple[int, int, int]:
    match = VERSION_RE.match(version)
    if not match:
        raise ValueError(f"{version!r} is not a version of the form X.Y.Z (e.g. 1.0.0)")
    return (int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _releases_path(root: Path) -> str:
    """The releases folder as git names it from the repository's top (the root may be a sub-folder)."""
    return git(root, "rev-parse", "--show-prefix").strip() + RELEASES_DIR


def released_versions(root: Path) -> list[str]:
    """Versions with a checksum file in HEAD's tree, plus release tags; oldest first."""
    releases = _releases_path(root)
    files = git(root, "ls-tree", "--name-only", f"HEAD:{releases}").split() if has_path(root, "HEAD", releases) else []
    tags = git(root, "tag", "--list", f"{TAG_PREFIX}*").split()
    found = {name.removesuffix(".sha256") for name in files if name.endswith(".sha256")}
    found |= {tag.removeprefix(TAG_PREFIX) for tag in tags}
    return sorted((v for v in found if VERSION_RE.match(v)), key=version_key)


def has_path(root: Path, rev: str, path: str) -> bool:
    """Whether ``path`` (from the repository's top) exists in revision ``rev``."""
    return subprocess.run(["git", "-C", str(root), "cat-file", "-e", f"{rev}:{path}"], capture_output=True).returncode == 0


def release_commit(root: Path, version: str) -> str:
    """The commit of release ``version``: its tag, or the commit that added its checksum file."""
    tag = f"{TAG_PREFIX}{version}"
    if git(root, "tag", "--list", tag).strip():
        return git(root, "rev-parse", f"{tag}^{{commit}}").strip()
    path = f"{_releases_path(root)}/{version}.sha256"
    commit = git(root, "log", "--diff-filter=A", "--format=%H", "-1", "HEAD", "--", f":(top){path}").strip()
    if not commit:
        raise GitError(f"no release {version}: no tag {tag} and no commit that added {path}")
    return commit
