"""The validator's checks, by level; ``newscorpus.validate`` runs them over a corpus root.

* ``registry`` -- every check id with its level, severity and description, and ``Finding``;
* ``records``  -- levels 1 and 2: record shape and types, then each record's own content;
* ``crossref`` -- level 3 references between records (entity table, duplicate spans);
* ``guidelines`` -- level 3 completeness checks (digits, surface forms, name mentions);
* ``iso8601``  -- the ISO 8601 forms figures may hold, with the standard library only.

Everything here imports only the standard library, so the CLI starts fast.
"""

from .registry import CHECKS, CheckInfo, Finding, has_errors

__all__ = ["CHECKS", "CheckInfo", "Finding", "has_errors"]
