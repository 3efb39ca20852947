"""The core's defaults for adapters that know nothing of regulation."""

from __future__ import annotations

import httpx
import pytest
from toy_adapter import ToyProvider

import didkit
from didkit import Address, EndUser, Requirements

BERLIN = Address("Unter den Linden 1", "Berlin", "10117", "DE")


def test_an_adapter_without_registration_says_so_before_any_request() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request expected, got {request.method} {request.url}")

    provider = ToyProvider(api_key="k", transport=httpx.MockTransport(refuse))
    offer = didkit.AvailableNumber(provider=provider.name, number="+12125550100", country="US", requires_documents=True)
    assert provider.requirements(offer) == Requirements(documents_required=True)
    person = EndUser.person("A", "B", address=BERLIN)
    with pytest.raises(didkit.UnsupportedOperationError):
        provider.register("+12125550100", person)
    with pytest.raises(didkit.InvalidInputError, match="EndUser"):
        provider.register("+12125550100", "me")  # type: ignore[arg-type]
