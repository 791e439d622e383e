"""``validate_root(on_document=...)``: the records the build writes from are the ones the validator read."""

from __future__ import annotations

from newscorpus import schema, store
from newscorpus.validate import CheckedDocument, validate_root


def _consume(root) -> list[CheckedDocument]:
    seen: list[CheckedDocument] = []
    validate_root(root, on_document=seen.append)
    return seen


def test_every_document_is_handed_over_in_manifest_order(make_root):
    root = make_root(None)
    manifest = [line.record["doc_id"] for line in store.read_jsonl(store.Layout(root).manifest_path)]
    assert [doc.doc_id for doc in _consume(root)] == manifest


def test_a_handed_over_document_carries_its_text_and_every_layer_as_parsed(make_root):
    root = make_root(None)
    layout = store.Layout(root)
    doc = _consume(root)[0]
    expected = {
        shape.name: [line.record for line in store.read_jsonl(layout.layer_path(shape, doc.doc_id))]
        if layout.layer_path(shape, doc.doc_id).is_file() else []
        for shape in schema.PER_DOCUMENT_SHAPES
    }
    assert (doc.text, doc.layers) == (store.read_text(layout.text_path(doc.doc_id)), expected)


def test_documents_of_a_valid_corpus_are_all_clean(make_root):
    assert [doc.clean for doc in _consume(make_root(None))] == [True, True]


def test_no_document_is_clean_once_an_error_was_found(make_root):
    docs = _consume(make_root("span-text-mismatch"))  # the bad stance is in beta, the second document
    assert [(doc.doc_id, doc.clean) for doc in docs] == [("alpha", True), ("beta", False)]


def test_a_document_without_a_readable_text_is_not_handed_over(make_root):
    root = make_root("missing-text-file")
    assert len(_consume(root)) == len(list(store.read_jsonl(store.Layout(root).manifest_path))) - 1
