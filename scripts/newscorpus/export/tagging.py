"""BIO tag ids over one document's tokens, from its proper-name mentions (plain Python, no spaCy).

Tokens come from :mod:`ner` (computed in the tokenizer process); this module
only places mentions on them.  Boundaries are found by bisection over the
token offsets, so tagging a document costs a few operations per mention, not
a pass building lookup tables over every token.  A mention whose boundaries
fall inside a token, that crosses a sentence break or that overlaps a name
already tagged is never stretched to fit: it is left untagged and reported as
a :class:`ner.Misalignment`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import Any, Iterable

from .. import schema
from .ner import OUTSIDE, Misalignment, Tokenized, _misalignment_reason, bio_tags, name_mentions


@lru_cache(maxsize=1)
def tag_ids() -> dict[str, int]:
    """BIO tag name -> ClassLabel id, in ``schema.ner_tag_names()`` order."""
    return {name: i for i, name in enumerate(schema.ner_tag_names())}


def tag_document(doc_id: str, text: str, tokens: Tokenized, mentions: Iterable[dict[str, Any]]) -> tuple[list[int], list[Misalignment]]:
    """One tag id per token, and the name mentions that could not be tagged."""
    ids = tag_ids()
    outside = ids[OUTSIDE]
    starts, ends, sentences = tokens.starts, tokens.ends, tokens.sentence_starts
    count = len(starts)
    tags = [outside] * count
    problems: list[Misalignment] = []
    for mention in name_mentions(mentions):
        start, end = mention["start"], mention["end"]
        first, last = bisect_left(starts, start), bisect_left(ends, end)
        if first >= count or last >= count or starts[first] != start or ends[last] != end or last < first:
            reason = _misalignment_reason(text, tokens, start, end)
        elif bisect_right(sentences, first) != bisect_right(sentences, last):
            reason = "the mention crosses a sentence boundary"
        elif any(tag != outside for tag in tags[first : last + 1]):
            reason = "the mention overlaps another name mention that was tagged first"
        else:
            begin, inside = bio_tags(mention["label"])
            tags[first] = ids[begin]
            tags[first + 1 : last + 1] = [ids[inside]] * (last - first)
            continue
        problems.append(Misalignment(doc_id, mention["mention_id"], start, end, mention["text"], mention["label"], reason))
    return tags, problems
