"""Two builds from the same inputs are byte-identical; SHA256SUMS covers every file."""

from __future__ import annotations

import hashlib

from newscorpus.export.destination import MARKER
from newscorpus.export.exporter import CHECKSUM_FILE


def files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_rebuild_writes_the_same_files(export_dir, rebuilt_export_dir):
    assert files(export_dir) == files(rebuilt_export_dir)


def test_a_rebuild_is_byte_identical(export_dir, rebuilt_export_dir):
    assert (export_dir / CHECKSUM_FILE).read_bytes() == (rebuilt_export_dir / CHECKSUM_FILE).read_bytes()
    for rel in files(export_dir):
        assert (export_dir / rel).read_bytes() == (rebuilt_export_dir / rel).read_bytes(), rel


def test_checksums_list_every_other_file_with_its_sha256(export_dir):
    """Every file but SHA256SUMS itself (the destination marker included: it is written before the checksums)."""
    listed = {}
    for line in (export_dir / CHECKSUM_FILE).read_text().splitlines():
        digest, rel = line.split("  ", 1)
        listed[rel] = digest
    assert MARKER in listed
    assert sorted(listed) == [f for f in files(export_dir) if f != CHECKSUM_FILE]
    for rel, digest in listed.items():
        assert hashlib.sha256((export_dir / rel).read_bytes()).hexdigest() == digest, rel
