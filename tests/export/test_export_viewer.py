"""viewer/: an index and one self-contained page per document, text and values escaped (no browser needed)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from newscorpus.export.viewer import DOC_DIR, INDEX_FILE, VIEWER_DIR, Entity, _Mark, annotated_text, document_page


class Page(HTMLParser):
    """Collects the text inside #text, the script elements, external references and whether tags balance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.depth_in_text: int | None = None
        self.text: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self.refs: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("src", "href"):
            if attrs.get(key):
                self.refs.append(attrs[key])
        if tag in ("meta", "br", "hr", "img", "link", "input"):
            return
        self.stack.append(tag)
        if attrs.get("id") == "text":
            self.depth_in_text = len(self.stack)
        if tag == "script":
            self.scripts.append((attrs, ""))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.balanced = False
            return
        if self.depth_in_text == len(self.stack):
            self.depth_in_text = None
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "script" and self.scripts:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        elif self.depth_in_text is not None:
            self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


HOSTILE = 'He said "</script><script>alert(1)</script>" & <b>left</b>\nBob\'s line.'


def hostile_row():
    start = HOSTILE.index("</script>")
    return {
        "doc_id": "d-1", "title": "<i>T</i>", "published": None, "source": None, "url": None, "language": "en",
        "event_id": "e", "text": HOSTILE, "known_defects": ["<defect>"], "corpus_version": "9.9.9",
        "entities": [
            {"mention_id": 'm"1', "start": 0, "end": 2, "text": "He", "label": "PERSON", "mention_type": "PRO",
             "entity_id": "bob", "annotator": "a<", "method": "manual"},
            {"mention_id": "m2", "start": HOSTILE.index("Bob"), "end": HOSTILE.index("Bob") + 3, "text": "Bob",
             "label": "PERSON", "mention_type": "NAM", "entity_id": "bob", "annotator": "a", "method": "manual"},
        ],
        "figures": [
            {"figure_id": "f1", "start": HOSTILE.index("1"), "end": HOSTILE.index("1") + 1, "text": "1", "kind": "CARDINAL",
             "value": 1.0, "value_low": None, "value_high": None, "unit": "count", "normalized": None, "approximate": False,
             "measured": "<m>", "measured_entity_ids": ["bob"], "annotator": "a", "method": "manual"},
        ],
        "stances": [
            {"stance_id": "s1", "holder_entity_id": "bob", "target": "ukraine_peace_process", "polarity": "favor",
             "evidence_start": start, "evidence_end": start + 30, "evidence_text": HOSTILE[start:start + 30],
             "attribution": "direct_quote", "annotator": "a", "method": "manual"},
        ],
    }


def hostile_page() -> str:
    entities = {"bob": Entity("bob", "</script><b>Bob", "PERSON", "a \"quoted\" & <tagged> man", "a · manual", dict.fromkeys(["d-1", "d-2"]))}
    return document_page(hostile_row(), "train", entities, "9.9.9")


def test_every_document_has_a_page_and_the_index_links_to_it(export_dir, loaded):
    index = parse((export_dir / VIEWER_DIR / INDEX_FILE).read_text(encoding="utf-8"))
    doc_ids = [d for ds in loaded["documents"].values() for d in ds["doc_id"]]
    assert sorted(p.stem for p in (export_dir / VIEWER_DIR / DOC_DIR).iterdir()) == sorted(doc_ids)
    assert index.refs[: len(doc_ids)] == [f"{DOC_DIR}/{d}.html" for d in doc_ids]


def test_pages_reference_nothing_outside_the_viewer(export_dir):
    for path in (export_dir / VIEWER_DIR).rglob("*.html"):
        page = parse(path.read_text(encoding="utf-8"))
        assert page.balanced, path
        assert all(not ref.startswith(("http:", "https:", "//", "file:")) for ref in page.refs), path
        assert all("src" not in attrs for attrs, _ in page.scripts), path


def test_a_page_shows_the_documents_text_exactly(export_dir, loaded):
    for ds in loaded["documents"].values():
        for row in ds:
            page = parse((export_dir / VIEWER_DIR / DOC_DIR / f"{row['doc_id']}.html").read_text(encoding="utf-8"))
            assert "".join(page.text) == row["text"], row["doc_id"]


def test_crossing_spans_nest_by_closing_and_reopening_and_keep_the_text():
    text = "abcdefghij"
    marks = [
        _Mark(1, 6, 1, '<span class="m" id="a">', '<span class="m cont">'),
        _Mark(4, 9, 0, '<span class="fig" id="b">', '<span class="fig cont">'),
    ]
    html = annotated_text(text, marks, [(0, 5)])
    page = Page()
    page.depth_in_text = 0
    page.feed(html)
    assert page.balanced and page.stack == []
    assert "".join(page.text) == text
    assert html.count('id="a"') == 1 and html.count('id="b"') == 1
    assert '<span class="fig" id="b"><span class="s" data-st="0">e</span>f</span></span><span class="fig cont">ghi</span>' in html


def test_hostile_text_and_names_are_escaped_and_cannot_open_a_script():
    html = hostile_page()
    page = parse(html)
    assert page.balanced
    assert [attrs.get("id") for attrs, _ in page.scripts] == ["page-data", None]
    assert "".join(page.text) == HOSTILE
    assert "alert(1)</script>" not in html and "<b>left" not in html and "<i>T</i>" not in html


def test_the_pages_script_data_round_trips_through_json():
    page = parse(hostile_page())
    data = json.loads(page.scripts[0][1])
    assert data["entities"][0]["name"] == "</script><b>Bob"
    assert data["entities"][0]["others"] == [["d-2", "d-2.html"]]
