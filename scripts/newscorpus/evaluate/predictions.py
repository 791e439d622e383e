"""Reading and checking a predictions folder laid out like ``annotations/``.

``PREDICTIONS/<layer>/<doc_id>.jsonl`` for layer in entities, figures, stances; records in
the corpus's shapes (``schema.ENTITY_MENTION``, ``schema.FIGURE``, ``schema.STANCE``).  Only
the fields a metric reads are required (``REQUIRED``); every other schema field may be absent
or null, and when present it is checked against the schema like the required ones.  Keys the
schema does not know are ignored.  A layer folder that is absent is not scored; a document of
the split without a file has no predictions.  Files not ending in ``.jsonl`` are ignored.

Every problem is collected (file, line, reason) rather than raised, so one run lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema
from ..corpus import CorpusError, iter_lines

LAYERS: tuple[schema.RecordShape, ...] = schema.ANNOTATION_LAYERS
"""The scored layers, in report order."""

REQUIRED: dict[str, tuple[str, ...]] = {
    schema.ENTITY_MENTION.name: ("start", "end", "label"),
    schema.FIGURE.name: ("start", "end", "kind"),
    schema.STANCE.name: ("holder_entity_id", "target", "polarity", "evidence_start", "evidence_end"),
}
"""Per layer, the fields some metric reads on every record; the rest are optional."""


@dataclass(frozen=True)
class Problem:
    """One bad prediction: the file, the line (0 for the file as a whole) and what is wrong."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}" if self.line else f"{self.path}: {self.reason}"


@dataclass
class Predictions:
    """The records of every layer folder present, per document of the split (missing file: [])."""

    layers: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _type_problem(f: schema.Field, value: Any) -> str | None:
    """Why ``value`` cannot be a value of ``f`` (None when it can); null was handled before."""
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "string": isinstance(value, str),
        "date": isinstance(value, str),
        "label": isinstance(value, str),
        "string_list": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[f.kind]
    if not ok:
        return f"{f.name}: expected {f.kind}, got {type(value).__name__} {value!r}"
    if f.inventory is not None and value not in f.inventory:
        return f"{f.name}: unknown label {value!r} (known: {', '.join(f.inventory.names)})"
    return None


def check_record(shape: schema.RecordShape, record: dict[str, Any], text: str) -> list[str]:
    """Every reason ``record`` cannot be scored as a prediction of ``shape`` on ``text``."""
    reasons = [f"missing required field {name!r}" for name in REQUIRED[shape.name] if record.get(name) is None]
    for f in shape.fields:
        value = record.get(f.name)
        if value is not None and (reason := _type_problem(f, value)) is not None:
            reasons.append(reason)
    if reasons:
        return reasons
    for span in shape.spans:
        start, end, given = record[span.start], record[span.end], record.get(span.text)
        if not 0 <= start < end <= len(text):
            reasons.append(f"{span.start}/{span.end} {start}..{end} out of range (need 0 <= start < end <= {len(text)})")
        elif given is not None and given != text[start:end]:
            reasons.append(f"{span.text} {given!r} differs from text[{start}:{end}] {text[start:end]!r}")
    return reasons


def _read_layer(folder: Path, shape: schema.RecordShape, texts: dict[str, str], split: str, out: Predictions) -> None:
    per_doc: dict[str, list[dict[str, Any]]] = {doc_id: [] for doc_id in texts}
    for path in sorted(folder.glob("*.jsonl")):
        doc_id = path.stem
        if doc_id not in texts:
            out.problems.append(Problem(path, 0, f"document {doc_id!r} is not in the split {split!r}"))
            continue
        try:
            lines = list(iter_lines(path))
        except CorpusError as exc:
            out.problems.append(Problem(path, 0, str(exc)))
            continue
        for line in lines:
            if line.record is None:
                out.problems.append(Problem(path, line.no, line.error or "unreadable line"))
                continue
            reasons = check_record(shape, line.record, texts[doc_id])
            out.problems += [Problem(path, line.no, reason) for reason in reasons]
            if not reasons:
                per_doc[doc_id].append(line.record)
    out.layers[shape.name] = per_doc


def read_predictions(folder: Path, texts: dict[str, str], split: str) -> Predictions:
    """The predictions under ``folder`` for the documents of ``texts`` (doc_id -> text of the split).

    A file that is not UTF-8 is one problem of that file, like a line that is not JSON.
    """
    out = Predictions()
    if not folder.is_dir():
        out.problems.append(Problem(folder, 0, "not a folder"))
        return out
    for shape in LAYERS:
        layer_dir = folder / shape.name
        if not layer_dir.is_dir():
            continue
        _read_layer(layer_dir, shape, texts, split, out)
    if not out.layers and not out.problems:
        names = ", ".join(f"{s.name}/" for s in LAYERS)
        out.problems.append(Problem(folder, 0, f"no layer folder to score (expected one of {names})"))
    return out
