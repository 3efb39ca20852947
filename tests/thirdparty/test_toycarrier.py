"""A third carrier written only with the public kit (``didkit_toycarrier``, beside this file)
keeps the provider contract, runs the neutral-filter program unchanged, and authenticates with
two credential parts (HTTP Basic) that no error path shows."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from toycarrier_registration import toycarrier_registered  # noqa: F401 - an autouse fixture

import didkit
from didkit import DID, Destination, SearchQuery
from didkit.registry import register_provider
from didkit.testing.contract import ProviderContract


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


def _neutral_programs() -> Any:
    """The carrier-neutral caller programs of ``tests/core/test_core_neutral_numbers.py``."""
    path = Path(__file__).parents[1] / "core" / "test_core_neutral_numbers.py"
    spec = importlib.util.spec_from_file_location("neutral_numbers_program", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_neutral_filter_program_runs_unchanged() -> None:
    with didkit.connect("toycarrier", sandbox=True) as provider:
        found: dict[str, list[str]] = _neutral_programs().program(provider)
    assert found["us"] and all(n.startswith("+1") for n in found["us"])
    assert found["nyc"] and all(n.startswith("+1212") for n in found["nyc"])
    assert len(found["label"]) == 1 and len(found["pending"]) == 1
    assert found["sms"] and found["us-active-sms"] and found["nowhere"] == []


def test_the_neutral_update_program_runs_unchanged() -> None:
    with didkit.connect("toycarrier", sandbox=True) as provider:
        updated: DID = _neutral_programs().update_program(provider)
        assert updated.label == "front desk"
        assert [d.number for d in provider.list_numbers(label="front desk")] == [updated.number]
        cleared = provider.update_number(updated, label=None, carrier_fields={"emergency_enabled": True})
        assert cleared.label is None and cleared.raw["emergency_enabled"] is True
        with pytest.raises(didkit.InvalidInputError, match="known: emergency_enabled"):
            provider.update_number(updated, carrier_fields={"emergency": True})


def test_a_purchase_with_an_unknown_outcome_is_settled_from_the_carrier() -> None:
    """The order committed but its answer was lost: settle_purchase finds it by the reference."""
    with didkit.connect("toycarrier", sandbox=True) as provider:
        offer = next(iter(provider.search_numbers(SearchQuery(country="US", limit=1))))
        provider.emulator.faults.inject("POST /orders", commit_then_drop=True)
        order = provider.purchase(offer, reference="lost-answer")
        assert [n.number for n in order.numbers] == [offer.number] == provider.emulator.purchased_numbers()


def test_the_carriers_own_sold_out_code_maps_to_number_unavailable() -> None:
    with didkit.connect("toycarrier", sandbox=True) as provider:
        offer = next(iter(provider.search_numbers(SearchQuery(country="US", limit=1))))
        provider.emulator.sell_out(offer.number)
        with pytest.raises(didkit.NumberUnavailableError, match="not available") as caught:
            provider.purchase(offer)
        assert caught.value.provider == "toycarrier" and provider.emulator.purchased_numbers() == []


def test_a_carrier_filter_goes_to_the_carrier_and_a_bad_one_is_refused_before_any_request() -> None:
    with didkit.connect("toycarrier", sandbox=True) as provider:
        found = [d.number for d in provider.list_numbers(carrier_filters={"area_code": "415"})]
        assert found == ["+14155550002"]
        assert provider.emulator.requests[-1].arg("area_code") == "415"
        before = len(provider.emulator.requests)
        for bad in ({"area_code": "4155"}, {"region": "CA"}):
            with pytest.raises(didkit.InvalidInputError, match="area_code"):
                list(provider.list_numbers(carrier_filters=bad))
        assert len(provider.emulator.requests) == before
