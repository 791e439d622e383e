"""What the card and croissant.json say about publishing: release date, citation, agreement, tools.

All of it is read from committed files or the Parquet files just built, never from the clock, so the same
inputs give the same card: the release date is the current version's CHANGELOG.md date (none before the
release), the agreement figures come from ``annotations/agreement.json`` (without it the card says there
is no study), and the machine annotation tools are the annotators and methods the exported records carry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import schema, texts
from ..release import release_date
from .readback import config_splits, read_split_rows
from . import ExportError

AGREEMENT_FILE = Path("annotations") / "agreement.json"
"""Written by whoever runs an agreement study (e.g. between two LLM annotators); read, never written, here.

Its contract: a JSON object with a ``summary`` string that states who was compared (say so
when the annotators are LLMs: LLM agreement is not human agreement), on which documents and
layers, and the figures.  The card and ``rai:dataAnnotationAnalysis`` quote that summary."""

TOKENIZER_TOOL = (
    "spaCy's rule-based English tokenizer and sentencizer (spacy.blank(\"en\"), no statistical model): "
    "the tokens and sentences of the ner config, whose BIO tags are derived from the name mentions."
)


@dataclass(frozen=True)
class Publication:
    version: str
    date: str | None  # ISO date of the release, None when the version has no changelog entry
    agreement: str | None  # the agreement study's summary, None when there is none


def publication(root: Path, version: str) -> Publication:
    return Publication(version, release_date(root, version), agreement_statement(root))


def publication_from_export(export: Path, version: str) -> Publication:
    """The release date as a finished export states it (its croissant.json ``datePublished``)."""
    croissant = export / "croissant.json"
    date = json.loads(croissant.read_text(encoding="utf-8")).get("datePublished") if croissant.is_file() else None
    return Publication(version, date, None)


def agreement_statement(root: Path) -> str | None:
    """The agreement study of ``annotations/agreement.json`` (written by ``newscorpus agreement --between
    --out``) as its figures and what they are, or None when no study has written it."""
    from ..labelstudio.agreement import agreement_markdown

    path = root / AGREEMENT_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        figures = agreement_markdown(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"{AGREEMENT_FILE}: not valid JSON ({exc})") from None
    except (KeyError, TypeError) as exc:
        raise ExportError(f"{AGREEMENT_FILE}: not an `agreement --between` result (missing {exc})") from None
    return figures.strip()  # the figures followed by what they are (texts.TEXTS["agreement_caveat"])


def annotation_analysis(pub: Publication) -> str:
    """What is known about the annotations' quality: the agreement study's summary, or that there is none."""
    checks = "Every record passes `newscorpus validate` (format, offsets, label inventories, cross-record consistency, completeness)."
    return f"{pub.agreement or texts.TEXTS['no_agreement']} {checks}"


def bibtex(pub: Publication) -> str:
    """A BibTeX entry for this version of the dataset (``@misc``, as Hub cards use)."""
    key = texts.DATASET_SLUG.replace("-", "_") + "_v" + pub.version.replace(".", "_")
    latex = texts.PRETTY_NAME.replace("–", "--")
    fields = [
        ("title", f"{{{latex}}}"),
        ("author", f"{{{texts.CREATORS.replace('–', '--')}}}"),
        *([("year", pub.date[:4]), ("month", str(int(pub.date[5:7])))] if pub.date else []),
        ("version", pub.version),
        ("note", f"Annotated news corpus, version {pub.version}; LLM-written reference annotations"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"


def machine_annotation_tools(out: Path) -> list[str]:
    """The machine annotators of the exported records (annotator and method), then the tokenizer."""
    import pyarrow.parquet as pq

    pairs: set[tuple[str, str]] = set()
    for config in ("entity_table", *(shape.name for shape in schema.ANNOTATION_LAYERS)):
        for paths in config_splits(out, config).values():
            for path in paths:  # distinct pairs by Arrow's group_by: no Python object per row
                distinct = pq.read_table(path, columns=["annotator", "method"]).group_by(["annotator", "method"]).aggregate([])
                pairs.update(zip(distinct.column("annotator").to_pylist(), distinct.column("method").to_pylist()))
    machine = sorted(p for p in pairs if schema.METHOD_ANNOTATIONS_CREATORS.get(p[1]) == "machine-generated")
    return [f"{annotator} (method {method}: {schema.METHODS.definition(method)})" for annotator, method in machine] + [TOKENIZER_TOOL]


def publication_dates(out: Path) -> list[str]:
    """The earliest and latest ``published`` date of the exported documents (empty when none has one)."""
    dates = sorted(
        {r["published"] for rows in read_split_rows(out, "documents", ["published"]).values() for r in rows if r["published"]}
    )
    return [dates[0], dates[-1]] if dates else []
