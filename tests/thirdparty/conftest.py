"""The toy carrier is registered for these tests only, through the public
:func:`didkit.registry.register_provider` (it is not installed as a distribution)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from didkit_toycarrier import ToyProvider

from didkit.registry import register_provider


@pytest.fixture(autouse=True)
def toycarrier() -> Iterator[None]:
    register_provider("toycarrier", ToyProvider)
    yield
    register_provider("toycarrier", None)
