"""Release date, agreement figures and citation: read from committed files, never from the clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscorpus import texts
from newscorpus.export.exporter import CARD_FILE, CROISSANT_FILE
from newscorpus.export.publication import AGREEMENT_FILE, Publication, agreement_statement, bibtex
from newscorpus.export import ExportError
from newscorpus.release import release_date

from .conftest import build, copy_root

CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2027-03-04\n\n- x\n\n## [1.1.0] - 2027-01-02\n"


def test_release_date_is_the_date_of_the_versions_changelog_heading(tmp_path: Path):
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    assert release_date(tmp_path, "1.1.0") == "2027-01-02"
    assert release_date(tmp_path, "1.2.0") == "2027-03-04"


def test_a_version_without_a_changelog_entry_has_no_release_date(tmp_path: Path):
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    assert release_date(tmp_path, "1.3.0") is None
    assert release_date(tmp_path / "nowhere", "1.1.0") is None


def test_bibtex_names_version_and_release_year():
    entry = bibtex(Publication("1.2.0", "2027-03-04", None))
    assert entry.splitlines()[0] == "@misc{india_russia_summit_news_v1_2_0,"
    assert "  version = {1.2.0}," in entry and "  year = {2027}," in entry and "  month = {3}," in entry


def test_bibtex_of_an_unreleased_version_has_no_year():
    assert "year" not in bibtex(Publication("1.2.0", None, None))


def test_an_agreement_file_that_is_not_an_agreement_result_is_refused_naming_the_file(tmp_path: Path):
    (tmp_path / AGREEMENT_FILE).parent.mkdir(parents=True)
    (tmp_path / AGREEMENT_FILE).write_text(json.dumps({"kappa": 0.7}), encoding="utf-8")
    with pytest.raises(ExportError, match="annotations/agreement.json: not an `agreement --between` result"):
        agreement_statement(tmp_path)


def test_no_agreement_file_means_no_agreement_statement(tmp_path: Path):
    assert agreement_statement(tmp_path) is None


@pytest.fixture(scope="module")
def agreement_export(tmp_path_factory, corpus_root):
    """The corpus with its agreement file and without CHANGELOG.md (so: an unreleased version)."""
    root = copy_root(corpus_root, tmp_path_factory.mktemp("agreement-root"))
    assert (root / AGREEMENT_FILE).is_file()
    out = tmp_path_factory.mktemp("agreement-export") / "export"
    assert build(root, out) == 0
    return out


def test_the_card_and_croissant_give_the_agreement_figures_and_what_they_are(agreement_export):
    card = (agreement_export / CARD_FILE).read_text(encoding="utf-8")
    assert texts.TEXTS["agreement_caveat"] in card and "polarity Cohen's kappa" in card
    assert texts.TEXTS["no_agreement"] not in card
    analysis = json.loads((agreement_export / CROISSANT_FILE).read_text(encoding="utf-8"))["rai:dataAnnotationAnalysis"]
    assert any(texts.TEXTS["agreement_caveat"] in item for item in analysis)


def test_an_unreleased_version_has_no_date_published_and_the_card_says_so(agreement_export):
    assert "datePublished" not in json.loads((agreement_export / CROISSANT_FILE).read_text(encoding="utf-8"))
    assert "not released yet" in (agreement_export / CARD_FILE).read_text(encoding="utf-8")
