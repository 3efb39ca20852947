"""Fixtures for the DIDWW adapter tests: vcrpy cassettes (replayed, never recorded unless asked),
a JSON:API-aware body matcher, DIDWW's published fixtures, and providers that never sleep.

Recording against a real account (read-only calls; see cassettes/didww/README.md)::

    DIDKIT_DIDWW_RECORD=1 DIDWW_API_KEY=... /work/venv/bin/pytest tests/didww/test_didww_record.py

records into ``cassettes/didww/recorded/`` with the ``Api-Key`` header scrubbed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vcr
from didww_support import CASSETTES, FIXTURES, RECORDING, TEST_KEY, V0416, make_vcr  # noqa: F401


@pytest.fixture(scope="session")
def vendor() -> Path:
    """DIDWW's published examples; the tests assert request bodies against them."""
    if not FIXTURES.is_dir():
        pytest.fail(f"DIDWW's vendor fixtures are missing: expected them at {FIXTURES}", pytrace=False)
    return FIXTURES


@pytest.fixture(scope="session")
def vendor_json(vendor: Path) -> Any:
    """Load one of DIDWW's published fixtures (``"orders/create_request.json"``)."""

    def load(path: str) -> Any:
        file = vendor / path
        if not file.is_file():
            pytest.fail(f"DIDWW vendor fixture {file} is missing", pytrace=False)
        return json.loads(file.read_text())

    return load


@pytest.fixture
def didww_vcr() -> vcr.VCR:
    return make_vcr()


class Sleeps:
    """An injected sleep that records instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def provider(sleeps: Sleeps) -> Iterator[Any]:
    from didkit_didww import DidwwProvider

    p = DidwwProvider(api_key=TEST_KEY, rate_limit=False, sleep=sleeps, api_version=V0416)
    yield p
    p.close()


@pytest.fixture
async def async_provider(sleeps: Sleeps) -> Any:
    from didkit_didww import AsyncDidwwProvider

    p = AsyncDidwwProvider(api_key=TEST_KEY, rate_limit=False, async_sleep=sleeps.async_sleep, api_version=V0416)
    yield p
    await p.aclose()
