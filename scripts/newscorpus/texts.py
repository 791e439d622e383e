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
        "on 4–5 December 2025, with stand-off reference annotations written by one LLM annotator: named entities (OntoNotes 5 types, "
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
        "Every annotation was written by an LLM agent (annotator `claude-agent`, revised for 1.1.0 by "
        "`claude-annotation-lead`; method `llm-authored`), reading each article sentence by sentence and following "
        "annotations/GUIDELINES.md; offsets were computed by code from the span text and checked by "
        "the validator. For the agreement study of release 1.1.0 a second LLM agent annotated both documents "
        "blind from the guidelines (annotations/second-annotation/, not part of the reference annotation) and an LLM agent adjudicated every "
        "disagreement (annotations/adjudication-1.1.0.md). No human annotated, reviewed or adjudicated anything."
    ),
    "annotations_per_item": (
        "1 in the reference annotation. Both documents were also annotated a second time, blind, by another LLM agent for the "
        "agreement study (kept apart in annotations/second-annotation/, not part of the reference annotation), and its disagreements with the "
        "reference annotation were adjudicated by an LLM agent."
    ),
    "annotation_status": (
        "The annotations are LLM-written reference annotations, not human gold labels: every record was written "
        "by an LLM agent (method `llm-authored`: `claude-agent`, revised for 1.1.0 by `claude-annotation-lead`, "
        "one record adjudicated by `claude-adjudicator`) following annotations/GUIDELINES.md, and passes the "
        "validator's checks, but no human reviewed it. Use them as a reference to compare against, and check a "
        "record against the text before relying on it."
    ),
    "no_agreement": (
        "No agreement study has been made: each record has one annotator, so no inter-annotator agreement figure "
        "exists for any layer."
    ),
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
        "LLM agents only, every record with method `llm-authored`: the reference annotation by `claude-agent`, revised for 1.1.0 "
        "by `claude-annotation-lead`; the second annotation of the agreement study (not part of the reference annotation) by "
        "`claude-blind-annotator-2`; its adjudication by `claude-adjudicator`. No human annotated, reviewed or "
        "adjudicated the records, so there are no annotator demographics to report."
    ),
    "annotation_platform": (
        "None for the current records: the agent wrote the JSONL files directly and code computed the offsets. "
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
        "No paper describes this dataset. Cite the dataset with the corpus version you used; the dataset card of "
        "each export gives a BibTeX entry for its version (`citeAs` in croissant.json)."
    ),
    "card_contact": (
        "The maintainers, through the issue tracker of the repository the corpus is developed in, or the Community "
        "tab of the dataset's Hugging Face repository where it is published; no other contact address is published."
    ),
    "collection_timeframe": (
        "rai:dataCollectionTimeframe gives the earliest and latest publication date that the texts themselves carry "
        "(the manifest's `published`; documents without a date are not counted). When the texts were obtained was "
        "not recorded."
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
    # ----- keys used by DATASHEET.md (newscorpus docs); Datasheets for Datasets order
    "creators": (
        "The India–Russia Summit News maintainers chose the texts, wrote the annotation guidelines and the "
        "`newscorpus` tooling, and publish the releases. The annotation records themselves were written by LLM "
        "agents (`claude-agent`, revised by `claude-annotation-lead`, adjudicated by `claude-adjudicator`); no "
        "person or organisation other than the maintainers is involved."
    ),
    "funding": "None known or stated: no grant, sponsor or contract is associated with the corpus.",
    "instances": (
        "An instance is one news article: its verbatim text (`corpus/<doc_id>.txt`), its manifest record "
        "(title, date, language, event, split, sha256 of the text, known defects) and its stand-off annotation "
        "records in three layers: entity mentions (span, OntoNotes type, NAM/NOM/PRO, corpus-wide entity id), "
        "figures (span, kind, normalized value, unit, what is measured) and stances (holder entity, target, "
        "polarity, evidence span, attribution). A corpus-wide entity table describes every entity id. "
        "Exception records waive a guideline check at one span (for example a digit inside the product name "
        "S-400) and say why."
    ),
    "sample": (
        "The corpus is not a sample drawn by any stated procedure: it holds the two articles that were "
        "received, both about one event. It does not represent news about India–Russia relations, news in "
        "general, or any outlet."
    ),
    "labels": (
        "The labels are the annotation layers themselves (entity type and mention type, figure kind and "
        "value, stance target, polarity and attribution); the inventories below list every label with its "
        "definition, and annotations/GUIDELINES.md says how each was applied. Every record also carries its "
        "provenance (`annotator`, `method`)."
    ),
    "missing_information": (
        "Both documents lack a source outlet and URL (`source` and `url` are null). Document 004 has no "
        "headline or date line, so its `title` and `published` are null. Document 000 ends mid-sentence: the "
        "rest of the article is missing. Figure values that the text does not resolve are null with "
        "`approximate` set, as the field descriptions say."
    ),
    "relationships": (
        "Entity mentions in both documents point to one entity table through `entity_id`, so the same real-world "
        "entity has the same id in train and test; stances point to their holder and figures to the entities "
        "they measure through entity ids. Both documents share one `event_id`: they report the same visit."
    ),
    "split_rationale": (
        "Document 000 is the train split and document 004 the test split; there is no validation split. "
        "004 is the complete article (000 is truncated mid-sentence and repeats a paragraph), so it is the "
        "better text to evaluate on."
    ),
    "single_event_caveat": (
        "Both documents cover the same event, name the same people and report many of the same facts and "
        "quotations. Train and test are therefore not independent: a score on the test split overstates how a "
        "system would do on news about other events."
    ),
    "errors_noise": (
        "The received texts have the known defects listed below (truncation, a repeated paragraph, a stray line, "
        "missing metadata). The annotations were written by one LLM agent without human review; they pass the "
        "validator's format, consistency and completeness checks, but mistakes of judgement (a wrong type, a "
        "missed nominal mention, a debatable stance) are possible. The only agreement figures are between two LLM "
        "annotators following the same guidelines (see the agreement study); they are not human agreement and do "
        "not bound these errors. "
        "Corrections are published as errata."
    ),
    "external_resources": (
        "Self-contained: the texts are stored in the corpus and every annotation refers only to them and to the "
        "entity table. Nothing links to external resources, which also means the articles' original pages are "
        "not recorded and cannot be checked against."
    ),
    "confidentiality": (
        "Nothing in the texts is marked confidential and they read as published news reports; because their "
        "source is unknown this cannot be confirmed. No content is offensive in the usual sense; the texts "
        "report a war, sanctions and tariffs in neutral news register."
    ),
    "identifiable_people": (
        "Yes, by name, and only public figures acting in public roles: Vladimir Putin, Narendra Modi, Donald "
        "Trump, Dmitry Peskov, Yuri Ushakov and the analyst Brahma Chellaney. The stance layer records their "
        "reported political positions, which are sensitive information about identifiable people."
    ),
    "acquisition": (
        "The texts were received as two plain-text files, already extracted from their web pages; how and "
        "from where they were obtained was not recorded. They were stored unchanged and fingerprinted with "
        "sha256 in the manifest; the manifest's title and date come from the text itself."
    ),
    "collection_process": (
        "No sampling, crawling or selection procedure is documented; nobody was paid to collect or annotate. "
        "The articles report events of 4–5 December 2025 (000 carries the date line 7 December 2025; 004 has no "
        "date). The annotations were written later, in the working sessions recorded in the repository's git "
        "history. No ethical review was held. The data comes from third-party publications, not from the "
        "people described; they were not notified and did not consent, as is usual for news reporting about "
        "public figures."
    ),
    "preprocessing": (
        "None on the texts: they are kept byte for byte (quotes, dashes, line breaks and the truncation "
        "included), so the sha256 in the manifest still matches and every offset indexes the received text. "
        "Annotations are stand-off records in separate JSONL files; the export adds derived columns (entity "
        "names, per-split entity counts, spaCy rule-based tokens and BIO tags). The raw data is the corpus "
        "itself; the software is the `newscorpus` package in this repository."
    ),
    "tooling": (
        "`newscorpus validate` (format, record, corpus and guideline-completeness checks), `newscorpus build` "
        "(Parquet configs, dataset card, Croissant), `newscorpus ls` (Label Studio push and pull), "
        "`newscorpus stats`, `newscorpus diff` and `newscorpus release`. Offsets were computed by code from the "
        "span text, never typed by hand."
    ),
    "prior_uses": "None known beyond testing and demonstrating this repository's own tooling.",
    "composition_risks": (
        "The stance layer attributes political positions to named people, and those records were written by "
        "an LLM without human review: a wrong polarity or target misstates what a real person said. Do not use "
        "the records to characterise the people named, and check a record against its evidence span before "
        "quoting it."
    ),
    "distribution": (
        "As this git repository (corpus, annotations, tooling) and as a Hugging Face dataset export built by "
        "`newscorpus build` (Parquet, dataset card, Croissant with Responsible-AI fields, CoNLL files, a static "
        "document viewer). Releases are git tags `vX.Y.Z`; the README shows how a release is pushed to the Hugging "
        "Face Hub with the same tag: the annotations without the article texts (`newscorpus annotations-only`) "
        "openly, the full export only into a gated repository with manual approval, because the texts' licence is "
        "unknown. Where and when releases are published is decided by the maintainers."
    ),
    "third_party_restrictions": (
        "The article texts are third-party writing whose copyright holders are unknown; no licence for them was "
        "recorded. Redistribution of the texts may need their permission. No export controls or other "
        "regulatory restrictions are known to apply."
    ),
    "contact": (
        "The maintainers, through the issue tracker of the repository that hosts this datasheet; no other "
        "contact address is published."
    ),
    "errata_policy": (
        "Every release lists its corrections of records published by an earlier release in "
        "annotations/errata.jsonl (one record per corrected record: erratum id, versions, layer, document, record "
        "id, fix type, changed fields) and summarises the data changes in CHANGELOG.md. Older versions stay "
        "available as git tags (and as Hub revisions when published): "
        "`load_dataset(repo, revision=\"v1.0.0\")`."
    ),
    "contributing": (
        "Contributions go through Label Studio: `newscorpus ls push` loads documents and the current records "
        "into a project, annotators correct or add regions there, and `newscorpus ls pull` writes them back as "
        "stand-off records with method `labelstudio` and the annotator's handle. A contribution is accepted only "
        "when `newscorpus validate` reports no errors and a maintainer has reviewed the diff "
        "(`newscorpus diff`); with several annotators, `newscorpus agreement` measures their agreement first."
    ),
    "agreement_caveat": (
        "What these figures are: agreement between two LLM annotators, both LLM agents, following "
        "annotations/GUIDELINES.md: the reference annotation's (`claude-agent`, revised by `claude-annotation-lead`) and a second "
        "agent (`claude-blind-annotator-2`, method `llm-authored`) that was given only the two texts, the guidelines "
        "and the package code, never the reference annotation's files. They are NOT human inter-annotator agreement: no human "
        "annotated, reviewed or adjudicated anything. The second annotation is not independent of the reference annotation on every "
        "item: the guidelines' worked examples quote many records of these same two texts (spans, targets, "
        "polarities, figure values), so where an example applies the second annotator could follow it instead of "
        "its own reading, and the figures overstate how far the guidelines alone make the annotation reproducible "
        "on a new article. The second "
        "annotator followed the guidelines as of commit edd489e; afterwards the reference annotator corrected two "
        "examples of 7.6 (4) and amended 7.6 (5), the very points of all three stance disagreements. Every "
        "disagreement was adjudicated by an LLM agent (`claude-adjudicator`) against the guidelines and logged in "
        "annotations/adjudication-1.1.0.md; one was decided for the second annotation (the reference annotation's `measured` "
        "phrase of one figure was corrected), all others for the reference annotation. "
        "The machine-readable figures are in annotations/agreement.json."
    ),
    # ----- Data Statement (Bender & Friedman 2018)
    "language_variety": (
        "English (BCP 47 `en`), written international news English. Spelling is mixed across the two texts: "
        "000 uses American spellings (\"defense\", \"cooperation\"), 004 British ones (\"defence\", "
        "\"co-operation\", \"Centre\"). Both use typographic quotes and apostrophes and em dashes."
    ),
    "speaker_demographics": (
        "Unknown: the journalists who wrote the articles are not named and their outlets are not recorded. "
        "The quoted speakers are the public figures listed above, speaking in official or expert roles."
    ),
    "annotator_demographics": (
        "No human annotators: LLM agents (listed under annotators) wrote every record, so age, gender, native language "
        "or training do not apply. Its knowledge of the subject came from the texts and the guidelines."
    ),
    "speech_situation": (
        "Edited, written news reports for a general international readership, published around 5–7 December "
        "2025 about a state visit then in progress or just ended; asynchronous; they quote and paraphrase spoken "
        "statements by officials and one analyst."
    ),
    "text_characteristics": (
        "Hard-news genre: short paragraphs, one per line, heavy in named entities, dates, money amounts and "
        "percentages, with direct and reported speech. 000 has a headline, a date line and a section heading; "
        "004 starts with its first paragraph."
    ),
}
