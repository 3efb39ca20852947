"""A toy adapter written only against didkit's public core API (as a third party would)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from didkit import (
    DID,
    AvailableNumber,
    City,
    Country,
    Destination,
    DestinationKind,
    Order,
    OrderStatus,
    ProviderCapabilities,
    Region,
)
from didkit.adapter import AsyncProvider, NumberRef, ProviderOperations, ProviderSpec, SyncProvider
from didkit.engine import HttpRequest, Operation, Stream
from didkit.kit import Declared, NumberFilter, NumberUpdate, Page, Param, linked_pages, numbered_pages
from didkit.model import SearchQuery


class ToyOperations(ProviderOperations):
    def list_countries(self) -> Operation[list[Country]]:
        response = yield HttpRequest("GET", "/countries")
        return [Country(code=c, name=c, provider=self.provider) for c in response.json()["countries"]]

    def list_regions(self, country: str) -> Operation[list[Region]]:
        return []
        yield  # pragma: no cover

    def list_cities(self, country: str, region: str | None) -> Operation[list[City]]:
        return []
        yield  # pragma: no cover

    def search_numbers(self, query: SearchQuery) -> Stream:
        def fetch(page: int) -> Operation[Page[AvailableNumber]]:
            response = yield HttpRequest("GET", "/offers", params={"page": page})
            body = response.json()
            offers = [AvailableNumber(provider=self.provider, number=n, country="US") for n in body["items"]]
            return Page(offers, total_pages=body["pages"])

        yield from numbered_pages(fetch)

    def purchase(self, offer: AvailableNumber, reference: str | None, wait: float) -> Operation[Order]:
        response = yield HttpRequest("POST", "/buy", json={"number": offer.number, "ref": reference}, idempotent=False)
        return Order(id=str(response.json()["id"]), provider=self.provider, status=OrderStatus.COMPLETED)

    def get_order(self, order_id: str) -> Operation[Order]:
        yield HttpRequest("GET", f"/orders/{order_id}")
        return Order(id=order_id, provider=self.provider, status=OrderStatus.COMPLETED)

    server_filters = frozenset({"status"})
    number_filters = Declared("filter", {"colour": Param("the number's colour", str)})
    update_fields = Declared("update field", {"colour": Param("the number's colour", str)})

    def list_numbers(self, filters: NumberFilter) -> Stream:
        params: dict[str, Any] = dict(filters.carrier)
        if filters.status:
            params["status"] = ",".join(sorted(status.value for status in filters.status))

        def fetch(url: str) -> Operation[Page[DID]]:
            response = yield HttpRequest("GET", url, params=params if url == "/numbers" else None)
            body = response.json()
            dids = [DID(id=str(i), provider=self.provider, number=n) for i, n in enumerate(body["data"])]
            return Page(dids, next=body["links"].get("next"))

        yield from linked_pages(fetch, "/numbers")

    def get_number(self, ref: NumberRef) -> Operation[DID]:
        response = yield HttpRequest("GET", f"/numbers/{ref.id or ref.number}")
        return DID(id=str(response.json()["id"]), provider=self.provider, number=response.json()["number"])

    def update_number(self, ref: NumberRef, changes: NumberUpdate) -> Operation[DID]:
        response = yield HttpRequest("PATCH", f"/numbers/{ref.id}", json=dict(changes.carrier))
        return DID(id=str(ref.id), provider=self.provider, number=response.json()["number"])

    def set_destinations(self, ref: NumberRef, destinations: Sequence[Destination]) -> Operation[DID]:
        body = [{"target": d.target, "priority": d.priority} for d in destinations]
        response = yield HttpRequest("PUT", f"/numbers/{ref.id}/routes", json=body, idempotent=True)
        return DID(
            id=str(ref.id), provider=self.provider, number=response.json()["number"], destinations=tuple(destinations)
        )

    def release_number(self, ref: NumberRef) -> Operation[None]:
        yield HttpRequest("DELETE", f"/numbers/{ref.id}", idempotent=True)


TOY = ProviderSpec(
    name="toy",
    default_base_url="https://toy.test/api",
    capabilities=ProviderCapabilities(
        destination_kinds={DestinationKind.SIP_URI, DestinationKind.PSTN, DestinationKind.SIP_TRUNK}
    ),
    auth_headers=lambda key: {"Authorization": f"Token {key}"},
    operations=ToyOperations,
    api_key_env="TOY_API_KEY",
)


class ToyProvider(SyncProvider):
    spec = TOY


class AsyncToyProvider(AsyncProvider):
    spec = TOY


ToyProvider.async_class = AsyncToyProvider  # type: ignore[attr-defined]
