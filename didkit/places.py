"""Place names as people type them, against the lists carriers keep — part of the adapter kit.

One rule for every adapter: a region or city name is compared case-, accent- and
punctuation-insensitively (``"cordoba"`` names ``"Córdoba"``); a region is also named by its id
and its ISO 3166-2 subdivision code (``"CA"`` for California); and a name the carrier does not
know is an :class:`~didkit.UnknownPlaceError` with the carrier's closest names as a hint, never
an empty answer or a carrier-specific error.

An adapter lists the carrier's regions or cities (the names it knows), picks the matches with
:func:`matching_regions` / :func:`matching_cities` (or its own matcher, for a carrier whose names
need one), and raises :func:`unknown_place` when nothing matched.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal, Protocol, TypeVar

from .errors import UnknownPlaceError

__all__ = [
    "Place",
    "matching_cities",
    "matching_regions",
    "normalize_place",
    "subdivision_code",
    "unknown_place",
]

PlaceKind = Literal["region", "city"]


class Place(Protocol):
    """What a carrier's region or city needs for matching: an id and a name (a region may also
    carry a ``code``)."""

    @property
    def id(self) -> Any: ...

    @property
    def name(self) -> str: ...


P = TypeVar("P", bound=Place)

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalize_place(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: ``"Córdoba, AR."`` → ``"cordoba ar"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", plain.casefold()).split())


@lru_cache(maxsize=256)
def subdivision_code(country: str, name: str) -> str | None:
    """The ISO 3166-2 code (without the country part) of region ``name`` in ``country``:
    ``("US", "California")`` → ``"CA"``."""
    import pycountry

    wanted = normalize_place(name)
    if not wanted:
        return None
    registry: Any = pycountry.subdivisions
    try:
        subdivisions = registry.get(country_code=country) or ()
    except (KeyError, LookupError):  # pragma: no cover - pycountry versions differ
        return None
    for subdivision in subdivisions:
        if normalize_place(str(subdivision.name)) == wanted:
            return str(subdivision.code).split("-", 1)[-1]
    return None


def _names_by_id(place: Place, wanted: str) -> bool:
    return wanted.strip() == str(place.id)


def region_named(country: str, region: Place, wanted: str) -> bool:
    """``wanted`` (the carrier's id, the name, or the ISO 3166-2 code) names ``region``."""
    if _names_by_id(region, wanted):
        return True
    key = normalize_place(wanted)
    if not key or key.isdigit():
        return False
    if key == normalize_place(region.name):
        return True
    code = getattr(region, "code", None) or subdivision_code(country, region.name)
    return code is not None and key == normalize_place(str(code).rsplit("-", 1)[-1])


def matching_regions(country: str, regions: Iterable[P], wanted: str) -> list[P]:
    """The regions ``wanted`` names (see :func:`region_named`)."""
    return [region for region in regions if region_named(country, region, wanted)]


def matching_cities(country: str, cities: Iterable[P], wanted: str) -> list[P]:
    """The cities ``wanted`` names: by the carrier's id, by name, or as ``"Name, Region"`` where
    the part after the comma names the city's ``region`` (its name or subdivision code)."""
    key = normalize_place(wanted)
    base, comma, qualifier = wanted.partition(",")
    base_key = normalize_place(base) if comma else ""
    found = []
    for city in cities:
        name = normalize_place(city.name)
        if _names_by_id(city, wanted) or (key and key == name):
            found.append(city)
        elif base_key and base_key == name:
            region = getattr(city, "region", None)
            if isinstance(region, str) and _names_region_text(country, region, qualifier):
                found.append(city)
    return found


def _names_region_text(country: str, region: str, wanted: str) -> bool:
    key = normalize_place(wanted)
    if not key:
        return False
    code = subdivision_code(country, region)
    return key == normalize_place(region) or (code is not None and key == normalize_place(code))


def unknown_place(
    kind: PlaceKind,
    wanted: str,
    known: Iterable[str],
    *,
    provider: str,
    country: str,
    within: str | None = None,
) -> UnknownPlaceError:
    """The error for a ``kind`` the carrier does not know, with its closest ``known`` names as
    the hint (``within``: the region a city was looked for in)."""
    by_key: dict[str, str] = {}
    for name in known:
        by_key.setdefault(normalize_place(name), name)
    close = difflib.get_close_matches(normalize_place(wanted), list(by_key), n=3, cutoff=0.75)
    return UnknownPlaceError(
        provider=provider,
        kind=kind,
        name=wanted,
        country=country,
        within=within,
        suggestions=[by_key[key] for key in close],
        known=len(by_key),
    )
