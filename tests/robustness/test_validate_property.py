"""Property: whatever the layer files, manifest and entity table hold, ``validate_root`` returns findings
and never raises (a fixed example budget and seed, so CI runs the same cases every time)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus.checks import CHECKS
from newscorpus.validate import validate_root

from .conftest import VALID

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)

FILES = [
    "annotations/entities/alpha.jsonl",
    "annotations/figures/alpha.jsonl",
    "annotations/stances/beta.jsonl",
    "annotations/exceptions/alpha.jsonl",
    "annotations/entity_table.jsonl",
    "corpus/manifest.jsonl",
]


@st.composite
def broken_line(draw, records: list[dict]) -> bytes:
    kind = draw(st.sampled_from(["mutated", "mutated", "raw", "json"]))
    if kind == "raw":
        return draw(st.binary(max_size=40))
    if kind == "json":
        return json.dumps(draw(json_values)).encode()
    record = dict(draw(st.sampled_from(records)))
    for key in draw(st.lists(st.sampled_from([*record, "extra"]), max_size=3)):
        if draw(st.booleans()):
            record[key] = draw(json_values)
        else:
            record.pop(key, None)
    return json.dumps(record).encode()


@st.composite
def corrupted_file(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(FILES))
    lines = (VALID / name).read_bytes().splitlines()
    records = [json.loads(line) for line in lines]
    position = draw(st.integers(0, len(lines)))
    new = draw(st.lists(broken_line(records), min_size=1, max_size=3))
    return name, b"\n".join([*lines[:position], *new, *lines[position:]]) + b"\n"


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(corrupted_file(), min_size=1, max_size=3))
def test_validate_never_raises_and_every_finding_is_a_registered_check(changes):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(shutil.copytree(VALID, Path(tmp) / "root"))
        for name, content in changes:
            (root / name).write_bytes(content)
        findings = validate_root(root)
        assert all(f.check in CHECKS and f.file for f in findings)
