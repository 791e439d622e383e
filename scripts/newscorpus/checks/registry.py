"""The check registry and the finding record.

Every check the validator can report is listed here once, with its level,
severity and a one-line description, so that the docs and the tests can
enumerate them and a finding can never carry a level or severity that
disagrees with its check.  Check ids are stable: tools and exception records
refer to them, so rename one only with a release note.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import schema

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class CheckInfo:
    """What a check id means: its level (1 format, 2 record, 3 corpus), severity and purpose."""

    id: str
    level: int
    severity: str
    description: str
    completeness: bool = False  # a guideline check, skipped by ``completeness=False``


@dataclass(frozen=True)
class Finding:
    """One problem found, with everything needed to locate and fix it."""

    file: str
    line: int | None
    doc_id: str | None
    record_id: str | None
    check: str
    severity: str
    level: int
    message: str

    def sort_key(self) -> tuple:
        """Order by file, then line (file-level findings first), then check; the rest breaks ties."""
        return (
            self.file,
            self.line is not None,
            self.line or 0,
            self.check,
            self.doc_id or "",
            self.record_id or "",
            self.message,
        )


def _checks(*infos: CheckInfo) -> dict[str, CheckInfo]:
    return {info.id: info for info in infos}


CHECKS: dict[str, CheckInfo] = _checks(
    # ---- level 1: format and schema
    CheckInfo("missing-manifest", 1, ERROR, "The root has no corpus/manifest.jsonl, so nothing else can be checked."),
    CheckInfo("invalid-json", 1, ERROR, "A line of a JSONL file is not valid JSON or not a JSON object."),
    CheckInfo("missing-field", 1, ERROR, "A record lacks a field its record shape requires."),
    CheckInfo("unknown-field", 1, ERROR, "A record has a field its record shape does not define."),
    CheckInfo("wrong-type", 1, ERROR, "A field's value has the wrong JSON type, or is null where the field is not nullable."),
    CheckInfo("missing-text-file", 1, ERROR, "A manifest document has no corpus/<doc_id>.txt."),
    CheckInfo("invalid-text-encoding", 1, ERROR, "A document text is not valid UTF-8."),
    CheckInfo("unlisted-text-file", 1, WARNING, "A corpus/*.txt file is not in the manifest, so no tool will use it."),
    CheckInfo("orphan-annotation-file", 1, ERROR, "An annotations/<layer>/<doc_id>.jsonl file names a document that is not in the manifest."),
    CheckInfo("duplicate-doc-id", 1, ERROR, "Two manifest records have the same doc_id."),
    CheckInfo(
        "unreadable-file",
        1,
        ERROR,
        "A path where the layout expects a file holds a folder, a FIFO or a device, or is a symbolic link that leaves the root.",
    ),
    # ---- level 2: each record on its own
    CheckInfo("invalid-doc-id", 2, ERROR, "A doc_id is not a plain file stem (letters, digits, '.', '_', '-'; at most 200 characters), so it cannot name its files safely."),
    CheckInfo("invalid-id", 2, ERROR, "A record id or entity id is empty or holds whitespace, control or markup characters."),
    CheckInfo("invalid-offset", 2, ERROR, "A span's offsets are negative, past the end of the text, or start >= end."),
    CheckInfo("span-text-mismatch", 2, ERROR, "A span's stored text differs from text[start:end]."),
    CheckInfo("span-whitespace", 2, WARNING, "A span starts or ends with whitespace."),
    CheckInfo("unknown-label", 2, ERROR, "A label field (including the manifest split) holds a name that is not in its inventory."),
    CheckInfo("duplicate-id", 2, ERROR, "Two records in one file have the same id."),
    CheckInfo("invalid-date", 2, ERROR, "A date field is not an ISO 8601 calendar date (YYYY-MM-DD)."),
    CheckInfo("missing-normalized", 2, ERROR, "A figure of a kind that needs an ISO 8601 form has normalized null and is not approximate."),
    CheckInfo("invalid-normalized", 2, ERROR, "A figure's normalized value is not ISO 8601 (date, month, year, time, interval or duration)."),
    CheckInfo("invalid-range", 2, ERROR, "A figure has only one of value_low/value_high, or value_low > value_high."),
    CheckInfo(
        "invalid-figure-value",
        2,
        ERROR,
        f"A {' or '.join(schema.CALENDAR_FIGURE_KINDS)} figure has a value, value_low, value_high or unit (its normalized "
        "form carries it), or a figure of any other kind has no value and no range.",
    ),
    # ---- level 3: across records and files
    CheckInfo("unknown-entity", 3, ERROR, "An entity id (entity_id, holder_entity_id, measured_entity_ids) is not in the entity table."),
    CheckInfo("label-mismatch", 3, ERROR, "A mention's label differs from its entity's label in the entity table."),
    CheckInfo("sha256-mismatch", 3, ERROR, "A text file's sha256 differs from the manifest's text_sha256."),
    CheckInfo("duplicate-span", 3, ERROR, "Two records in one layer have the same span and the same label (or kind, check, holder/target/polarity)."),
    CheckInfo("unused-entity", 3, WARNING, "An entity-table row that no mention, stance or figure refers to."),
    CheckInfo(
        "unmentioned-entity",
        3,
        ERROR,
        "A stance holder or measured entity has no mention in the same document: the text never names who "
        "holds the stance or what the figure is about.",
    ),
    CheckInfo(schema.UNCOVERED_DIGIT, 3, ERROR, "A digit in a text lies outside every figure span and every uncovered-digit exception.", completeness=True),
    CheckInfo(
        schema.INCONSISTENT_SURFACE_FORM,
        3,
        ERROR,
        "A whole-word occurrence of a name annotated elsewhere is unannotated or labelled differently, and no exception covers it.",
        completeness=True,
    ),
    CheckInfo("missing-name-mention", 3, ERROR, "A nominal or pronominal mention's entity has no name mention in the same document.", completeness=True),
    CheckInfo("unneeded-exception", 3, WARNING, "An exception record waives nothing: its span holds no finding its check would report.", completeness=True),
)


def make_finding(
    check: str,
    file: str,
    line: int | None,
    message: str,
    *,
    doc_id: str | None = None,
    record_id: str | None = None,
) -> Finding:
    """A finding whose level and severity come from the registry, so they cannot disagree with it."""
    info = CHECKS[check]
    return Finding(file, line, doc_id, record_id, check, info.severity, info.level, message)


def has_errors(findings: "list[Finding] | tuple[Finding, ...]") -> bool:
    """True when any finding is an error: the one question a release or a build asks."""
    return any(f.severity == ERROR for f in findings)
