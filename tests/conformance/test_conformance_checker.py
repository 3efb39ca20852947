"""The suite-wide conformance check can fail: a broken emulator response is caught."""

from __future__ import annotations

import json
from types import SimpleNamespace

from didkit_conformance import ConformanceChecker


def _emulator(name: str) -> SimpleNamespace:
    return SimpleNamespace(name=name)


def _response(status: int, body: object) -> SimpleNamespace:
    return SimpleNamespace(status=status, body=json.dumps(body).encode())


def test_conforming_and_broken_wavix_bodies() -> None:
    checker = ConformanceChecker()
    good = {"success": True}
    checker.record(_emulator("wavix"), None, "POST /v1/buy/cart/checkout", _response(201, good))
    assert checker.problems() == []
    checker.record(_emulator("wavix"), None, "GET /v1/numbers", _response(200, {"items": "not a list"}))
    problems = checker.problems()
    assert problems and "GET /v1/numbers 200" in problems[0]


def test_undocumented_status_is_a_problem_unless_a_known_deviation() -> None:
    checker = ConformanceChecker()
    checker.record(_emulator("wavix"), None, "GET /v1/trunks", _response(418, {"success": False, "message": "x"}))
    assert any("not documented" in p for p in checker.problems())
    deviation = ConformanceChecker()
    deviation.record(_emulator("wavix"), None, "GET /v1/numbers", _response(401, {"success": "no", "message": 5}))
    assert any("undocumented status" in p for p in deviation.problems())


def test_didww_documents_are_checked() -> None:
    checker = ConformanceChecker()
    checker.record(_emulator("didww"), None, "GET /countries", _response(200, {"data": [{"id": 5}]}))
    assert checker.problems()


def test_a_broken_body_after_many_identical_good_ones_is_still_checked() -> None:
    checker = ConformanceChecker()
    for _ in range(100):  # more than SAMPLES_PER_KEY: identical bodies take one sample
        checker.record(_emulator("wavix"), None, "POST /v1/buy/cart/checkout", _response(201, {"success": True}))
    checker.record(_emulator("wavix"), None, "POST /v1/buy/cart/checkout", _response(201, {"success": "yes"}))
    problems = checker.problems()
    assert problems == ["wavix: POST /v1/buy/cart/checkout 201: success: 'yes' is not of type 'boolean'"]
