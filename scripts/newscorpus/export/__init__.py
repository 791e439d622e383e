"""The Hugging Face export: Parquet configs, dataset card, Croissant and checksums.

Everything here is derived from ``newscorpus.schema`` (features, label names)
and ``newscorpus.texts`` (prose), so the export cannot drift from the data
model.  Heavy libraries (datasets, pyarrow, spaCy) are imported inside the
functions that need them: ``newscorpus.export.build`` is imported by the CLI
to build its parser.
"""


class ExportError(Exception):
    """Input or output the export cannot write; the message names the file, record and problem."""
