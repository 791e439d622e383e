"""MUC, B³ and CEAF-e on the CoNLL-2012 reference scorer's published test cases.

Key and responses are test case "A" of conll/reference-coreference-scorers (test/DataFiles/TC-A.key,
TC-A-<n>.response), written here as clusters of token spans (first token, last token); the expected
[recall, precision, F1] are those of test/CorefMetricTestConfig.pm.  Where that file gives no value
for a metric, none is asserted.  Cases A7-A9 test the scorer's handling of duplicate mentions in the
CoNLL file format and have no counterpart here.

Key: a=(0,1); b=(3,6) c=(9,9); d=(11,12) e=(14,14) f=(16,18).
"""

from __future__ import annotations

import pytest

from newscorpus.evaluate.coreference import coreference

A, B, C, D, E, F = (0, 1), (3, 6), (9, 9), (11, 12), (14, 14), (16, 18)
KEY = [{A}, {B, C}, {D, E, F}]

RESPONSES = {
    "A1": [{A}, {B, C}, {D, E, F}],
    "A2": [{A}, {D, E}],
    "A3": [{A}, {B, C, (10, 10)}, {D, E, (13, 13), F}, {(15, 15)}],
    "A4": [{A}, {B, C, (10, 10)}, {D, (15, 15)}, {(13, 13)}],
    "A5": [{A}, {B, (4, 5), C, (10, 10)}, {D, (15, 15)}, {(13, 13)}],
    "A6": [{A}, {(4, 5), (13, 13)}, {B, C, (10, 10)}, {D, (15, 15)}],
    "A10": [{A}, {B}, {C}, {D}, {E}, {F}],
    "A11": [{A, B, C, D, E, F}],
    "A12": [{A}, {(3, 4)}, {(7, 7)}, {C}, {D}, {E}, {(16, 16)}],
    "A13": [{A, (3, 4), (7, 7), C, D, E, (16, 16)}],
}


def f(r: float, p: float) -> float:
    return 2 * r * p / (r + p) if r + p else 0.0


# [recall, precision, F1] from CorefMetricTestConfig.pm; None where the file asserts nothing.
EXPECTED = {
    "A1": {"muc": [1, 1, 1], "b3": [1, 1, 1], "ceaf_e": [1, 1, 1]},
    "A2": {"muc": [1 / 3, 1, 0.5], "b3": [(7 / 3) / 6, 1, 14 / 25], "ceaf_e": [0.6, 0.9, 0.72]},
    "A3": {"muc": [1, 3 / 5, 0.75], "b3": [1, (4 + 7 / 12) / 9, 110 / 163], "ceaf_e": [0.88571, 0.66429, 0.75918]},
    "A4": {"muc": [1 / 3, 1 / 3, 1 / 3], "b3": [(3 + 1 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7, f(5 / 9, 17 / 42)], "ceaf_e": [0.73333, 0.55, 0.62857]},
    "A5": {"muc": [1 / 3, 1 / 4, 2 / 7], "b3": [(3 + 1 / 3) / 6, 2.5 / 8, f(5 / 9, 5 / 16)], "ceaf_e": [0.68889, 0.51667, 0.59048]},
    "A6": {"muc": [1 / 3, 1 / 4, 2 / 7], "b3": [(10 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 8, f(5 / 9, 17 / 48)], "ceaf_e": [0.73333, 0.55, 0.62857]},
    "A10": {"muc": [0, 0, 0], "b3": [3 / 6, 1, 2 / 3]},
    "A11": {"muc": [1, 3 / 5, 6 / 8], "b3": [1, (1 / 6 + 2 * 2 / 6 + 3 * 3 / 6) / 6, 14 / 25]},
    "A12": {"muc": [0, 0, 0], "b3": [(1 + 1 / 2 + 2 / 3) / 6, 4 / 7, f(13 / 36, 4 / 7)]},
    "A13": {"muc": [1 / 3, 1 / 6, 2 / 9], "b3": [(1 + 1 / 2 + 2 * 2 / 3) / 6, (1 / 7 + 1 / 7 + 2 * 2 / 7) / 7, f(17 / 36, 6 / 49)]},
}

CASES = [(case, metric, values) for case, metrics in EXPECTED.items() for metric, values in metrics.items()]


@pytest.mark.parametrize(("case", "metric", "expected"), CASES, ids=[f"{c}-{m}" for c, m, _ in CASES])
def test_reference_scorer_case(case: str, metric: str, expected: list[float]) -> None:
    key = [frozenset(c) for c in KEY]
    response = [frozenset(c) for c in RESPONSES[case]]
    got = coreference([(key, response)])[metric]
    recall, precision, f1 = expected
    assert got["recall"] == pytest.approx(recall, abs=1e-5)
    if case in ("A10", "A12") and metric == "muc":
        # The response has no links: MUC precision is 0/0.  The reference scorer prints 0; we
        # report it as undefined (None) and F1 as 0, the reference scorer's F1.
        assert got["precision"] is None
    else:
        assert got["precision"] == pytest.approx(precision, abs=1e-5)
    assert got["f1"] == pytest.approx(f1, abs=1e-5)
