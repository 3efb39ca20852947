"""Matching place names the way a person types them against the way Wavix spells them.

``"Los Angeles"``, ``"los angeles, ca"`` and ``"Los Angeles CA"`` all match Wavix's
``"LOS ANGELES, CA"``; ``"Cordoba"`` matches ``"Córdoba"``; a region is matched by Wavix id, name
or ISO 3166-2 subdivision code (``"CA"`` for California).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Protocol, TypeVar

EXACT = 2
PREFIX = 1
NONE = 0


class _Named(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def norm(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: ``"Córdoba, AR."`` → ``"cordoba ar"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.casefold()).split())


@lru_cache(maxsize=256)
def subdivision_code(country: str, name: str) -> str | None:
    """The ISO 3166-2 code (without the country part) of region ``name`` in ``country``:
    ``("US", "California")`` → ``"CA"``."""
    import pycountry

    wanted = norm(name)
    if not wanted:
        return None
    registry: Any = pycountry.subdivisions
    try:
        subdivisions = registry.get(country_code=country) or ()
    except (KeyError, LookupError):  # pragma: no cover - pycountry versions differ
        return None
    for subdivision in subdivisions:
        if norm(str(subdivision.name)) == wanted:
            return str(subdivision.code).split("-", 1)[-1]
    return None


def region_matches(country: str, region: _Named, wanted: str) -> bool:
    """``wanted`` (a Wavix id, a name or a subdivision code) names ``region``."""
    text = wanted.strip()
    if text.isdigit():
        return int(text) == region.id
    key = norm(text)
    if not key:
        return False
    if key == norm(region.name):
        return True
    code = subdivision_code(country, region.name)
    return code is not None and key == norm(code)


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
