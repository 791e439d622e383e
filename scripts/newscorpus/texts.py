"""The prose that describes the dataset, written once.

DATASHEET.md, the body of the exported dataset card and the Responsible-AI
fields of ``croissant.json`` are all generated from these texts, so the three
never drift apart.  Keys are stable; tools look texts up by key.
"""

from __future__ import annotations

PRETTY_NAME = "India–Russia Summit News"
DATASET_SLUG = "india-russia-summit-news"
ANNOTATIONS_LICENSE = "cc-by-4.0"
LANGUAGE = "en"
CREATORS = "India–Russia Summit News maintainers"

TEXTS: dict[str, str] = {
    "summary": (
        "Two English news articles about Russian President Vladimir Putin's state visit to India "
        "on 4–5 December 2025, with stand-off gold annotations of named entities (OntoNotes 5 types, "
        "name/nominal/pronominal mentions, corpus-wide entity ids), figures (every number, amount, "
        "percentage, count and date, with normalized values) and stances (holder, target, polarity, "
        "evidence span, attribution)."
    ),
    "curation_rationale": (
        "A small corpus whose every annotation can be checked by hand, built to exercise a complete, "
        "versioned annotation pipeline (validation, Hugging Face export, Label Studio round trip) "
        "on real news text about one diplomatic event."
    ),
    "data_collection": (
        "The two article texts were received as plain-text files with no record of where they were "
        "published; they are kept byte-for-byte as received. Their outlets, URLs, authors and licence "
        "are unknown."
    ),
    "annotation_protocol": (
        "Every annotation was written by one annotator, an LLM agent (annotator `claude-agent`, "
        "method `llm-authored`), reading each article sentence by sentence and following "
        "annotations/GUIDELINES.md; offsets were computed by code from the span text and checked by "
        "the validator. There was no second annotator, no human review and no agreement study."
    ),
    "annotations_per_item": "1 (a single annotator; no overlap, no adjudication).",
    "limitations": (
        "Two documents about a single event: far too small to train a general model and unrepresentative "
        "of news in general. One article is truncated mid-sentence and repeats a paragraph. Annotations "
        "have had no human review."
    ),
    "biases": (
        "Both texts cover the same event from an international-news perspective and quote mainly "
        "government officials of India, Russia and the United States; the stance targets were chosen "
        "for this event and do not cover other topics."
    ),
    "personal_sensitive_information": (
        "The texts name public figures (heads of government, officials, one analyst) and report their "
        "political opinions, which are sensitive content; no private individuals are named."
    ),
}
