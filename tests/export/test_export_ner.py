"""The ner config: BIO tags over NAM mentions only, misaligned names reported and left untagged."""

from __future__ import annotations

import json

from newscorpus import schema
from newscorpus.export import ner
from newscorpus.export.exporter import ALIGNMENT_FILE


def spans_from_tags(tokens_start, tokens_end, tags):
    """(start, end, label) of each B-/I- run, decoded independently of the tagger."""
    spans, current = [], None
    for s, e, tag in zip(tokens_start, tokens_end, tags):
        if tag.startswith("B-"):
            if current:
                spans.append(tuple(current))
            current = [s, e, tag[2:]]
        elif tag.startswith("I-") and current and current[2] == tag[2:]:
            current[1] = e
        else:
            if current:
                spans.append(tuple(current))
            current = None
    if current:
        spans.append(tuple(current))
    return spans


def test_ner_tags_map_back_to_exactly_the_aligned_name_mentions(loaded, export_dir):
    misaligned = {(r["doc_id"], r["mention_id"]) for r in map(json.loads, (export_dir / ALIGNMENT_FILE).read_text().splitlines())}
    for split, ds in loaded["ner"].items():
        names = ds.features["ner_tags"].feature.names
        tagged = {
            (row["doc_id"], *span)
            for row in ds
            for span in spans_from_tags(row["token_starts"], row["token_ends"], [names[t] for t in row["ner_tags"]])
        }
        mentions = loaded["entities"][split]
        label_names = mentions.features["label"].names
        type_names = mentions.features["mention_type"].names
        expected = {
            (m["doc_id"], m["start"], m["end"], label_names[m["label"]])
            for m in mentions
            if type_names[m["mention_type"]] == schema.NAME_MENTION_TYPE and (m["doc_id"], m["mention_id"]) not in misaligned
        }
        assert tagged == expected, split


def test_misaligned_name_mentions_are_reported_with_their_reason(export_dir, loaded):
    reports = [json.loads(line) for line in (export_dir / ALIGNMENT_FILE).read_text().splitlines()]
    for report in reports:
        assert set(report) == {"doc_id", "mention_id", "start", "end", "text", "label", "reason"}
        assert "token" in report["reason"]


def test_the_real_corpus_reports_the_names_inside_one_token(export_dir):
    # "U.S.–India" is one spaCy token; its two GPE names cannot be tagged without moving them.
    texts = {json.loads(line)["text"] for line in (export_dir / ALIGNMENT_FILE).read_text().splitlines()}
    assert {"U.S.", "India"} <= texts


def mention(mention_id, start, end, text, label="GPE", mention_type=schema.NAME_MENTION_TYPE):
    return {"mention_id": mention_id, "start": start, "end": end, "text": text, "label": label, "mention_type": mention_type}


def test_a_name_inside_a_token_is_left_untagged_and_reported():
    text = "Talks on U.S.–India trade."
    sentences, problems = ner.tag_document("d", text, [mention("m1", 9, 13, "U.S.")])
    assert all(tag == ner.OUTSIDE for s in sentences for tag in s.tags)
    assert [(p.mention_id, p.start, p.end) for p in problems] == [("m1", 9, 13)]
    assert "U.S.–India" in problems[0].reason


def test_a_multi_token_name_gets_begin_then_inside_tags():
    text = "Vladimir Putin arrived."
    sentences, problems = ner.tag_document("d", text, [mention("m1", 0, 14, "Vladimir Putin", "PERSON")])
    assert problems == []
    assert sentences[0].tags == [*ner.bio_tags("PERSON"), ner.OUTSIDE, ner.OUTSIDE]


def test_nominal_and_pronominal_mentions_are_not_tagged():
    text = "The president said he agreed."
    others = [t for t in schema.MENTION_TYPES.names if t != schema.NAME_MENTION_TYPE]
    mentions = [mention("m1", 4, 13, "president", "PERSON", others[0]), mention("m2", 19, 21, "he", "PERSON", others[-1])]
    sentences, problems = ner.tag_document("d", text, mentions)
    assert problems == [] and set(sentences[0].tags) == {ner.OUTSIDE}


def test_every_bio_tag_is_a_schema_ner_tag_name():
    for label in schema.ENTITY_LABELS.names:
        assert set(ner.bio_tags(label)) <= set(schema.ner_tag_names())


def test_a_line_break_starts_a_new_sentence():
    tokens = ner.tokenize("A headline without a full stop\nDecember 7, 2025\nThe body.")
    assert len(tokens.sentence_starts) == 3


def test_whitespace_tokens_are_left_out():
    tokens = ner.tokenize("One.\n\n  Two.")
    assert [(s, e) for s, e in zip(tokens.starts, tokens.ends)] == [(0, 3), (3, 4), (8, 11), (11, 12)]


def test_a_name_across_a_line_break_is_reported_as_crossing_sentences():
    text = "New\nDelhi said."
    sentences, problems = ner.tag_document("d", text, [mention("m1", 0, 9, "New\nDelhi")])
    assert [p.reason for p in problems] == ["the mention crosses a sentence boundary"]
    assert all(tag == ner.OUTSIDE for s in sentences for tag in s.tags)


def test_of_two_overlapping_names_the_outer_is_tagged_and_the_inner_reported():
    text = "New Delhi said."
    outer, inner = mention("m1", 0, 9, "New Delhi"), mention("m2", 4, 9, "Delhi")
    sentences, problems = ner.tag_document("d", text, [inner, outer])
    assert [p.mention_id for p in problems] == ["m2"]
    assert sentences[0].tags[:2] == list(ner.bio_tags("GPE"))
