"""Validation and normalisation of the values callers give us and carriers send us: E.164
numbers (``phonenumbers``), SIP URIs, ISO country codes (``pycountry``).

The heavy libraries are imported on first use, so ``import didkit`` stays cheap.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Any

from .errors import InvalidInputError

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_SIP_USER = re.compile(r"^[A-Za-z0-9\-_.!~*'()&=+$,;?/%{}\[\]]+$")


def normalize_e164(value: str, *, what: str = "number") -> str:
    """A strictly valid E.164 number with ``+``, from ``"+1 (212) 555-…"`` or ``"1212…"``.

    Raises :class:`InvalidInputError` when the number is not a valid, dialable number.
    """
    import phonenumbers

    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{what} must be a non-empty string, got {value!r}")
    text = value.strip()
    candidate = text if text.startswith("+") else "+" + text
    try:
        parsed = phonenumbers.parse(candidate, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInputError(f"{what} {value!r} is not an E.164 number: {exc}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInputError(f"{what} {value!r} is not a valid phone number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def lenient_e164(value: Any) -> str | None:
    """Normalise a carrier-sent number (digits with or without ``+``, spaces, an int) to E.164.

    Carriers sell ranges that ``phonenumbers`` metadata may not know yet, so this accepts any
    *possible* number; it returns ``None`` when the value cannot be a phone number at all.
    """
    import phonenumbers

    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    digits = re.sub(r"[\s().\-]", "", text)
    if digits.startswith("00"):
        digits = digits[2:]
    digits = digits.removeprefix("+")
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        return None
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return "+" + digits


def region_of(number: str) -> str | None:
    """The ISO country of an E.164 number, if ``phonenumbers`` knows it."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else None


def normalize_sip_uri(value: str) -> str:
    """A ``sip:``/``sips:`` URI with a real host (name or IP, optional port), or
    :class:`InvalidInputError`."""
    if not isinstance(value, str):
        raise InvalidInputError(f"SIP URI must be a string, got {value!r}")
    text = value.strip()
    scheme, sep, rest = text.partition(":")
    if not sep or scheme.lower() not in ("sip", "sips"):
        raise InvalidInputError(f"{value!r} is not a SIP URI (expected sip:user@host)")
    hostport = rest.split(";", 1)[0].split("?", 1)[0]
    user, at, host = hostport.rpartition("@")
    if at and (not user or not _SIP_USER.match(user)):
        raise InvalidInputError(f"{value!r} has an invalid user part")
    if not _valid_hostport(host):
        raise InvalidInputError(f"{value!r} has no valid host")
    return scheme.lower() + ":" + rest


def _valid_hostport(hostport: str) -> bool:
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            return False
        host, port = hostport[1:end], hostport[end + 1 :]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return port == "" or (port.startswith(":") and _valid_port(port[1:]))
    host, colon, port = hostport.partition(":")
    if colon and not _valid_port(port):
        return False
    if not host:
        return False
    if re.fullmatch(r"[\d.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    labels = host.rstrip(".").split(".")
    return len(host) <= 253 and all(_HOST_LABEL.match(label) for label in labels)


def _valid_port(port: str) -> bool:
    return port.isdigit() and 0 < int(port) < 65536


@lru_cache(maxsize=512)
def normalize_country(code: str) -> str:
    """An upper-case ISO 3166-1 alpha-2 code, or :class:`InvalidInputError`."""
    import pycountry

    if not isinstance(code, str) or len(code.strip()) != 2 or not code.strip().isalpha():
        raise InvalidInputError(f"country must be an ISO 3166-1 alpha-2 code such as 'US', got {code!r}")
    upper = code.strip().upper()
    if pycountry.countries.get(alpha_2=upper) is None:
        raise InvalidInputError(f"unknown country code {code!r} (expected ISO 3166-1 alpha-2, e.g. 'US')")
    return upper


@lru_cache(maxsize=1024)
def country_code_for_name(name: str) -> str | None:
    """The ISO alpha-2 code for a country name as carriers spell it ("United States",
    "Russia", "UNITED KINGDOM"), or ``None``."""
    import pycountry

    text = name.strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
        return str(found.alpha_2) if found else None
    try:
        match = pycountry.countries.lookup(text)
    except LookupError:
        try:
            fuzzy = pycountry.countries.search_fuzzy(text)
        except LookupError:
            return None
        return str(fuzzy[0].alpha_2) if fuzzy else None
    return str(match.alpha_2)


def digits_only(value: str | None, *, what: str) -> str | None:
    """``value`` if it is a string of digits (or ``None``), else :class:`InvalidInputError`."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.isdigit():
        raise InvalidInputError(f"{what} must contain digits only, got {value!r}")
    return value
