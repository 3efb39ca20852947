"""Validation and normalisation of the values callers give us and carriers send us: E.164
numbers (``phonenumbers``), SIP URIs, ISO country codes (``pycountry``).

The heavy libraries are imported on first use, so ``import didkit`` stays cheap.
"""

from __future__ import annotations

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


_PUNCTUATION = re.compile(r"[\s().\-]")


def lenient_e164(value: Any) -> str | None:
    """Normalise a carrier-sent number (digits with or without ``+``, spaces, an int) to E.164.

    Carriers sell ranges that ``phonenumbers`` metadata may not know yet, so this accepts any
    *possible* number; it returns ``None`` when the value cannot be a phone number at all.
    """
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    digits = _PUNCTUATION.sub("", text)
    if digits.startswith("00"):
        digits = digits[2:]
    digits = digits.removeprefix("+")
    if not digits.isdigit() or not 7 <= len(digits) <= 15:
        return None
    parts = split_e164(digits)
    possible = parts[2] if parts is not None else _possible_by_parsing(digits)
    return "+" + digits if possible else None


def _possible_by_parsing(digits: str) -> bool:
    import phonenumbers

    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(parsed))


_Plan = tuple[int, "re.Pattern[str] | str | None", frozenset[int]]
_PLANS: dict[str, _Plan | None] = {}
_UNKNOWN_CODE: _Plan = (0, None, frozenset())
_NOT_YET: Any = object()


def _calling_code_plan(prefix: str) -> _Plan | None:
    """What ``phonenumbers`` consults to parse ``+<prefix><national number>`` and judge it
    possible: the calling code, the national prefix it would try to strip, and the national
    lengths it accepts. :data:`_UNKNOWN_CODE` when ``prefix`` is no calling code; ``None`` when
    the library has no metadata for it. Kept in :data:`_PLANS`, once per prefix."""
    import phonenumbers

    code = int(prefix)
    if code not in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        plan: _Plan | None = _UNKNOWN_CODE
    else:
        region = phonenumbers.region_code_for_country_code(code)
        metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
        if metadata is None:
            plan = None
        else:
            general = metadata.general_desc
            if general is None:
                return None
            lengths = frozenset(general.possible_length or ()) | frozenset(general.possible_length_local_only or ())
            national_prefix = metadata.national_prefix_for_parsing
            # Most are a plain digit string, for which re.match is str.startswith.
            prefix_test: re.Pattern[str] | str | None = None
            if national_prefix:
                plain = re.fullmatch(r"[0-9]+", national_prefix) is not None
                prefix_test = national_prefix if plain else re.compile(national_prefix)
            plan = (code, prefix_test, lengths)
    _PLANS[prefix] = plan
    return plan


def split_e164(digits: str) -> tuple[int, str, bool] | None:
    """What ``phonenumbers.parse("+" + digits)`` and ``is_possible_number`` would find, without
    their cost: ``(calling code, national number, possible)``, with calling code 0 when none is
    known. ``None`` where only the library itself can tell: digits other than ASCII ones, or a
    national prefix it might strip. Tests hold this to the library on every calling code."""
    if not (7 <= len(digits) <= 15 and digits.isascii() and digits.isdigit()):
        return None
    if digits[0] == "0":
        return 0, "", False
    for size in (1, 2, 3):
        key = digits[:size]
        plan = _PLANS.get(key, _NOT_YET)
        if plan is _NOT_YET:
            plan = _calling_code_plan(key)
        if plan is None:
            return None
        code, national_prefix, lengths = plan
        if code:
            national = digits[size:]
            if national_prefix is not None and (
                national.startswith(national_prefix)
                if type(national_prefix) is str
                else national_prefix.match(national)
            ):
                return None
            return code, national, len(national) in lengths
    return 0, "", False


def region_of(number: str) -> str | None:
    """The ISO country of an E.164 number, if ``phonenumbers`` knows it."""
    parts = split_e164(number[1:]) if isinstance(number, str) and number.startswith("+") else None
    if parts is None:
        import phonenumbers

        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException:
            return None
        region = phonenumbers.region_code_for_number(parsed)
        return region if region and region != "ZZ" else None
    return _region_of_parts(parts[0], parts[1])


def _region_of_parts(code: int, national: str) -> str | None:
    """How ``phonenumbers.region_code_for_number`` picks the region of a number with a known
    calling code: the code's only region, else among those sharing it (:func:`_region_plans`)."""
    if code == 0:
        return None
    plans: tuple[_RegionPlan, ...] | str | None = _REGION_PLANS.get(code, _NOT_YET)
    if plans is _NOT_YET:
        plans = _region_plans(code)
    if not isinstance(plans, tuple):
        return plans  # the code's only region (None for "ZZ")
    size = len(national)
    for region, leading, general, kinds in plans:
        if leading is not None:
            if leading.match(national):
                return region
            continue
        if general is None:
            continue
        lengths, pattern = general
        if (lengths and size not in lengths) or pattern.fullmatch(national) is None:
            continue
        for lengths, pattern in kinds:
            if (not lengths or size in lengths) and pattern.fullmatch(national) is not None:
                return region
    return None


def lenient_e164_and_region(value: Any) -> tuple[str, str | None] | None:
    """``(lenient_e164(value), region_of(that number))``, splitting the number once; ``None``
    where :func:`lenient_e164` gives ``None``. What carriers' listings call for every number."""
    if type(value) is str and value.isdigit() and value.isascii() and value[:1] != "0":
        parts = split_e164(value)  # the usual shape: lenient_e164 would change nothing
        if parts is not None:
            return ("+" + value, _region_of_parts(parts[0], parts[1])) if parts[2] else None
    number = lenient_e164(value)
    return None if number is None else (number, region_of(number))


_Desc = tuple[frozenset[int], "re.Pattern[str]"]
_RegionPlan = tuple["str | None", "re.Pattern[str] | None", "_Desc | None", tuple[_Desc, ...]]
_REGION_PLANS: dict[int, tuple[_RegionPlan, ...] | str | None] = {}


def _region_plans(code: int) -> tuple[_RegionPlan, ...] | str | None:
    """How ``phonenumbers.region_code_for_number`` picks among the regions sharing a calling code:
    the first whose leading digits match, or (without those) whose patterns know the number as
    some type. Compiled once per code (kept in :data:`_REGION_PLANS`), so telling +1 212 from
    +1 416 costs a few regex matches. A plan's region is ``None`` for the library's "ZZ";
    descriptions without a pattern, which can match nothing, are left out. A code with one
    region has that region (``None`` for "ZZ") instead of plans."""
    import phonenumbers

    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code]
    if len(regions) == 1:
        only = regions[0] if regions[0] != "ZZ" else None
        _REGION_PLANS[code] = only
        return only

    def desc(value: Any) -> _Desc | None:
        if value is None or not value.national_number_pattern:
            return None
        return frozenset(value.possible_length or ()), re.compile(value.national_number_pattern)

    plans: list[_RegionPlan] = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[code]:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            continue
        leading = re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
        # Any type will do, so the likeliest go first.
        kinds = [metadata.fixed_line]
        if not metadata.same_mobile_and_fixed_line_pattern:
            kinds.append(metadata.mobile)
        kinds += [
            metadata.toll_free, metadata.premium_rate, metadata.shared_cost, metadata.voip,
            metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail,
        ]  # fmt: skip
        described = tuple(found for found in map(desc, kinds) if found is not None)
        plans.append((region if region != "ZZ" else None, leading, desc(metadata.general_desc), described))
    _REGION_PLANS[code] = found = tuple(plans)
    return found


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
    import ipaddress

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


def normalize_https_url(value: str, *, what: str = "webhook URL") -> str:
    """An absolute ``https://`` URL with a host, trimmed (:class:`InvalidInputError` otherwise):
    carriers post messages to it, so neither plain HTTP nor a relative or malformed URL will do."""
    import httpx

    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"{what} must be an https URL, got {value!r}")
    text = value.strip()
    if any(char.isspace() for char in text):
        raise InvalidInputError(f"{what} must not contain whitespace: {value!r}")
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, ValueError):
        raise InvalidInputError(f"{what} is not a valid URL: {value!r}") from None
    if url.scheme != "https" or not url.host:
        raise InvalidInputError(f"{what} must be an absolute https:// URL, got {value!r}")
    return text
