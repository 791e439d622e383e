"""Every offset in every config indexes the `text` column of `documents`."""

from __future__ import annotations

from newscorpus import schema


def texts_by_doc(loaded, split: str) -> dict[str, str]:
    ds = loaded["documents"][split]
    return dict(zip(ds["doc_id"], ds["text"]))


def assert_spans(rows, texts, start: str, end: str, text: str) -> int:
    checked = 0
    for row in rows:
        assert texts[row["doc_id"]][row[start]:row[end]] == row[text], row
        checked += 1
    return checked


def test_layer_config_spans_equal_the_document_text(loaded):
    for shape in schema.ANNOTATION_LAYERS:
        for split in loaded[shape.name]:
            texts = texts_by_doc(loaded, split)
            for span in shape.spans:
                assert assert_spans(loaded[shape.name][split], texts, span.start, span.end, span.text) == len(loaded[shape.name][split])


def test_nested_document_spans_equal_the_document_text(loaded):
    for ds in loaded["documents"].values():
        for doc in ds:
            for shape in schema.ANNOTATION_LAYERS:
                for record in doc[shape.name]:
                    for span in shape.spans:
                        assert doc["text"][record[span.start]:record[span.end]] == record[span.text]


def test_ner_token_offsets_equal_the_tokens(loaded):
    for split, ds in loaded["ner"].items():
        texts = texts_by_doc(loaded, split)
        for row in ds:
            text = texts[row["doc_id"]]
            assert [text[s:e] for s, e in zip(row["token_starts"], row["token_ends"])] == row["tokens"]
            assert (row["start"], row["end"]) == (row["token_starts"][0], row["token_ends"][-1])


def test_ner_sentences_cover_every_non_space_character_once(loaded):
    for split, ds in loaded["ner"].items():
        for doc_id, text in texts_by_doc(loaded, split).items():
            covered = [False] * len(text)
            for row in ds.filter(lambda r: r["doc_id"] == doc_id):
                for s, e in zip(row["token_starts"], row["token_ends"]):
                    assert not any(covered[s:e])
                    covered[s:e] = [True] * (e - s)
            assert all(covered[i] or text[i].isspace() for i in range(len(text)))
