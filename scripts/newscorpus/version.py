"""The corpus version: the one place it is written.

The export card, every Parquet file's schema metadata, ``newscorpus --version``
and the package version (pyproject reads this attribute) all come from here;
``newscorpus release`` is what changes it.
"""

CORPUS_VERSION = "1.1.0"
