"""Label Studio's own web editor in a real Chromium: every task renders, and an annotator's work in it
pulls back as exactly the records they made.

Needs Debian's ``chromium`` (/usr/bin/chromium) and the ``playwright`` package; the browser is
launched from its path (never ``playwright install``).  Without them these tests skip, unless
NEWSCORPUS_REQUIRE_BROWSER=1 (set by .ci/run), which makes them fail.  Screenshots: one per task as
it opens and one at any failure, in $NEWSCORPUS_SCREENSHOTS (default: a pytest temp folder).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from newscorpus import schema
from newscorpus.corpus import load_corpus
from newscorpus.labelstudio.client import find_project
from newscorpus.validate import validate_root


def _load_editor():
    """tests/labelstudio/editor.py (the suite imports test files by path, so siblings are loaded the same way)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ls_editor", Path(__file__).with_name("editor.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


editor = _load_editor()
FIXTURE_ROOT = Path(__file__).parent / "fixture_root"
REPO_ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]

REQUIRE_ENV = "NEWSCORPUS_REQUIRE_BROWSER"
SHOTS_ENV = "NEWSCORPUS_SCREENSHOTS"
INSTALL_HINT = "install Debian's chromium (apt-get update && apt-get install -y chromium) and `pip install playwright`"
ADDED_SENTENCE = " Modi met Sergey Lavrov for three hours."


def _missing_browser() -> str | None:
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if chromium is None:
        return "no chromium on PATH"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    problem = _missing_browser()
    if problem is not None:
        message = f"browser tests need a browser: {problem}; {INSTALL_HINT}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{message} ({REQUIRE_ENV}=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                              headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get(SHOTS_ENV) or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def open_page(browser, shots: Path, request: pytest.FixtureRequest):
    """New pages in fresh browser contexts (one per user); page errors are collected, and every page is
    photographed if the test fails."""
    pages = []

    def new_page():
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(60_000)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        pages.append(page)
        return page

    yield new_page
    report = getattr(request.node, "rep_call", None)
    for number, page in enumerate(pages):
        if report is not None and report.failed:
            page.screenshot(path=str(shots / f"FAILED-{request.node.name}-{number}.png"), full_page=True)
        page.context.close()


def _copy_root(source: Path, dest: Path) -> Path:
    for folder in ("corpus", "annotations"):
        shutil.copytree(source / folder, dest / folder)
    return dest


def _task_ids(sdk, title: str) -> tuple[int, dict[str, int]]:
    project = find_project(sdk, title)
    return int(project.id), {t.data["doc_id"]: int(t.id) for t in sdk.tasks.list(project=project.id)}


def _files(root: Path) -> dict[str, bytes]:
    folder = root / "annotations"
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _records(path: Path) -> dict[str, dict]:
    return {next(iter(r.values())): r for r in (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())}


# --------------------------------------------------------------------------- every task renders


def test_every_task_opens_with_its_regions_drawn_the_text_clear_and_no_page_error(
        ls_env, run, sdk, open_page, shots, tmp_path):
    """... and submitting every task unchanged pulls back byte-identical files (the round trip is lossless)."""
    page = open_page()
    editor.login(page, ls_env.url, ls_env.username, ls_env.password)
    for name, source in (("corpus", REPO_ROOT), ("fixture", FIXTURE_ROOT)):
        root = _copy_root(source, tmp_path / name)
        before = _files(root)
        title = f"browser {name} {secrets.token_hex(3)}"
        assert run(root, "ls", "push", "--title", title) == 0
        project_id, tasks = _task_ids(sdk, title)
        corpus = load_corpus(root)
        for doc_id, task_id in sorted(tasks.items()):
            editor.open_task(page, ls_env.url, project_id, task_id)
            page.screenshot(path=str(shots / f"{name}-{doc_id}.png"))
            expected = {r[shape.id_field] for shape in schema.ANNOTATION_LAYERS for r in corpus.records(shape, doc_id)}
            assert editor.region_ids(page) == expected, doc_id
            assert page.errors == [], doc_id
            assert "undefined" not in page.inner_text("body"), doc_id
            assert page.locator("[class*=relationItem]").count() == 0, doc_id  # nothing drawn over the text
            assert page.locator("h4:visible").count() == 0, doc_id  # field panels wait for a selected region
            editor.submit(page)
        assert run(root, "ls", "pull", "--title", title, "--write") == 0
        assert _files(root) == before, name


# --------------------------------------------------------------------------- an annotator's work comes back


@pytest.fixture
def review_root(tmp_path: Path) -> Path:
    """The fixture corpus with one more sentence in ls-002, not yet annotated."""
    root = _copy_root(FIXTURE_ROOT, tmp_path / "root")
    text_path = root / "corpus" / "ls-002.txt"
    text = text_path.read_text(encoding="utf-8")
    text_path.write_text(text[:-1] + ADDED_SENTENCE + "\n", encoding="utf-8")
    manifest = root / "corpus" / "manifest.jsonl"
    docs = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()]
    for doc in docs:
        if doc["doc_id"] == "ls-002":
            doc["text_sha256"] = hashlib.sha256(text_path.read_bytes()).hexdigest()
    manifest.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return root


def test_an_annotators_work_in_the_editor_pulls_as_exactly_the_records_they_made(
        ls_env, run, sdk, open_page, review_root, title, capsys):
    root = review_root
    before = _files(root)
    assert run(root, "ls", "push", "--title", title) == 0
    project_id, tasks = _task_ids(sdk, title)
    page = open_page()
    editor.login(page, ls_env.url, ls_env.username, ls_env.password)
    editor.open_task(page, ls_env.url, project_id, tasks["ls-002"])
    modi = "Narendra Modi (PERSON, narendra-modi)"

    editor.add_mention(page, "PERSON", "Sergey Lavrov", new_id="sergey-lavrov")  # an entity the list does not have
    editor.add_mention(page, "PERSON", "Modi", entity=modi, nth=1)  # one it has
    editor.label_span(page, "DURATION", "three hours")
    editor.type_into(page, "value", "3")
    editor.type_into(page, "unit", "hour")
    editor.type_into(page, "normalized", "PT3H")
    editor.pick_radio(page, "approximate", "false")
    editor.type_into(page, "measured", "length of the meeting")
    editor.pick_from_list(page, "measured_entity_ids", modi)
    editor.label_span(page, "stance evidence", "Modi met Sergey Lavrov")
    editor.pick_from_list(page, "holder_entity_id", modi)
    editor.pick_radio(page, "polarity", "favor")
    editor.pick_radio(page, "target", "india_russia_partnership")
    editor.pick_radio(page, "attribution", "action")
    editor.delete_region(page, "s-002", "imposed a 25%")
    editor.submit(page)
    assert page.errors == []

    capsys.readouterr()
    assert run(root, "ls", "pull", "--title", title, "--write") == 0
    diff = sorted(line for line in capsys.readouterr().out.splitlines() if line[:2] in ("+ ", "- ", "~ "))
    assert diff == sorted([
        '+ entities ls-002 m-006 "Modi"',
        '+ entities ls-002 m-007 "Sergey Lavrov"',
        '+ figures ls-002 f-002 "three hours"',
        '+ stances ls-002 s-003 "Modi met Sergey Lavrov"',
        '- stances ls-002 s-002 "imposed a 25% tariff on India"',
        '+ entity_table sergey-lavrov "Sergey Lavrov" PERSON',
    ])
    assert [f for f in validate_root(root) if f.severity == "error"] == []
    after = _files(root)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == {"entities/ls-002.jsonl", "figures/ls-002.jsonl", "stances/ls-002.jsonl", "entity_table.jsonl"}

    text = (root / "corpus" / "ls-002.txt").read_text(encoding="utf-8")
    start = text.index(ADDED_SENTENCE) + 1
    provenance = {"annotator": ls_env.username, "method": schema.LABELSTUDIO_METHOD}
    mentions = _records(root / "annotations" / "entities" / "ls-002.jsonl")
    assert mentions["m-006"] == {"mention_id": "m-006", "start": start, "end": start + 4, "text": "Modi", "label": "PERSON",
                                 "mention_type": "NAM", "entity_id": "narendra-modi", **provenance}
    assert mentions["m-007"] == {"mention_id": "m-007", "start": start + 9, "end": start + 22, "text": "Sergey Lavrov",
                                 "label": "PERSON", "mention_type": "NAM", "entity_id": "sergey-lavrov", **provenance}
    assert {m["annotator"] for rid, m in mentions.items() if rid not in ("m-006", "m-007")} == {"claude-agent"}
    figure = _records(root / "annotations" / "figures" / "ls-002.jsonl")["f-002"]
    assert figure == {"figure_id": "f-002", "start": start + 27, "end": start + 38, "text": "three hours", "kind": "DURATION",
                      "value": 3, "value_low": None, "value_high": None, "unit": "hour", "normalized": "PT3H",
                      "approximate": False, "measured": "length of the meeting", "measured_entity_ids": ["narendra-modi"],
                      **provenance}
    stances = _records(root / "annotations" / "stances" / "ls-002.jsonl")
    assert sorted(stances) == ["s-001", "s-003"]
    assert stances["s-003"] == {"stance_id": "s-003", "holder_entity_id": "narendra-modi", "target": "india_russia_partnership",
                                "polarity": "favor", "evidence_start": start, "evidence_end": start + 22,
                                "evidence_text": "Modi met Sergey Lavrov", "attribution": "action", **provenance}
    assert stances["s-001"]["annotator"] == "claude-agent"
    row = _records(root / "annotations" / "entity_table.jsonl")["sergey-lavrov"]
    assert (row["name"], row["label"], row["annotator"]) == ("Sergey Lavrov", "PERSON", ls_env.username)


# --------------------------------------------------------------------------- double annotation


def test_two_annotators_label_blind_to_each_other_and_agreement_compares_them(
        ls_env, run, sdk, open_page, title, tmp_path, capsys):
    root = _copy_root(FIXTURE_ROOT, tmp_path / "root")
    assert run(root, "ls", "push", "--double", "2", "--title", title) == 0
    project_id, _ = _task_ids(sdk, title)
    putin = "Vladimir Putin (PERSON, vladimir-putin)"

    lead = open_page()
    editor.login(lead, ls_env.url, ls_env.username, ls_env.password)
    lead.goto(f"{ls_env.url}/projects/{project_id}/data?labeling=1")  # "Label All Tasks"
    editor.wait_for_editor(lead)
    assert editor.region_ids(lead) == set()  # texts only: no gold to start from
    editor.add_mention(lead, "PERSON", "Vladimir Putin", entity=putin)
    editor.submit(lead)

    email = f"annotator-{secrets.token_hex(3)}@example.org"
    second = open_page()
    editor.sign_up(second, ls_env.url, email, "second-annotator-password")
    second.goto(f"{ls_env.url}/projects/{project_id}/data?labeling=1")
    editor.wait_for_editor(second)
    assert editor.region_ids(second) == set()  # the first annotator's region is not shown
    editor.add_mention(second, "PERSON", "Vladimir Putin", entity=putin)
    editor.add_mention(second, "GPE", "New Delhi", entity="New Delhi (GPE, new-delhi)")
    editor.submit(second)
    assert lead.errors == [] and second.errors == []

    capsys.readouterr()
    assert run(root, "agreement", "--title", title, "--json") == 0
    [pair] = json.loads(capsys.readouterr().out)
    assert pair["annotators"] == sorted([email, ls_env.username])
    assert pair["tasks"] == 1
    assert (pair["entities"]["a"], pair["entities"]["b"]) == (2, 1)  # the new annotator's email sorts first
    assert pair["entities"]["exact_f1"] == pytest.approx(2 * 1 / 3)
