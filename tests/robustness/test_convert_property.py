"""Property: whatever a Label Studio annotation result holds, the converter either returns records or
raises ``ConversionError`` (naming task and region) -- never another exception (fixed seed and budget)."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscorpus import schema
from newscorpus.corpus import load_corpus
from newscorpus.labelstudio import convert

from .conftest import REPO

FIXTURE = REPO / "tests" / "labelstudio" / "fixture_root"
CORPUS = load_corpus(FIXTURE)
DOC_ID = next(iter(CORPUS.texts))
TEXT = CORPUS.texts[DOC_ID]
RESULT = convert.records_to_result(DOC_ID, {shape.name: CORPUS.records(shape, DOC_ID) for shape in schema.ANNOTATION_LAYERS})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


@st.composite
def mutated_result(draw):
    result = copy.deepcopy(RESULT)
    for _ in range(draw(st.integers(1, 4))):
        item = draw(st.sampled_from(result)) if result else {}
        target = item if draw(st.booleans()) or not isinstance(item.get("value"), dict) else item["value"]
        key = draw(st.sampled_from(sorted(target) + ["extra"])) if target else "extra"
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "replace":
            target[key] = draw(json_values)
        elif action == "delete":
            target.pop(key, None)
        else:
            result.append(copy.deepcopy(item))
    return result


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(result=mutated_result() | json_values)
def test_the_converter_returns_records_or_raises_conversion_error(result):
    try:
        layers = convert.result_to_records(DOC_ID, TEXT, result)
    except convert.ConversionError as exc:
        assert str(exc)
        return
    assert set(layers) <= {shape.name for shape in (*schema.ANNOTATION_LAYERS, schema.ENTITY)}
