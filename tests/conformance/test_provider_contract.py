"""Both bundled adapters keep the provider contract (``didkit.testing.contract``) on their emulators."""

from __future__ import annotations

from typing import Any, ClassVar

from didkit import Address, Document, EndUser, SearchQuery
from didkit.testing.contract import ProviderContract

BERLIN = SearchQuery(country="DE", city="Berlin")
ADA = EndUser.person(
    "Ada",
    "Lovelace",
    address=Address("Unter den Linden 1", "Berlin", "10117", "DE"),
    phone="+4930901820",
    birth_date="1990-12-10",
    documents=(Document("identity", "passport.pdf", b"%PDF passport"), Document("address", "bill.png", b"PNG bill")),
    description="Berlin office line",
)


class TestWavixContract(ProviderContract):
    provider_name = "wavix"
    registration_query = BERLIN
    end_user = ADA


class TestDidwwContract(ProviderContract):
    provider_name = "didww"  # API 2026-11-19, the default: bearer tokens
    specific_number_options: ClassVar[dict[str, Any]] = {"specific_numbers": True}
    registration_query = BERLIN
    end_user = ADA


class TestDidww20260416Contract(ProviderContract):
    provider_name = "didww"
    options: ClassVar[dict[str, Any]] = {"api_version": "2026-04-16"}  # Api-Key, did_group_type
    specific_number_options: ClassVar[dict[str, Any]] = {"specific_numbers": True}
    registration_query = BERLIN
    end_user = ADA
