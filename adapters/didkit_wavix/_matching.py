"""Matching place names the way a person types them against the way Wavix spells them.

``"Los Angeles"``, ``"los angeles, ca"`` and ``"Los Angeles CA"`` all match Wavix's
``"LOS ANGELES, CA"``; ``"Cordoba"`` matches ``"Córdoba"``. Regions (by Wavix id, name or ISO
3166-2 subdivision code) and the normal form of names follow the core's one rule
(:mod:`didkit.places`); what is Wavix's own is its ``"CITY, ST"`` spelling of US cities.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from didkit.places import normalize_place as norm
from didkit.places import region_named as region_matches
from didkit.places import subdivision_code as subdivision_code

EXACT = 2
PREFIX = 1
NONE = 0


class _Named(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def city_match(country: str, city_name: str, region_name: str | None, wanted: str) -> int:
    """How well ``wanted`` names the city: :data:`EXACT`, :data:`PREFIX` or :data:`NONE`.

    Wavix names US cities ``"LOS ANGELES, CA"``: the part before the comma is the city, the rest
    its state. ``wanted`` may carry its own qualifier (``"Los Angeles, California"``).
    """
    full = norm(city_name)
    base = norm(city_name.split(",", 1)[0])
    key = norm(wanted)
    if not key:
        return NONE
    if key in (full, base):
        return EXACT
    wanted_base, sep, qualifier = wanted.partition(",")
    if sep and norm(wanted_base) == base and qualifier_matches(country, city_name, region_name, qualifier):
        return EXACT
    if len(key) >= 3 and (base.startswith(key) or full.startswith(key)):
        return PREFIX
    return NONE


def qualifier_matches(country: str, city_name: str, region_name: str | None, qualifier: str) -> bool:
    """``"CA"`` / ``"California"`` after the comma of a typed city name fits this city."""
    key = norm(qualifier)
    if not key:
        return True
    suffix = norm(city_name.split(",", 1)[1]) if "," in city_name else ""
    if key == suffix:
        return True
    if region_name is None:
        return False
    if key == norm(region_name):
        return True
    code = subdivision_code(country, region_name)
    return code is not None and key == norm(code)


def regions_for_qualifier(country: str, regions: Iterable[N], city: str) -> list[N]:
    """The regions a typed ``"City, ST"`` points at (empty when it has no usable qualifier)."""
    _, sep, qualifier = city.partition(",")
    if not sep or not norm(qualifier):
        return []
    return [r for r in regions if region_matches(country, r, qualifier)]
