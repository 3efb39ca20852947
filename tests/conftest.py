"""Suite-wide conformance mode: every response any emulator produces during the test suite is
recorded, then validated against the JSON Schemas derived from the carriers' published OpenAPI
documents (see ``didkit_conformance``). Set ``DIDKIT_CONFORMANCE=0`` to switch it off locally.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from didkit_conformance import CHECKER, ConformanceChecker


@pytest.fixture(scope="session", autouse=True)
def emulator_conformance() -> Iterator[ConformanceChecker]:
    """Record every emulator response of the session; fail the session on a non-conforming one."""
    if os.environ.get("DIDKIT_CONFORMANCE", "1") == "0":
        yield CHECKER
        return
    from didkit.sandbox import add_recorder, remove_recorder

    add_recorder(CHECKER.record)
    try:
        yield CHECKER
    finally:
        remove_recorder(CHECKER.record)
    problems = CHECKER.problems()
    if problems:
        listing = "\n  ".join(sorted(set(problems))[:60])
        pytest.fail(f"{len(problems)} emulator responses do not conform to the published specs:\n  {listing}")
