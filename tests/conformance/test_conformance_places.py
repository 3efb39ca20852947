"""One answer, on every carrier, to a region or city the carrier does not know."""

from __future__ import annotations

from typing import Any

import pytest

import didkit
from didkit import InvalidInputError, SearchQuery, UnknownPlaceError
from didkit.places import matching_cities, matching_regions, normalize_place, unknown_place

CARRIERS = ["wavix", "didww"]


class _Place:
    def __init__(self, id: Any, name: str, code: str | None = None, region: str | None = None) -> None:
        self.id, self.name, self.code, self.region = id, name, code, region


def test_region_names_are_matched_by_id_name_or_subdivision_code() -> None:
    regions = [_Place(7, "California"), _Place("r-2", "Ciudad Autónoma de Buenos Aires", code="C")]
    assert matching_regions("US", regions, "california") == regions[:1]
    assert matching_regions("US", regions, " CA ") == regions[:1]  # ISO 3166-2, looked up by name
    assert matching_regions("US", regions, "7") == regions[:1]
    assert matching_regions("AR", regions, "ciudad autonoma de buenos aires") == regions[1:]
    assert matching_regions("AR", regions, "c") == regions[1:]  # the carrier's own code
    assert matching_regions("US", regions, "Narnia") == []
    assert matching_regions("US", regions, "8") == []


def test_city_names_are_matched_by_id_name_or_name_and_region() -> None:
    cities = [_Place("c-1", "Los Angeles", region="California"), _Place("c-2", "Córdoba", region="Córdoba")]
    assert matching_cities("US", cities, "LOS ANGELES") == cities[:1]
    assert matching_cities("US", cities, "Los Angeles, CA") == cities[:1]
    assert matching_cities("US", cities, "Los Angeles, California") == cities[:1]
    assert matching_cities("US", cities, "Los Angeles, TX") == []
    assert matching_cities("AR", cities, "cordoba") == cities[1:]
    assert matching_cities("AR", cities, "c-2") == cities[1:]
    assert normalize_place("  Córdoba, AR. ") == "cordoba ar"


def test_the_error_names_the_place_and_the_closest_names() -> None:
    error = unknown_place("region", "Californa", ["California", "Colorado", "Nevada"], provider="x", country="US")
    assert isinstance(error, InvalidInputError) and isinstance(error, didkit.DidkitError)
    assert (error.provider, error.kind, error.name, error.country) == ("x", "region", "Californa", "US")
    assert error.suggestions == ("California",)
    assert str(error) == "x: no region 'Californa' in US (did you mean 'California'?)"
    none_close = unknown_place("city", "Narnia", ["Austin", "Miami"], provider="x", country="US", within="Texas")
    assert str(none_close) == "x: no city 'Narnia' in Texas, US (2 cities known there, none close)"
    nothing = unknown_place("region", "X", [], provider="x", country="GB")
    assert str(nothing) == "x: no region 'X' in GB (no regions known there)"


@pytest.mark.parametrize("carrier", CARRIERS)
def test_list_cities_with_an_unknown_region(carrier: str) -> None:
    with didkit.connect(carrier, sandbox=True) as provider:
        with pytest.raises(UnknownPlaceError) as caught:
            provider.list_cities("US", region="Narnia")
        assert (caught.value.provider, caught.value.kind, caught.value.name) == (carrier, "region", "Narnia")
        with pytest.raises(UnknownPlaceError, match="did you mean 'California'"):
            provider.list_cities("US", region="Californa")
        assert provider.list_cities("US", region="ca")  # a known region, by its code, still answers
        assert provider.emulator.purchased_numbers() == []


@pytest.mark.parametrize("carrier", CARRIERS)
@pytest.mark.parametrize(
    ("query", "kind"),
    [
        (SearchQuery(country="US", region="Narnia"), "region"),
        (SearchQuery(country="US", city="Narnia"), "city"),
        (SearchQuery(country="US", region="Texas", city="Los Angeles"), "city"),
    ],
)
def test_search_with_an_unknown_place(carrier: str, query: SearchQuery, kind: str) -> None:
    with didkit.connect(carrier, sandbox=True) as provider:
        with pytest.raises(UnknownPlaceError) as caught:
            list(provider.search_numbers(query))
        assert (caught.value.provider, caught.value.kind) == (carrier, kind)


@pytest.mark.parametrize("carrier", CARRIERS)
async def test_async_search_and_list_cities_answer_alike(carrier: str) -> None:
    provider = didkit.connect_async(carrier, sandbox=True)
    try:
        with pytest.raises(UnknownPlaceError, match="did you mean"):
            async for _ in provider.search_numbers(SearchQuery(country="US", city="Los Angelos")):
                pass
        with pytest.raises(UnknownPlaceError):
            await provider.list_cities("US", region="Narnia")
    finally:
        await provider.aclose()


@pytest.mark.parametrize("carrier", CARRIERS)
def test_a_known_city_with_its_region_still_finds_offers(carrier: str) -> None:
    with didkit.connect(carrier, sandbox=True) as provider:
        assert list(provider.search_numbers(SearchQuery(country="US", city="Los Angeles, CA", limit=2)))
        assert list(provider.search_numbers(SearchQuery(country="US", region="California", limit=2)))
