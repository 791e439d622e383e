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


def test_every_name_of_the_real_corpus_aligns_with_tokens(export_dir):
    assert (export_dir / ALIGNMENT_FILE).read_text() == ""


def mention(mention_id, start, end, text, label="GPE", mention_type=schema.NAME_MENTION_TYPE):
    return {"mention_id": mention_id, "start": start, "end": end, "text": text, "label": label, "mention_type": mention_type}


def tag_names(text, mentions):
    """Tokens, tag names and problems of one text, the way the build tags a document."""
    tokens = ner.Tokens.of(ner.pipeline()(text), text)
    tags, problems = ner.tag("d", tokens, ner.name_spans(mentions))
    return [t for s in ner.sentences(tokens) for t in s.tokens], [t for sentence in tags for t in sentence], problems


def test_a_name_inside_a_token_is_left_untagged_and_reported():
    text = "Talks in NewDelhi today."
    _, tags, problems = tag_names(text, [mention("m1", 12, 17, "Delhi")])
    assert all(tag == ner.OUTSIDE for tag in tags)
    assert [(p.mention_id, p.start, p.end) for p in problems] == [("m1", 12, 17)]
    assert "NewDelhi" in problems[0].reason
    assert set(problems[0].as_dict()) == {"doc_id", "mention_id", "start", "end", "text", "label", "reason"}


def test_names_joined_by_an_en_dash_are_separate_tokens():
    text = "Talks on U.S.–India trade."
    tokens, tags, problems = tag_names(text, [mention("m1", 9, 13, "U.S."), mention("m2", 14, 19, "India")])
    assert problems == []
    assert tokens[tokens.index("U.S."):tokens.index("India") + 1] == ["U.S.", "–", "India"]
    assert tags[tokens.index("U.S."):tokens.index("India") + 1] == ["B-GPE", "O", "B-GPE"]


def test_a_multi_token_name_gets_one_begin_and_inside_tags():
    text = "Vladimir Putin arrived."
    tokens, tags, problems = tag_names(text, [mention("m1", 0, 14, "Vladimir Putin", label="PERSON")])
    assert (problems, tags) == ([], ["B-PERSON", "I-PERSON", "O", "O"])


def test_a_name_crossing_a_line_break_is_left_untagged_and_reported():
    text = "New\nDelhi"
    _, tags, problems = tag_names(text, [mention("m1", 0, 9, "New\nDelhi")])
    assert set(tags) == {ner.OUTSIDE}
    assert [p.reason for p in problems] == ["the mention crosses a sentence boundary"]


def test_a_name_overlapping_a_tagged_name_is_left_untagged_and_reported():
    text = "Vladimir Putin arrived."
    mentions = [mention("m1", 0, 14, "Vladimir Putin", label="PERSON"), mention("m2", 9, 14, "Putin", label="PERSON")]
    _, tags, problems = tag_names(text, mentions)
    assert tags[:2] == ["B-PERSON", "I-PERSON"]
    assert [(p.mention_id, p.reason) for p in problems] == [("m2", "the mention overlaps another name mention that was tagged first")]


def test_ner_ontonotes_tags_names_and_figures_with_duration_folded_into_date():
    text = "Putin stayed two days in 2025."
    mentions = [mention("m1", 0, 5, "Putin", label="PERSON")]
    figures = [
        {"figure_id": "f1", "start": 13, "end": 21, "text": "two days", "kind": "DURATION"},
        {"figure_id": "f2", "start": 25, "end": 29, "text": "2025", "kind": "DATE"},
    ]
    tokens = ner.Tokens.of(ner.pipeline()(text), text)
    tags, problems = ner.tag("d", tokens, ner.ontonotes_spans(mentions, figures))
    assert problems == []
    assert tags == [["B-PERSON", "O", "B-DATE", "I-DATE", "O", "B-DATE", "O"]]


def test_ner_ontonotes_has_the_ner_tokens_and_tags_names_and_figures_of_the_real_corpus(loaded):
    for split, ds in loaded["ner_ontonotes"].items():
        plain = loaded["ner"][split]
        assert ds["tokens"] == plain["tokens"] and ds["token_starts"] == plain["token_starts"]
        names = ds.features["ner_tags"].feature.names
        tagged = {(row["doc_id"], *span) for row in ds for span in spans_from_tags(row["token_starts"], row["token_ends"], [names[t] for t in row["ner_tags"]])}
        mentions, figures = loaded["entities"][split], loaded["figures"][split]
        label_names, type_names, kinds = mentions.features["label"].names, mentions.features["mention_type"].names, figures.features["kind"].names
        expected = {(m["doc_id"], m["start"], m["end"], label_names[m["label"]]) for m in mentions if type_names[m["mention_type"]] == schema.NAME_MENTION_TYPE}
        expected |= {(f["doc_id"], f["start"], f["end"], schema.ONTONOTES_TYPE_OF_KIND.get(kinds[f["kind"]], kinds[f["kind"]])) for f in figures}
        assert tagged == expected, split
        assert set(names) == set(schema.ontonotes_tag_names()) and len(schema.ontonotes_types()) == 18
