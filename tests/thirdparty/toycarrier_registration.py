"""The toy carrier is registered for each test that imports this fixture only, through the public
:func:`didkit.registry.register_provider` (it is not installed as a distribution). Not a
``conftest.py``: other test folders import theirs by that module name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from didkit_toycarrier import ToyProvider

from didkit.registry import register_provider


@pytest.fixture(autouse=True)
def toycarrier_registered() -> Iterator[None]:
    register_provider("toycarrier", ToyProvider)
    yield
    register_provider("toycarrier", None)
