"""`newscorpus release`: end to end on a fixture git repository (no network).

Two releases are cut once per module (each runs the validator and the export
build in a child Python, a few seconds each) and several tests read them.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from newscorpus import release, schema

DAY_1, DAY_2 = "2026-01-01", "2026-02-01"


def _git(fx, root: Path, *args: str) -> str:
    return fx.git(root, *args)


def _correct_two_records(root: Path, fx) -> None:
    figures = root / "annotations" / "figures" / "d1.jsonl"
    fx.write_jsonl(figures, [{**r, "measured": "length of the visit"} for r in fx.read_jsonl(figures)])
    stances = root / "annotations" / "stances" / "d1.jsonl"
    fx.write_jsonl(stances, [{**r, "polarity": "neutral"} for r in fx.read_jsonl(stances)])
    fx.commit_all(root, "correct a figure and a stance")


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory, fx) -> SimpleNamespace:
    """Release 1.0.0, keep a copy of the repository as it is then, correct two records, release 1.1.0."""
    base = tmp_path_factory.mktemp("releases")
    root = fx.make_release_repo(base / "repo")
    out = base / "export-1.0.0"
    release.release(root, "1.0.0", date=DAY_1, out=out)
    first_root = base / "after-1.0.0"
    shutil.copytree(root, first_root)
    _correct_two_records(root, fx)
    release.release(root, "1.1.0", date=DAY_2, out=base / "export-1.1.0")
    return SimpleNamespace(first=SimpleNamespace(root=first_root, out=out), second=SimpleNamespace(root=root))


@pytest.fixture
def first(releases: SimpleNamespace) -> SimpleNamespace:
    return releases.first


@pytest.fixture
def second(releases: SimpleNamespace) -> SimpleNamespace:
    return releases.second


# --------------------------------------------------------------------------- a first release


def test_a_release_creates_an_annotated_tag_on_the_release_commit(first, fx) -> None:
    assert _git(fx, first.root, "cat-file", "-t", "v1.0.0").strip() == "tag"
    assert _git(fx, first.root, "rev-parse", "v1.0.0^{commit}") == _git(fx, first.root, "rev-parse", "HEAD")


def test_the_release_commit_writes_the_version_file(first, fx) -> None:
    assert 'CORPUS_VERSION = "1.0.0"' in _git(fx, first.root, "show", "v1.0.0:scripts/newscorpus/version.py")


def test_the_export_is_built_with_the_new_version(first) -> None:
    assert "Corpus version **1.0.0**" in (first.out / "README.md").read_text(encoding="utf-8")


def test_the_export_is_dated_by_the_releases_changelog_entry(first) -> None:
    import json

    assert json.loads((first.out / "croissant.json").read_text(encoding="utf-8"))["datePublished"] == DAY_1
    assert f"Corpus version **1.0.0**, released {DAY_1}" in (first.out / "README.md").read_text(encoding="utf-8")


def test_the_exports_checksums_are_committed_under_releases(first, fx) -> None:
    assert _git(fx, first.root, "show", "v1.0.0:releases/1.0.0.sha256") == (first.out / "SHA256SUMS").read_text(encoding="utf-8")


def test_the_changelog_entry_is_dated_and_takes_over_the_unreleased_notes(first) -> None:
    text = (first.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- The fixture corpus.\n")


def test_a_first_release_lists_its_counts_in_the_changelog(first) -> None:
    text = (first.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "First release:\n\n- documents: 2 (train 1, test 1)\n- entities: 7\n- figures: 1\n" in text


def test_a_release_regenerates_the_generated_docs(first) -> None:
    assert "Corpus version: **1.0.0**" in (first.root / "DATASHEET.md").read_text(encoding="utf-8")


def test_a_first_release_has_no_errata(first) -> None:
    assert not (first.root / "annotations" / "errata.jsonl").exists()


def test_the_tree_is_clean_after_a_release(first) -> None:
    assert release.dirty_paths(first.root) == []


# --------------------------------------------------------------------------- a second release


def test_errata_record_each_correction_of_a_released_record(second, fx) -> None:
    errata = fx.read_jsonl(second.root / "annotations" / "errata.jsonl")
    assert [(e["erratum_id"], e["layer"], e["doc_id"], e["record_id"], e["fix_type"], e["fields"]) for e in errata] == [
        ("1.1.0-001", "figures", "d1", "f-001", "changed", ["measured"]),
        ("1.1.0-002", "stances", "d1", "s-001", "changed", ["polarity"]),
    ]


def test_an_erratum_names_both_versions_and_the_date(second, fx) -> None:
    erratum = fx.read_jsonl(second.root / "annotations" / "errata.jsonl")[1]
    assert (erratum["version"], erratum["previous_version"], erratum["date"], erratum["description"]) == (
        "1.1.0", "1.0.0", DAY_2, 'polarity: "favor" -> "neutral"'
    )


def test_errata_records_have_the_schema_fields_in_order(second, fx) -> None:
    assert all(list(e) == schema.ERRATUM.field_names for e in fx.read_jsonl(second.root / "annotations" / "errata.jsonl"))


def test_the_second_changelog_entry_quotes_the_diff_since_the_previous_tag(second) -> None:
    text = (second.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (
        "## [1.1.0] - 2026-02-01\n\n### Data changes since 1.0.0\n\n"
        "- manifest: 0 added, 0 removed, 0 changed (2 -> 2 records)\n"
        "- entity_table: 0 added, 0 removed, 0 changed (4 -> 4 records)\n"
        "- entities: 0 added, 0 removed, 0 changed (7 -> 7 records)\n"
        "- figures: 0 added, 0 removed, 1 changed (1 -> 1 records)\n"
        "- stances: 0 added, 0 removed, 1 changed (1 -> 1 records)\n"
    ) in text


def test_older_changelog_entries_are_kept_below_the_new_one(second) -> None:
    text = (second.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.index("## [1.1.0]") < text.index("## [1.0.0]")


def test_the_datasheet_lists_the_errata_after_a_correcting_release(second) -> None:
    assert "| 1.1.0-002 | 1.1.0 | stances | d1 | s-001 | changed |" in (second.root / "DATASHEET.md").read_text(encoding="utf-8")


def test_both_release_tags_exist(second, fx) -> None:
    assert _git(fx, second.root, "tag", "--list").split() == ["v1.0.0", "v1.1.0"]


# --------------------------------------------------------------------------- refusals


def _refused(root: Path, version: str, match: str) -> None:
    with pytest.raises(release.ReleaseError, match=match):
        release.release(root, version, date=DAY_1, out=root.parent / "out")


def test_a_version_not_greater_than_the_current_one_is_refused(release_repo: Path) -> None:
    _refused(release_repo, "0.1.0", r"version 0\.1\.0 is not greater than the current version 0\.1\.0")


def test_a_version_not_greater_than_the_last_release_tag_is_refused(release_repo: Path, fx) -> None:
    fx.git(release_repo, "tag", "v2.0.0")
    _refused(release_repo, "1.5.0", r"not greater than the last release 2\.0\.0")


def test_a_malformed_version_is_refused(release_repo: Path) -> None:
    _refused(release_repo, "1.0", r"'1\.0' is not a version of the form X\.Y\.Z")


def test_a_modified_file_is_refused_by_name(release_repo: Path) -> None:
    (release_repo / "CHANGELOG.md").write_text("edited\n", encoding="utf-8")
    _refused(release_repo, "1.0.0", r"the git tree is not clean \(commit or remove: CHANGELOG\.md\)")


def test_an_untracked_file_is_refused_by_name(release_repo: Path) -> None:
    (release_repo / "annotations" / "figures" / "d2.jsonl").write_text("", encoding="utf-8")
    _refused(release_repo, "1.0.0", r"annotations/figures/d2\.jsonl")


def test_validator_errors_refuse_the_release_and_show_the_findings(release_repo: Path, fx) -> None:
    path = release_repo / "annotations" / "entities" / "d2.jsonl"
    fx.write_jsonl(path, [{**r, "text": "Modi"} if r["mention_id"] == "m-001" else r for r in fx.read_jsonl(path)])
    fx.commit_all(release_repo, "a broken span")
    _refused(release_repo, "1.0.0", r"(?s)newscorpus validate .* failed.*annotations/entities/d2\.jsonl")


def test_a_refused_release_writes_and_tags_nothing(release_repo: Path, fx) -> None:
    (release_repo / "CHANGELOG.md").write_text("edited\n", encoding="utf-8")
    with pytest.raises(release.ReleaseError):
        release.release(release_repo, "1.0.0", date=DAY_1, out=release_repo.parent / "out")
    assert (release.current_version(release_repo), fx.git(release_repo, "tag", "--list")) == ("0.1.0", "")


def test_a_failed_build_puts_back_every_file_the_release_wrote(release_repo: Path, fx) -> None:
    with pytest.raises(release.ReleaseError, match="the export build failed"):
        release.release(release_repo, "1.0.0", date=DAY_1, out=release_repo / "CHANGELOG.md" / "out")
    assert (release.dirty_paths(release_repo), fx.git(release_repo, "tag", "--list")) == ([], "")


def test_an_invalid_date_is_refused(release_repo: Path) -> None:
    with pytest.raises(release.ReleaseError, match="not an ISO 8601 calendar date"):
        release.release(release_repo, "1.0.0", date="01/02/2026", out=release_repo.parent / "out")


def test_the_cli_exits_1_with_the_reason(release_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = argparse.Namespace(root=release_repo, version="0.0.1", date=None, out=None, dry_run=False)
    assert release.run(args) == 1
    assert "newscorpus release: refused: version 0.0.1 is not greater" in capsys.readouterr().err


def test_a_dry_run_reports_the_plan_and_writes_nothing(release_repo: Path, capsys: pytest.CaptureFixture[str], fx) -> None:
    args = argparse.Namespace(root=release_repo, version="1.0.0", date=DAY_1, out=None, dry_run=True)
    assert release.run(args) == 0
    assert "would release 1.0.0 (previous release: none)" in capsys.readouterr().out
    assert (release.dirty_paths(release_repo), fx.git(release_repo, "tag", "--list")) == ([], "")


# --------------------------------------------------------------------------- pieces


def test_the_changelog_gains_an_unreleased_heading_when_it_has_none() -> None:
    assert release.update_changelog("# Changelog\n\n## [0.9.0] - 2025-01-01\n\nOld.\n", "## [1.0.0] - 2026-01-01\n\nNew.\n") == (
        "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\nNew.\n\n## [0.9.0] - 2025-01-01\n\nOld.\n"
    )


def test_records_added_to_a_new_document_are_not_errata(git_root: Path, fx) -> None:
    from newscorpus import diff

    entities = git_root / "annotations" / "entities"
    fx.write_jsonl(entities / "d3.jsonl", fx.read_jsonl(entities / "d1.jsonl")[:1])
    fx.write_jsonl(entities / "d2.jsonl", [*fx.read_jsonl(entities / "d2.jsonl"), {**fx.read_jsonl(entities / "d2.jsonl")[0], "mention_id": "m-009"}])
    fx.commit_all(git_root, "additions")
    result = diff.diff(git_root, "HEAD~1", "HEAD")
    errata = release.errata_records(result, "1.1.0", "1.0.0", DAY_2, released_docs={"d1", "d2"})
    assert [(e["doc_id"], e["record_id"], e["fix_type"]) for e in errata] == [("d2", "m-009", "added")]


# --------------------------------------------------------------------------- clones without tags


@pytest.fixture(scope="module")
def untagged(tmp_path_factory: pytest.TempPathFactory, fx) -> SimpleNamespace:
    """Release 1.0.0, drop its tag (as a clone or mirror without tags has none), correct two records, release 1.1.0."""
    base = tmp_path_factory.mktemp("untagged")
    root = fx.make_release_repo(base / "repo")
    release.release(root, "1.0.0", date=DAY_1, out=base / "export-1.0.0")
    fx.git(root, "tag", "-d", "v1.0.0")
    _correct_two_records(root, fx)
    release.release(root, "1.1.0", date=DAY_2, out=base / "export-1.1.0")
    return SimpleNamespace(root=root)


def test_without_tags_the_last_release_is_found_from_its_checksum_file(untagged) -> None:
    changelog = (untagged.root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [1.1.0] - 2026-02-01\n\n### Data changes since 1.0.0\n\n" in changelog
    assert "- figures: 0 added, 0 removed, 1 changed (1 -> 1 records)" in changelog


def test_without_tags_a_version_not_greater_than_the_last_release_is_refused(untagged, fx) -> None:
    fx.git(untagged.root, "tag", "-d", "v1.1.0")
    _refused(untagged.root, "1.0.5", r"not greater than the current version 1\.1\.0")
    assert release.released_versions(untagged.root) == ["1.0.0", "1.1.0"]


def test_without_tags_diff_takes_release_versions(untagged, capsys: pytest.CaptureFixture[str]) -> None:
    from newscorpus.cli import main

    assert main(["--root", str(untagged.root), "diff", "1.0.0", "1.1.0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("newscorpus diff 1.0.0 1.1.0\n")
    assert '~ d1/f-001: measured: "length of Putin\'s visit to India" -> "length of the visit"' in out
