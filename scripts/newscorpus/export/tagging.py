"""BIO tag ids over one document's tokens, from its proper-name mentions (numpy, no spaCy).

Tokens come from :mod:`ner` (computed in the tokenizer process); this module
only places mentions on them.  Boundaries are found by binary search over the
token offsets (all of a document's names at once), so tagging a document costs
a few operations per mention, not a pass building lookup tables over every
token.  A mention whose boundaries fall inside a token, that crosses a sentence
break or that overlaps a name already tagged is never stretched to fit: it is
left untagged and reported as a :class:`ner.Misalignment`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from .. import schema
from .ner import OUTSIDE, Misalignment, TokenArrays, Tokenized, _misalignment_reason, bio_tags, name_mentions


@lru_cache(maxsize=1)
def tag_ids() -> dict[str, int]:
    """BIO tag name -> ClassLabel id, in ``schema.ner_tag_names()`` order."""
    names = schema.ner_tag_names()
    if len(names) > 256:
        raise ValueError(f"{len(names)} BIO tags do not fit the one byte per token that tag_document gives each")
    return {name: i for i, name in enumerate(names)}


def tag_document(doc_id: str, text: str, tokens: Tokenized | TokenArrays,
                 mentions: Iterable[dict[str, Any]]) -> tuple[bytearray, list[Misalignment]]:
    """One tag id per token (a byte each), and the name mentions that could not be tagged.

    Every name's first and last token are found at once with ``numpy.searchsorted``;
    the loop over names then only compares and fills bytes.
    """
    import numpy as np

    ids = tag_ids()
    outside = ids[OUTSIDE]
    starts, ends = np.asarray(tokens.starts), np.asarray(tokens.ends)
    count = len(starts)
    tags = bytearray([outside]) * count
    names = name_mentions(mentions)
    if not names:
        return tags, []
    name_starts = np.array([m["start"] for m in names], dtype=np.int64)
    name_ends = np.array([m["end"] for m in names], dtype=np.int64)
    firsts, lasts = np.searchsorted(starts, name_starts), np.searchsorted(ends, name_ends)
    if count:
        aligned = (starts[np.minimum(firsts, count - 1)] == name_starts) & (ends[np.minimum(lasts, count - 1)] == name_ends)
        aligned &= (firsts < count) & (lasts < count) & (lasts >= firsts)
    else:
        aligned = np.zeros(len(names), dtype=bool)
    sentences = np.asarray(tokens.sentence_starts)
    one_sentence = np.searchsorted(sentences, firsts, side="right") == np.searchsorted(sentences, lasts, side="right")
    problems: list[Misalignment] = []
    for mention, first, last, ok, within in zip(names, firsts.tolist(), lasts.tolist(), aligned.tolist(), one_sentence.tolist()):
        if not ok:
            reason = _misalignment_reason(text, _as_lists(tokens), mention["start"], mention["end"])
        elif not within:
            reason = "the mention crosses a sentence boundary"
        elif tags.count(outside, first, last + 1) != last + 1 - first:
            reason = "the mention overlaps another name mention that was tagged first"
        else:
            begin, inside = bio_tags(mention["label"])
            tags[first] = ids[begin]
            tags[first + 1 : last + 1] = bytes([ids[inside]]) * (last - first)
            continue
        problems.append(Misalignment(doc_id, mention["mention_id"], mention["start"], mention["end"], mention["text"], mention["label"], reason))
    return tags, problems


def _as_lists(tokens: Tokenized | TokenArrays) -> Tokenized:
    return tokens.as_tokenized() if isinstance(tokens, TokenArrays) else tokens
