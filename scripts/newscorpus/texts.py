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
    # ----- keys used by the export card and croissant.json (newscorpus.export)
    "dataset_sources": (
        "No repository, paper or demo of the dataset has been published. Where the two articles were "
        "originally published is unknown (see Source Data)."
    ),
    "source_data_producers": (
        "Unknown: the outlets, authors and publication details of the two articles were not recorded when "
        "the texts were received."
    ),
    "annotators": (
        "One LLM agent (annotator handle `claude-agent`, method `llm-authored`); no human annotated or "
        "reviewed the records, so there are no annotator demographics to report."
    ),
    "annotation_platform": (
        "None for the gold records: the agent wrote the JSONL files directly and code computed the offsets. "
        "The package's tooling round-trips annotations through Label Studio for later contributions."
    ),
    "direct_use": (
        "Testing and demonstrating annotation and export tooling; small-scale evaluation (not training) of "
        "named-entity recognition, figure extraction and stance detection on news about this event; teaching "
        "stand-off annotation."
    ),
    "out_of_scope_use": (
        "Training or benchmarking general-purpose models (two documents are far too few); drawing conclusions "
        "about public opinion or about the people named; any use that needs the article texts' licence to be "
        "known."
    ),
    "recommendations": (
        "Treat the annotations as single-annotator LLM output without human review; read each document's "
        "`known_defects`; cite the corpus version you used; do not redistribute the article texts without "
        "clearing their rights."
    ),
    "license": (
        "The annotations (entity mentions, the entity table, figures, stances and the derived NER tags) are "
        "released under CC-BY-4.0. The article texts were received with no record of their source or licence: "
        "their copyright status is unknown, CC-BY-4.0 does not cover them, and whoever redistributes or uses "
        "them must clear the rights themselves."
    ),
    "citation": (
        "No paper describes this dataset. Cite it as: India–Russia Summit News maintainers, "
        "\"India–Russia Summit News\" (annotated news corpus), with the corpus version you used."
    ),
    "maintenance": (
        "Released in semantic versions by `newscorpus release`, with a changelog and machine-readable errata "
        "(annotations/errata.jsonl) for corrected records; every release passes the validator. There is no "
        "committed maintenance schedule."
    ),
    "export_offsets": (
        "Every offset in every config is a code-point offset (a Python string index) into the `text` column "
        "of `documents`, and every span's text column equals `text[start:end]`. ClassLabel columns store ids; "
        "`dataset.features[column].int2str(id)` (or `.feature.int2str` inside lists) gives the name."
    ),
    "export_entity_table_splits": (
        "The `entity_table` config is split like the documents: a split lists the entities mentioned in that "
        "split's documents, with `mention_count` and `doc_ids` counted within the split. An entity mentioned in "
        "several splits appears in each with that split's counts."
    ),
    "export_ner": (
        "The `ner` config tokenizes each document with spaCy's rule-based English tokenizer and sentencizer "
        "(no statistical model), with an extra sentence break after each line break, leaves out "
        "whitespace-only tokens and tags NAM (proper-name) mentions in BIO form; NOM and PRO mentions are not "
        "names and stay `O`. A name whose boundaries fall inside a token is left untagged, never moved."
    ),
}
