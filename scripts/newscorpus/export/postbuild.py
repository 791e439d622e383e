"""Files derived from the finished export's Parquet: CoNLL files and the document viewer.

Called by the build after the Parquet configs, card and Croissant are written and
before ``SHA256SUMS``, so these files are checksummed with the rest.  They read the
export folder only (never the build's internals), so they describe exactly what was
published and stay correct however the Parquet files are produced.
"""

from __future__ import annotations

from pathlib import Path


def write_derived_files(out: Path, viewer: bool = True) -> list[Path]:
    """Write ``conll/`` and, unless ``viewer`` is false, ``viewer/`` into the export at ``out``;
    return the files written.  The viewer is one HTML page per document (tens of kilobytes each),
    so a large corpus may be built without it."""
    from .conll import write_conll
    from .viewer import write_viewer

    return write_conll(out) + (write_viewer(out) if viewer else [])
