"""Coverage (countries, regions, cities) and inventory search, replayed from cassettes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from didkit import (
    Capability,
    InvalidInputError,
    Money,
    NumberType,
    SearchQuery,
    UnknownPlaceError,
)

US, AR, AU, GB = 8871, 8669, 8650, 8845


# -- coverage ----------------------------------------------------------------------------------------


def test_list_countries_gives_iso_codes_from_names(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("coverage"):
        countries = provider.list_countries()
    by_code = {c.code: c for c in countries}
    assert sorted(by_code) == ["AR", "AU", "GB", "US"]  # "Atlantis" has no ISO code: skipped
    assert by_code["US"].id == str(US) and by_code["US"].has_regions is True and by_code["US"].prefix == "1"
    assert by_code["GB"].id == str(GB) and by_code["GB"].name == "United Kingdom"  # id sent as a string
    assert by_code["AR"].has_regions is False and by_code["AR"].raw["name"] == "Argentina"
    assert all(c.provider == "wavix" for c in countries)


def test_coverage_is_cached_per_provider(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("coverage") as cas:
        first = provider.list_countries()
        regions = provider.list_regions("US")
        again = provider.list_countries()  # a second GET would find no unplayed interaction: cached
        assert provider.list_regions("us") == regions
        assert cas.play_count == 2
    assert again == first
    assert [(r.id, r.name, r.code, r.country) for r in regions] == [
        ("13", "Alabama", "AL", "US"),
        ("15", "Arizona", "AZ", "US"),
        ("16", "Arkansas", "AR", "US"),
        ("17", "California", "CA", "US"),
    ]


def test_regions_of_a_country_without_provinces_need_no_request(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("coverage") as cas:
        assert provider.list_regions("AR") == []
        assert provider.list_regions("FR") == []  # not sold by Wavix at all
        assert cas.play_count == 1  # the countries only: never the regions endpoint that answers 422


def test_regions_422_country_has_no_regions_reads_as_none(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("coverage"):
        assert provider.list_regions("AU") == []  # flagged with provinces, yet Wavix answers 422


def test_list_cities_of_a_country_and_of_a_region(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("coverage"):
        argentina = provider.list_cities("AR")
        california = provider.list_cities("US", "California")
        by_code = provider.list_cities("US", "ca")
        by_id = provider.list_cities("US", "17")
        everything = provider.list_cities("US")
    assert [(c.name, c.area_codes) for c in argentina][:2] == [("Buenos Aires", ("113",)), ("Rosario", ("341",))]
    assert all(c.region is None and c.country == "AR" for c in argentina)
    assert [(c.id, c.name, c.region, c.area_codes) for c in california] == [
        ("305581", "LOS ANGELES, CA", "California", ("213",)),
        ("305600", "LOS ALAMITOS, CA", "California", ("562",)),  # 562.0 on the wire
    ]
    assert by_code == california and by_id == california
    assert [c.name for c in everything] == ["BIRMINGHAM, AL", "PHOENIX, AZ", "LOS ANGELES, CA", "LOS ALAMITOS, CA"]
    assert everything[1].area_codes == ("602",)  # "602" on the wire


def test_list_cities_unknown_region(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("coverage"), pytest.raises(UnknownPlaceError, match="no region 'Narnia' in US") as narnia:
        provider.list_cities("US", "Narnia")
    assert isinstance(narnia.value, InvalidInputError) and narnia.value.suggestions == ()
    with cassette("coverage"), pytest.raises(UnknownPlaceError, match="did you mean 'California'"):
        provider.list_cities("US", "Californa")
    with pytest.raises(InvalidInputError):
        provider.list_cities("USA")


def test_cache_ttl_follows_the_context_clock() -> None:
    from didkit_wavix import WavixProvider

    now = [1000.0]
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(200, json={"countries": [{"id": 1, "name": "France", "has_provinces_or_states": False}]})

    provider = WavixProvider(api_key="k" * 8, transport=httpx.MockTransport(handler), clock=lambda: now[0],
                             coverage_ttl=60)
    provider.list_countries()
    now[0] += 59
    provider.list_countries()
    assert len(calls) == 1
    now[0] += 2
    provider.list_countries()
    assert len(calls) == 2
    uncached = WavixProvider(api_key="k" * 8, transport=httpx.MockTransport(handler), coverage_ttl=0)
    uncached.list_countries()
    uncached.list_countries()
    assert len(calls) == 4


# -- search ----------------------------------------------------------------------------------------------


def test_search_los_angeles_resolves_the_city_by_name_through_the_regions(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("search_los_angeles"):
        offers = list(provider.search_numbers(SearchQuery(country="US", city="Los Angeles")))
    assert [o.number for o in offers] == ["+12132995903", "+12133137001", "+12135587442", "+13103733617"]
    first, second, third, fourth = offers
    assert first.provider == "wavix" and first.country == "US"
    assert first.region == "California" and first.city == "LOS ANGELES, CA"
    assert first.number_type is NumberType.LOCAL
    assert first.setup_price == Money(Decimal("0.99"), "USD") and first.monthly_price == Money("0.99")
    assert first.per_minute_price == Money("0.01")
    assert first.capabilities == {Capability.VOICE, Capability.SMS, Capability.CNAM}
    assert first.channels == 24  # "24" on the wire
    assert first.requires_documents is False
    assert first.offer_ref == {"number": "12132995903", "id": "12132995903", "country_id": str(US),
                               "city_id": "305581"}
    assert first.raw["sms_price"] == 0.0085
    assert second.number == "+12133137001" and second.channels == 4  # '+' and an int on the wire
    assert second.capabilities == {Capability.VOICE}  # cnam null, no SMS
    assert second.requires_documents is True  # [1, 3]
    assert third.requires_documents is True  # ["address"]
    assert third.setup_price == Money("1.5") and third.monthly_price == Money("1.49")
    assert fourth.capabilities == {Capability.VOICE, Capability.SMS, Capability.CNAM}


@pytest.mark.parametrize("typed", ["Los Angeles", "los angeles", "LOS ANGELES, CA", "Los Angeles, California",
                                   "los angeles ca"])
def test_city_names_as_people_type_them(cassette: Any, wavix: Any, typed: str) -> None:
    provider = wavix()
    with cassette("search_los_angeles"):
        offers = list(provider.search_numbers(SearchQuery(country="US", city=typed, limit=1)))
    assert [o.city for o in offers] == ["LOS ANGELES, CA"]


def test_search_pages_lazily(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("search_los_angeles") as cas:
        offers = provider.search_numbers(SearchQuery(country="US", region="CA", city="Los Angeles"))
        assert cas.play_count == 0  # nothing is fetched before the first offer is wanted
        first = next(offers)
        played = cas.play_count
        assert [next(offers).number for _ in range(2)] == ["+12133137001", "+12135587442"]
        assert cas.play_count == played  # still page 1
        assert next(offers).number == "+13103733617"
        assert cas.play_count == played + 1  # page 2 fetched only now
    assert first.number == "+12132995903"
    assert played == 4  # countries, regions, California's cities, page 1: the region named narrows the walk


def test_search_limit_stops_fetching(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("search_los_angeles") as cas:
        offers = list(provider.search_numbers(SearchQuery(country="US", city="Los Angeles, CA", limit=2)))
        assert cas.play_count == 4  # "City, ST" picks the region: no walk through the other states
    assert len(offers) == 2


def test_search_sms_asks_for_text_enabled_numbers(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    query = SearchQuery(country="US", region="California", city="Los Angeles", capabilities={"sms"})
    with cassette("search_los_angeles"):
        offers = list(provider.search_numbers(query))
    assert [o.number for o in offers] == ["+12132995903", "+13103733617"]
    assert all(Capability.SMS in o.capabilities for o in offers)


def test_search_filters_prefix_contains_and_cnam_client_side(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("search_los_angeles"):
        by_prefix = list(provider.search_numbers(SearchQuery(country="US", city="Los Angeles", prefix="310")))
    with cassette("search_los_angeles"):
        by_contains = list(provider.search_numbers(SearchQuery(country="US", city="Los Angeles", contains="5587")))
    with cassette("search_los_angeles"):
        cnam = list(provider.search_numbers(SearchQuery(country="US", city="Los Angeles", capabilities={"cnam"})))
    assert [o.number for o in by_prefix] == ["+13103733617"]
    assert [o.number for o in by_contains] == ["+12135587442"]
    assert [o.number for o in cnam] == ["+12132995903", "+13103733617"]


def test_search_country_without_regions_and_without_city(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("search_argentina") as cas:
        offers = list(provider.search_numbers(SearchQuery(country="AR", prefix="11")))
        assert cas.all_played  # every city of the country looked through (within max_search_cities)
    assert len(offers) == 1
    offer = offers[0]
    assert offer.number == "+541139862174" and offer.country == "AR" and offer.region is None
    assert offer.city == "Buenos Aires" and offer.channels == 4
    assert offer.setup_price == Money("15.0") and offer.monthly_price == Money("10.0")
    assert offer.capabilities == {Capability.VOICE}


def test_search_without_city_is_bounded(cassette: Any, wavix: Any) -> None:
    provider = wavix(max_search_cities=2)
    with cassette("search_argentina") as cas:
        offers = list(provider.search_numbers(SearchQuery(country="AR")))
        assert cas.play_count == 4  # countries, cities, two cities' numbers
    assert len(offers) == 1


def test_search_city_in_a_country_without_regions(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("search_argentina") as cas:
        offers = list(provider.search_numbers(SearchQuery(country="AR", city="buenos aires")))
        assert cas.play_count == 3
    assert [o.number for o in offers] == ["+541139862174"]


def test_search_nothing_matches(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("search_los_angeles") as cas:
        with pytest.raises(UnknownPlaceError, match="no city 'Springfield' in US") as springfield:
            list(provider.search_numbers(SearchQuery(country="US", city="Springfield")))
        assert (springfield.value.provider, springfield.value.kind) == ("wavix", "city")
        with pytest.raises(UnknownPlaceError, match="no region 'Ohio' in US"):
            list(provider.search_numbers(SearchQuery(country="US", region="Ohio", city="Los Angeles")))
        assert list(provider.search_numbers(SearchQuery(country="FR"))) == []  # no coverage: no offers
    with cassette("search_argentina"), pytest.raises(UnknownPlaceError, match="no regions known there"):
        list(provider.search_numbers(SearchQuery(country="AR", region="Cordoba")))  # Wavix has no AR regions
    assert cas.play_count == 6  # countries, regions, four regions' cities (cached afterwards)


def test_search_what_wavix_never_offers_needs_no_request(wavix: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request {request.url}")

    provider = wavix(transport=httpx.MockTransport(handler))
    assert list(provider.search_numbers(SearchQuery(country="US", capabilities={"fax"}))) == []
    assert list(provider.search_numbers(SearchQuery(country="US", number_type="shared_cost"))) == []


def test_search_by_prefix_matches_the_cities_area_code_first(cassette: Any, wavix: Any) -> None:
    provider = wavix()
    with cassette("search_argentina") as cas:
        offers = list(provider.search_numbers(SearchQuery(country="AR", prefix="11", limit=1)))
        assert cas.play_count == 3  # Buenos Aires (area code 113) is searched first
    assert offers[0].city == "Buenos Aires"


async def test_async_search_los_angeles(cassette: Any, async_wavix: Any) -> None:
    provider = async_wavix()
    with cassette("search_los_angeles") as cas:
        offers = [o async for o in provider.search_numbers(SearchQuery(country="US", city="Los Angeles", limit=3))]
        assert cas.play_count == 7  # countries, regions, four regions' cities, page 1
    assert [o.number for o in offers] == ["+12132995903", "+12133137001", "+12135587442"]
    assert offers[0].monthly_price == Money("0.99")


async def test_async_coverage(cassette: Any, async_wavix: Any) -> None:
    provider = async_wavix()
    with cassette("coverage"):
        countries = await provider.list_countries()
        regions = await provider.list_regions("US")
        cities = await provider.list_cities("US", "California")
    assert {c.code for c in countries} == {"AR", "AU", "GB", "US"}
    assert [r.code for r in regions] == ["AL", "AZ", "AR", "CA"]
    assert [c.name for c in cities] == ["LOS ANGELES, CA", "LOS ALAMITOS, CA"]
