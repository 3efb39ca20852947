"""A third carrier written only with the public kit (``didkit_toycarrier``, beside this file)
keeps the provider contract, runs the neutral-filter program unchanged, and authenticates with
two credential parts (HTTP Basic) that no error path shows."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from didkit_toycarrier import ToyProvider

import didkit
from didkit import Destination
from didkit.registry import register_provider
from didkit.testing.contract import ProviderContract


@pytest.fixture(autouse=True)
def toycarrier() -> Iterator[None]:
    register_provider("toycarrier", ToyProvider)
    yield
    register_provider("toycarrier", None)


class TestToyContract(ProviderContract):
    provider_name = "toycarrier"

    def destinations(self) -> list[Destination]:
        return [Destination.url("https://app.example.com/calls"), Destination.sip("sip:desk@pbx.example.com")]


def test_registration_is_for_the_test_only() -> None:
    assert "toycarrier" in didkit.available_providers()
    register_provider("toycarrier", None)
    assert "toycarrier" not in didkit.available_providers()
    with pytest.raises(didkit.ConfigurationError, match="unknown provider"):
        didkit.connect("toycarrier", sandbox=True)


def test_the_neutral_filter_program_runs_unchanged() -> None:
    path = Path(__file__).parents[1] / "core" / "test_core_neutral_numbers.py"
    spec = importlib.util.spec_from_file_location("neutral_numbers_program", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    program = module.program
    with didkit.connect("toycarrier", sandbox=True) as provider:
        found: dict[str, list[str]] = program(provider)
    assert found["nyc"] and all(n.startswith("+1212") for n in found["nyc"])
    assert len(found["pending"]) == 1 and found["nowhere"] == []
