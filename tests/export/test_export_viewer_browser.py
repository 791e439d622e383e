"""The document viewer in a real browser: Debian's chromium driven by Playwright (never `playwright install`).

Skipped with a message when chromium or the playwright package is missing, unless
NEWSCORPUS_REQUIRE_BROWSER=1, which makes a missing browser a failure.  Every page is
opened from file:// with every non-file request refused and recorded.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from newscorpus.export.viewer import DOC_DIR, INDEX_FILE, VIEWER_DIR

CHROMIUM = Path("/usr/bin/chromium")


def _browser_missing() -> str | None:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("NEWSCORPUS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"NEWSCORPUS_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


class Opened:
    def __init__(self, browser, path: Path):
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri())

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def attrs(self, selector: str, name: str) -> list[str]:
        return self.page.eval_on_selector_all(selector, f"els => els.map(e => e.getAttribute({name!r}))")


@pytest.fixture(scope="module")
def documents(loaded):
    return [row for ds in loaded["documents"].values() for row in ds]


@pytest.fixture(scope="module")
def pages(browser, export_dir, documents):
    opened = {row["doc_id"]: Opened(browser, export_dir / VIEWER_DIR / DOC_DIR / f"{row['doc_id']}.html") for row in documents}
    yield opened
    for o in opened.values():
        o.page.close()


def test_every_document_page_shows_its_text_without_errors_or_requests_outside(pages, documents):
    for row in documents:
        o = pages[row["doc_id"]]
        assert o.page.locator("#text").text_content() == row["text"], row["doc_id"]
        assert o.page.locator("#text").is_visible()
        assert (o.errors, o.outside) == ([], []), row["doc_id"]


def test_every_mention_figure_and_stance_id_is_in_its_page(pages, documents):
    for row in documents:
        o = pages[row["doc_id"]]
        assert sorted(set(o.attrs("#text [data-mention-id]", "data-mention-id"))) == sorted(m["mention_id"] for m in row["entities"])
        assert sorted(set(o.attrs("#text [data-figure-id]", "data-figure-id"))) == sorted(f["figure_id"] for f in row["figures"])
        assert o.attrs("tr[data-figure-id]", "data-figure-id") == [f["figure_id"] for f in row["figures"]]
        assert o.attrs("tr[data-stance-id]", "data-stance-id") == [s["stance_id"] for s in row["stances"]]
        entity_ids = {m["entity_id"] for m in row["entities"]} | {s["holder_entity_id"] for s in row["stances"]}
        assert entity_ids <= set(o.attrs("tr[data-entity-id]", "data-entity-id"))


def test_clicking_a_mention_shows_its_entity_and_every_other_mention_of_it(pages, documents):
    row = max(documents, key=lambda r: len(r["entities"]))
    chains: dict[str, list[str]] = {}
    for m in row["entities"]:
        chains.setdefault(m["entity_id"], []).append(m["mention_id"])
    entity_id, chain = max(chains.items(), key=lambda item: len(item[1]))
    assert len(chain) > 1
    o = pages[row["doc_id"]]
    o.page.locator(f'#text [data-mention-id="{chain[-1]}"]').first.click()
    assert o.page.locator("#panel-entity-id").text_content() == entity_id
    assert o.attrs("#panel-mentions [data-panel-mention]", "data-panel-mention") == chain
    assert sorted(set(o.attrs("#text .m.sel", "data-mention-id"))) == sorted(chain)
    assert o.errors == []


def test_clicking_a_stance_highlights_exactly_its_evidence(pages, documents):
    for row in documents:
        o = pages[row["doc_id"]]
        for stance in row["stances"][:5]:
            o.page.locator(f'tr[data-stance-id="{stance["stance_id"]}"]').click()
            highlighted = o.page.eval_on_selector_all("#text .s.ev-on", "els => els.map(e => e.textContent).join('')")
            assert highlighted == stance["evidence_text"], stance["stance_id"]
        assert o.errors == []


def test_the_index_links_every_document_and_lists_every_entity(browser, export_dir, documents, loaded):
    o = Opened(browser, export_dir / VIEWER_DIR / INDEX_FILE)
    assert o.attrs("#documents tr[data-doc-id]", "data-doc-id") == [row["doc_id"] for row in documents]
    entity_ids = {e for ds in loaded["entity_table"].values() for e in ds["entity_id"]}
    assert set(o.attrs("#entity-table tr[data-entity-id]", "data-entity-id")) == entity_ids
    o.page.locator("#documents a").first.click()
    o.page.wait_for_selector("#text")
    assert o.page.locator("#text").get_attribute("data-doc-id") == documents[0]["doc_id"]
    assert (o.errors, o.outside) == ([], [])
    o.page.close()
