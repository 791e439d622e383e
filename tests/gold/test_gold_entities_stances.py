"""Properties of the committed gold entity and stance layers that the validator does not check.

These run against the real corpus root of the repository: they are specifications of the gold
data (see annotations/GUIDELINES.md), not of code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newscorpus import schema
from newscorpus.corpus import Corpus, iter_manifest, load_corpus

ROOT = Path(__file__).resolve().parents[2]
DOC_IDS = [record["doc_id"] for record in iter_manifest(ROOT)]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(ROOT)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_stance_holder_has_a_mention_in_its_document(corpus: Corpus, doc_id: str) -> None:
    mentioned = {m["entity_id"] for m in corpus.records(schema.ENTITY_MENTION, doc_id)}
    holders = {s["holder_entity_id"] for s in corpus.records(schema.STANCE, doc_id)}
    assert holders <= mentioned, f"holders without a mention in {doc_id}: {sorted(holders - mentioned)}"


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_entity_mentions_start_and_end_on_word_boundaries(corpus: Corpus, doc_id: str) -> None:
    text = corpus.texts[doc_id]
    cut = [
        m["mention_id"]
        for m in corpus.records(schema.ENTITY_MENTION, doc_id)
        if (m["start"] > 0 and _is_word_char(text[m["start"] - 1]))
        or (m["end"] < len(text) and _is_word_char(text[m["end"]]))
    ]
    assert cut == []


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_entity_mentions_overlap_only_as_a_name_or_pronoun_inside_a_nominal(corpus: Corpus, doc_id: str) -> None:
    """GUIDELINES 5.2: the one nesting allowed is a NOM containing NAM or PRO mentions; no partial overlap."""
    mentions = corpus.records(schema.ENTITY_MENTION, doc_id)
    wrong = [
        (outer["mention_id"], inner["mention_id"])
        for outer in mentions
        for inner in mentions
        if inner is not outer
        and inner["start"] < outer["end"]
        and outer["start"] < inner["end"]
        and (outer["start"], -outer["end"]) <= (inner["start"], -inner["end"])  # each overlapping pair once, outer first
        and not (
            outer["mention_type"] == "NOM"
            and inner["mention_type"] in ("NAM", "PRO")
            and outer["start"] <= inner["start"]
            and inner["end"] <= outer["end"]
            and (outer["start"], outer["end"]) != (inner["start"], inner["end"])
        )
    ]
    assert wrong == []


@pytest.mark.parametrize("shape", [schema.ENTITY_MENTION, schema.STANCE], ids=lambda s: s.name)
@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_ids_are_prefix_and_three_digit_numbers_used_once(corpus: Corpus, doc_id: str, shape: schema.RecordShape) -> None:
    """GUIDELINES 2 (Ids): a revision keeps the ids of surviving records and never reuses a removed one,
    so after a revision the numbers are no longer contiguous nor in text order; their form and uniqueness hold."""
    ids = [r[shape.id_field] for r in corpus.records(shape, doc_id)]
    prefix = "m" if shape is schema.ENTITY_MENTION else "s"
    malformed = [i for i in ids if not re.fullmatch(rf"{prefix}-\d{{3}}", i)]
    assert malformed == [] and len(set(ids)) == len(ids)


def _repeated_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each copy of the first text line that occurs again later, as whole or prefix of a line."""
    offsets, pos = [], 0
    for line in text.split("\n"):
        offsets.append((pos, line))
        pos += len(line) + 1
    for i, (start, line) in enumerate(offsets):
        for later_start, later in offsets[i + 1 :]:
            if line and later.startswith(line):
                return [(start, start + len(line)), (later_start, later_start + len(line))]
    return []


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_a_repeated_paragraph_is_annotated_identically_in_both_copies(corpus: Corpus, doc_id: str) -> None:
    copies = _repeated_lines(corpus.texts[doc_id])
    if not copies:
        pytest.skip(f"{doc_id} repeats no line")

    def inside(start: int, end: int) -> list[tuple]:
        return [
            (m["start"] - start, m["end"] - start, m["label"], m["mention_type"], m["entity_id"])
            for m in corpus.records(schema.ENTITY_MENTION, doc_id)
            if start <= m["start"] and m["end"] <= end
        ]

    first, second = (inside(*span) for span in copies)
    assert first and first == second
