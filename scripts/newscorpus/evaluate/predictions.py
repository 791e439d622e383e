"""Reading and checking a predictions folder: ``PREDICTIONS/<layer>/<doc_id>.jsonl`` in the corpus's shapes.

Only the fields a metric reads are required (``REQUIRED``); any other schema field may be absent
or null and is checked when present; unknown keys and files not ending in ``.jsonl`` are ignored.
An absent layer folder is not scored; a document of the split without a file has no predictions.
Every problem is collected as ``file:line: reason`` (``file: reason`` for a whole file), not raised.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import schema
from ..corpus import CorpusError, iter_lines
from .scores import Records

LAYERS: tuple[schema.RecordShape, ...] = schema.ANNOTATION_LAYERS
"""The scored layers, in report order."""

REQUIRED: dict[str, tuple[str, ...]] = {
    schema.ENTITY_MENTION.name: ("start", "end", "label"),
    schema.FIGURE.name: ("start", "end", "kind"),
    schema.STANCE.name: ("holder_entity_id", "target", "polarity", "evidence_start", "evidence_end"),
}
"""Per layer, the fields some metric reads on every record; the rest are optional."""

_TYPES: dict[str, type | tuple[type, ...]] = {
    "int": int, "float": (int, float), "bool": bool, "string": str, "date": str, "label": str, "string_list": list,
}
"""Schema field kind -> the Python types of its JSON values (a bool is never a number)."""


def _fits(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return kind == "bool"
    return isinstance(value, _TYPES[kind]) and (kind != "string_list" or all(isinstance(v, str) for v in value))


def check_record(shape: schema.RecordShape, record: dict[str, Any], text: str) -> list[str]:
    """Every reason ``record`` cannot be scored as a prediction of ``shape`` on ``text``."""
    reasons = [f"missing required field {name!r}" for name in REQUIRED[shape.name] if record.get(name) is None]
    for f in shape.fields:
        value = record.get(f.name)
        if value is not None and not _fits(f.kind, value):
            reasons.append(f"{f.name}: expected {f.kind}, got {type(value).__name__} {value!r}")
        elif value is not None and f.inventory is not None and value not in f.inventory:
            reasons.append(f"{f.name}: unknown label {value!r} (known: {', '.join(f.inventory.names)})")
    if reasons:
        return reasons
    for span in shape.spans:
        start, end, given = record[span.start], record[span.end], record.get(span.text)
        if not 0 <= start < end <= len(text):
            reasons.append(f"{span.start}/{span.end} {start}..{end} out of range (need 0 <= start < end <= {len(text)})")
        elif given is not None and given != text[start:end]:
            reasons.append(f"{span.text} {given!r} differs from text[{start}:{end}] {text[start:end]!r}")
    return reasons


def read_predictions(folder: Path, texts: dict[str, str], split: str) -> tuple[dict[str, Records], list[str]]:
    """(layer folder present -> records per doc_id of ``texts``, every problem) for the predictions under ``folder``.

    ``texts`` maps each doc_id of the split to its text.  A file that cannot be read is one problem.
    """
    if not folder.is_dir():
        return {}, [f"{folder}: not a folder"]
    layers: dict[str, Records] = {}
    problems: list[str] = []
    for shape in LAYERS:
        if not (folder / shape.name).is_dir():
            continue
        per_doc = layers[shape.name] = {doc_id: [] for doc_id in texts}
        for path in sorted((folder / shape.name).glob("*.jsonl")):
            if path.stem not in texts:
                problems.append(f"{path}: document {path.stem!r} is not in the split {split!r}")
                continue
            try:
                lines = list(iter_lines(path))
            except CorpusError as exc:
                problems.append(f"{path}: {exc}")
                continue
            text = texts[path.stem]
            for line in lines:
                reasons = [line.error or "unreadable line"] if line.record is None else check_record(shape, line.record, text)
                problems += [f"{path}:{line.no}: {reason}" for reason in reasons]
                if not reasons:
                    per_doc[path.stem].append(line.record)
    if not layers and not problems:
        problems.append(f"{folder}: no layer folder to score (expected one of {', '.join(f'{s.name}/' for s in LAYERS)})")
    return layers, problems
