"""Collecting findings: checks report here instead of raising, so one run shows every problem."""

from __future__ import annotations

from dataclasses import dataclass, field

from .registry import CHECKS, ERROR, Finding, make_finding


@dataclass
class Reporter:
    """The findings of one validation run; guideline checks are dropped when completeness is off."""

    completeness: bool = True
    findings: list[Finding] = field(default_factory=list)
    errors: int = 0  # error findings so far: a consumer of the run stops using records once there is one

    def add(
        self,
        check: str,
        file: str,
        line: int | None,
        message: str,
        *,
        doc_id: str | None = None,
        record_id: str | None = None,
    ) -> None:
        if CHECKS[check].completeness and not self.completeness:
            return
        finding = make_finding(check, file, line, message, doc_id=doc_id, record_id=record_id)
        self.findings.append(finding)
        self.errors += finding.severity == ERROR

    def at(self, file: str, doc_id: str | None = None, *, records_are_documents: bool = False) -> "FileReporter":
        return FileReporter(self, file, doc_id, records_are_documents)

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)


@dataclass(frozen=True)
class FileReporter:
    """A reporter bound to one file (and document), so checks name only line, record and message."""

    reporter: Reporter
    file: str
    doc_id: str | None = None
    records_are_documents: bool = False  # the manifest: a record's id is its doc_id

    def add(self, check: str, line: int | None, message: str, record_id: str | None = None) -> None:
        doc_id = record_id if self.records_are_documents else self.doc_id
        self.reporter.add(check, self.file, line, message, doc_id=doc_id, record_id=record_id)

