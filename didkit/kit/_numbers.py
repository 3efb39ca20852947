"""Neutral ``list_numbers`` filters and ``update_number`` changes, as operations receive them.

The provider shells check the caller's arguments into a :class:`NumberFilter` or a
:class:`NumberUpdate` before any request. For listing, an adapter declares which neutral filters
its carrier applies *exactly*, server-side (``ProviderOperations.server_filters``); the core
applies every other given filter to each number the operation emits
(:func:`~didkit.kit.keep_emitted`), so
the same call means the same thing on every carrier. An operation may still send a filter the
carrier applies only approximately (a "contains" where the neutral meaning is "equals") to
fetch fewer pages: the core checks those again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from types import EllipsisType
from typing import Any

import attrs

from ..errors import InvalidInputError
from ..model import DID, Capability, NumberStatus
from ..validation import digits_only, normalize_country

NEUTRAL_FILTERS: tuple[str, ...] = ("country", "number_contains", "label", "status", "capability")
"""The neutral ``list_numbers`` filters, by keyword."""

NEUTRAL_FIELDS: tuple[str, ...] = ("label", "auto_renew")
"""The neutral ``update_number`` fields, by keyword."""


def _enum_set(value: Any, enum: Any, what: str) -> frozenset[Any]:
    if value is None:
        return frozenset()
    items: Iterable[Any] = [value] if isinstance(value, (str, enum)) else value
    try:
        items = list(items)
    except TypeError:
        raise InvalidInputError(f"{what} must be a {enum.__name__}, its name, or several, got {value!r}") from None
    out = set()
    for item in items:
        if isinstance(item, enum):
            out.add(item)
            continue
        try:
            out.add(enum(str(item).strip().lower()))
        except ValueError:
            choices = ", ".join(member.value for member in enum)
            raise InvalidInputError(f"unknown {what} {item!r} (one of {choices})") from None
    if not out:
        raise InvalidInputError(f"{what} must name at least one {enum.__name__}")
    return frozenset(out)


def _country(value: str | None) -> str | None:
    return None if value is None else normalize_country(value)


def _contains(value: str | int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInputError(f"number_contains must be digits, got {value!r}")
    text = re.sub(r"[\s()./-]", "", str(value)).removeprefix("+")
    return digits_only(text, what="number_contains")


def _label(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"label must be a non-empty string, got {value!r}")
    return value.strip()


def _statuses(value: Any) -> frozenset[NumberStatus]:
    return _enum_set(value, NumberStatus, "status")


def _capabilities(value: Any) -> frozenset[Capability]:
    return _enum_set(value, Capability, "capability")


@attrs.frozen
class NumberFilter:
    """What ``list_numbers`` was asked for, checked.

    * ``country`` — ISO 3166-1 alpha-2: ``DID.country`` equals it;
    * ``number_contains`` — digits: the number's digits (country code included, no ``+``)
      contain them;
    * ``label`` — ``DID.label`` equals it exactly;
    * ``status`` — ``DID.status`` is one of these (empty: any);
    * ``capability`` — ``DID.capabilities`` has all of these (empty: any);
    * ``carrier`` — the carrier-only filters, already checked against the carrier's declared
      names (keys are the declared names, values what each name's check returned).
    """

    country: str | None = attrs.field(default=None, converter=_country)
    number_contains: str | None = attrs.field(default=None, converter=_contains)
    label: str | None = attrs.field(default=None, converter=_label)
    status: frozenset[NumberStatus] = attrs.field(default=None, converter=_statuses)
    capability: frozenset[Capability] = attrs.field(default=None, converter=_capabilities)
    carrier: Mapping[str, Any] = attrs.field(factory=dict)

    def given(self) -> frozenset[str]:
        """The neutral filters that were given."""
        return frozenset(name for name in NEUTRAL_FILTERS if getattr(self, name))

    def predicate(self, applied: Iterable[str] = ()) -> Callable[[DID], bool] | None:
        """A test of one DID against every given neutral filter not in ``applied`` (those the
        carrier applied exactly); ``None`` when nothing is left to test."""
        done = frozenset(applied)
        tests: list[Callable[[DID], bool]] = []
        if self.country and "country" not in done:
            country = self.country
            tests.append(lambda did: did.country == country)
        if self.number_contains and "number_contains" not in done:
            digits = self.number_contains
            tests.append(lambda did: digits in did.number.removeprefix("+"))
        if self.label and "label" not in done:
            label = self.label
            tests.append(lambda did: did.label == label)
        if self.status and "status" not in done:
            statuses = self.status
            tests.append(lambda did: did.status in statuses)
        if self.capability and "capability" not in done:
            wanted = self.capability
            tests.append(lambda did: wanted <= did.capabilities)
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return lambda did: all(test(did) for test in tests)


def _label_change(value: Any) -> str | EllipsisType | None:
    if value is ... or value is None:
        return value
    if not isinstance(value, str):
        raise InvalidInputError(f"label must be a string or None, got {value!r}")
    return value


def _renew_change(value: Any) -> bool | EllipsisType:
    if value is not ... and not isinstance(value, bool):
        raise InvalidInputError(f"auto_renew must be True or False, got {value!r}")
    return value


@attrs.frozen
class NumberUpdate:
    """What ``update_number`` was asked to change, checked. A neutral field left at ``...`` is
    not changed; ``label=None`` clears the label. ``carrier`` holds the carrier-only fields,
    checked against the carrier's declared update fields."""

    label: str | EllipsisType | None = attrs.field(default=..., converter=_label_change)
    auto_renew: bool | EllipsisType = attrs.field(default=..., converter=_renew_change)
    carrier: Mapping[str, Any] = attrs.field(factory=dict)

    def given(self) -> frozenset[str]:
        """The neutral fields that change."""
        return frozenset(name for name in NEUTRAL_FIELDS if getattr(self, name) is not ...)

    def __bool__(self) -> bool:
        return bool(self.given() or self.carrier)
