"""The tokenizer worker: child processes deliver ner.tokenize's output in build order, or say what failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus import store
from newscorpus.export import ner, tokenizer_worker
from newscorpus.export.tokenizer_worker import TokenizerError, TokenizerWorker

TEXTS = {
    "doc_a": "India, Russia sign pact\nNEW DELHI, Dec 5\nThe leaders met. They signed.",
    "doc_b": "",
    "doc_c": "U.S.–India trade—and oil.\n\n  Next paragraph ends here. ",
    "doc_d": " \n\t ",
    "doc_e": "Mr. Modi met Dr. Putin. Talks went on!",
}


def write_texts(root: Path, texts: dict[str, str]) -> Path:
    layout = store.Layout(root)
    layout.corpus_dir.mkdir(parents=True)
    for doc_id, text in texts.items():
        layout.text_path(doc_id).write_bytes(text.encode("utf-8"))
    return root


def test_two_tokenizer_processes_deliver_every_document_in_the_order_given(tmp_path):
    root = write_texts(tmp_path / "root", TEXTS)
    order = ["doc_c", "doc_a", "doc_e", "doc_b", "doc_d"]
    with TokenizerWorker(root, order, processes=2) as worker:
        received = [worker.next(doc_id) for doc_id in order]
    assert [r.as_tokenized() for r in received] == [ner.tokenize(TEXTS[doc_id]) for doc_id in order]
    assert [r.texts() for r in received] == [token_strings(TEXTS[doc_id]) for doc_id in order]


def test_a_document_the_tokenizer_cannot_read_fails_with_its_id_and_the_cause(tmp_path):
    root = write_texts(tmp_path / "root", {"doc_a": TEXTS["doc_a"]})
    worker = TokenizerWorker(root, ["doc_a", "doc_missing"], processes=1)
    try:
        worker.next("doc_a")
        with pytest.raises(TokenizerError, match=r"tokenizing doc_missing failed: FileNotFoundError"):
            worker.next("doc_missing")
    finally:
        worker.close(finished=False)


def test_asking_for_a_document_out_of_order_is_an_error(tmp_path):
    root = write_texts(tmp_path / "root", {"doc_a": TEXTS["doc_a"], "doc_c": TEXTS["doc_c"]})
    worker = TokenizerWorker(root, ["doc_a", "doc_c"], processes=1)
    try:
        with pytest.raises(TokenizerError, match=r"out of step: expected doc_c"):
            worker.next("doc_c")
    finally:
        worker.close(finished=False)


def token_strings(text: str) -> list[str]:
    tokens = ner.tokenize(text)
    return [text[s:e] for s, e in zip(tokens.starts, tokens.ends)]


@pytest.mark.parametrize("doc_id", TEXTS)
def test_the_hand_off_buffers_decode_to_the_tokenize_output_and_token_strings(doc_id):
    text = TEXTS[doc_id]
    starts, ends, sentence_starts = ner.token_arrays(text)
    text_offsets, text_bytes = ner.token_texts(text, starts, ends)
    buffer = tokenizer_worker.encode_tokens(starts, ends, sentence_starts, text_offsets)
    decoded = tokenizer_worker.decode_tokens(len(starts), buffer, text_bytes)
    assert decoded.as_tokenized() == ner.tokenize(text)
    assert decoded.texts() == token_strings(text)


@pytest.mark.parametrize("text", ["Modi – Путин “talks” 😀 in Kazan’s kremlin.", "ASCII only, here.", "", "é"])
def test_token_strings_are_cut_from_utf8_at_code_point_offsets(text):
    starts, ends, _ = ner.token_arrays(text)
    offsets, data = ner.token_texts(text, starts, ends)
    assert ner.TokenArrays(starts, ends, starts[:0], offsets, data).texts() == token_strings(text)


def test_a_small_corpus_is_tokenized_by_one_process(monkeypatch):
    monkeypatch.setattr(tokenizer_worker.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert tokenizer_worker.default_processes(tokenizer_worker.PARALLEL_FROM - 1) == 1


def test_a_large_corpus_on_three_cores_is_tokenized_by_two_processes(monkeypatch):
    monkeypatch.setattr(tokenizer_worker.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert tokenizer_worker.default_processes(tokenizer_worker.PARALLEL_FROM) == 2


def test_a_large_corpus_on_two_cores_is_tokenized_by_one_process_beside_the_parent(monkeypatch):
    monkeypatch.setattr(tokenizer_worker.os, "sched_getaffinity", lambda pid: {0, 1})
    assert tokenizer_worker.default_processes(10 * tokenizer_worker.PARALLEL_FROM) == 1


def test_a_large_corpus_on_one_core_is_tokenized_by_one_process(monkeypatch):
    monkeypatch.setattr(tokenizer_worker.os, "sched_getaffinity", lambda pid: {0})
    assert tokenizer_worker.default_processes(10 * tokenizer_worker.PARALLEL_FROM) == 1
