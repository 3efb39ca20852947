"""The core's fast paths give exactly what the reference paths they sit in front of give.

Each fast path (issue #8) answers the common case and hands anything else to the reference:
jsonschema-rs before Python's jsonschema, msgspec before ``json``, a calling-code table before a
full ``phonenumbers`` parse. These tests hold each to its reference, value for value and error
for error, on generated input.
"""

from __future__ import annotations

import json
import math
import random
import re
from decimal import Decimal
from typing import Any

import jsonschema
import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from didkit import Capability, InvalidInputError, Money, ResponseFormatError
from didkit.engine.steps import decode_json
from didkit.jsonapi import NOT_INCLUDED, Resource, ResourceIdentifier
from didkit.model import DID
from didkit.schema import SchemaSet, SchemaValidator, fast_path_is_exact
from didkit.validation import lenient_e164, lenient_e164_and_region, region_of, split_e164

# -- the references (the implementations the fast paths replaced) ---------------------------------


def reference_lenient_e164(value: Any) -> str | None:
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


def reference_region_of(number: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else None


def same_json(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if isinstance(a, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_json(a[k], b[k]) for k in a)
    return bool(a == b)


# -- E.164 and regions ------------------------------------------------------------------------------


def _numbers() -> list[str]:
    rng = random.Random(8)
    out = []
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        for length in range(7, 16):
            rest = length - len(str(code))
            out.append(str(code) + "0" * rest)
            for _ in range(4):
                out.append(str(code) + "".join(rng.choice("0123456789") for _ in range(rest)))
    out += ["".join(rng.choice("0123456789") for _ in range(rng.randint(5, 17))) for _ in range(1500)]
    return out


NUMBERS = _numbers()


def test_lenient_e164_and_region_of_agree_with_phonenumbers_on_every_calling_code() -> None:
    fast = 0
    for digits in NUMBERS:
        for text in (digits, "+" + digits, "00" + digits, f" +{digits[:3]} {digits[3:]} "):
            expected = reference_lenient_e164(text)
            assert lenient_e164(text) == expected, text
            both = None if expected is None else (expected, reference_region_of(expected))
            assert lenient_e164_and_region(text) == both, text
        assert region_of("+" + digits) == reference_region_of("+" + digits), digits
        fast += split_e164(digits) is not None
    assert fast > len(NUMBERS) * 0.7  # the table answers most of them itself


@given(st.one_of(st.text(max_size=20), st.integers(), st.from_regex(r"\A\+?[0-9٠-٩ ()\-.]{5,18}\Z")))
@settings(max_examples=400)
def test_lenient_e164_and_region_of_agree_on_any_text(value: Any) -> None:
    expected = reference_lenient_e164(value)
    assert lenient_e164(value) == expected
    assert lenient_e164_and_region(value) == (None if expected is None else (expected, reference_region_of(expected)))
    if isinstance(value, str):
        assert region_of(value) == reference_region_of(value)


# -- JSON decoding ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


def _decoded(content: bytes, decode: Any) -> Any:
    try:
        return ("value", decode(content))
    except Exception as exc:  # the same error, or the same value
        return ("error", type(exc))


@given(json_values, st.booleans())
@settings(max_examples=400)
def test_decode_json_gives_what_json_gives(value: Any, ascii_only: bool) -> None:
    content = json.dumps(value, ensure_ascii=ascii_only).encode()
    fast, reference = _decoded(content, decode_json), _decoded(content, json.loads)
    assert fast[0] == reference[0]
    assert same_json(fast[1], reference[1]) if fast[0] == "value" else fast == reference


@pytest.mark.parametrize(
    "content",
    [
        b"18446744073709551616",
        b"-9223372036854775809",
        b'{"id": 123456789012345678901234567890}',
        b"[1E400, -1e400]",
        b"NaN",
        b'"\\ud800"',
        b"\xef\xbb\xbf{}",
        b'"\xff"',
        b'"\xed\xa0\x80"',
        b"",
        b"[1,]",
        b'{"a": 1, "a": 2}',
        b"-0",
        b"[0.1, 1e-400, 4.9e-324, 1.7976931348623157e308]",
        b"1.2345678901234567890123",
        '{"é": "\u2028"}'.encode(),
        b"18446744073709551615",
        b"-18446744073709551616",
        b'[1e5, 1E-5, 0.0, -0.0, 123456789012345678901234567890.5]',
        b'"\\ude00\\ud83d"',
        b'"\\ud83d\\ude00"',
        '{"a": [1]}'.encode("utf-16"),
        "[1]".encode("utf-16-le"),
        "[1]".encode("utf-32"),
        b"[" * 5000 + b"]" * 5000,
        b" \t\r\n[1] \n",
        b"01",
        b'"\x01"',
    ],
)
def test_decode_json_edge_cases(content: bytes) -> None:
    fast, reference = _decoded(content, decode_json), _decoded(content, json.loads)
    assert fast[0] == reference[0]
    assert same_json(fast[1], reference[1]) if fast[0] == "value" else fast == reference


# -- schema validation ------------------------------------------------------------------------------


def test_the_adapters_schemas_all_take_the_fast_path() -> None:
    for package in ("didkit_wavix", "didkit_didww"):
        schemas = SchemaSet(package)
        for name in schemas.names():
            assert fast_path_is_exact(schemas[name].schema), f"{package}/{name}"
            assert schemas[name]._fast_is_valid is not None


@pytest.mark.parametrize(
    "schema",
    [
        {"not": {"type": "string"}},
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        {"minimum": 5},
        {"type": "number", "multipleOf": 0.01},
        {"type": "number", "maximum": 2.5},
        {"type": "integer", "minimum": 2**60},
        {"patternProperties": {"^a": {"type": "string"}}},
        {"if": {"properties": {"a": {"type": "number"}}}, "then": {"required": ["b"]}},
        {"if": {"properties": {"a": {"const": 1}}}, "then": {"required": ["b"]}},
        {"properties": {"a": {"unevaluatedProperties": False}}},
        {"uniqueItems": True},
    ],
)
def test_schemas_the_fast_validator_could_read_differently_take_the_reference(schema: dict[str, Any]) -> None:
    assert not fast_path_is_exact(schema)
    assert SchemaValidator(schema)._fast_is_valid is None


SCHEMAS: list[dict[str, Any]] = [
    {
        "type": "object",
        "required": ["id", "number"],
        "properties": {
            "id": {"type": ["integer", "string"], "pattern": "^\\s*-?[0-9]+\\s*$"},
            "number": {
                "type": ["string", "integer"],
                "pattern": "^\\s*\\+?[0-9][0-9 ().\\-]{5,24}\\s*$",
                "minimum": 100000,
            },
            "fee": {
                "anyOf": [{"type": "number"}, {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}, {"type": "null"}]
            },
            "area": {"anyOf": [{"type": "integer"}, {"type": "number", "multipleOf": 1}, {"type": "null"}]},
            "kind": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
        "allOf": [
            {
                "if": {"properties": {"kind": {"properties": {"type": {"const": "sip"}}}}},
                "then": {"properties": {"kind": {"required": ["host"]}}},
            }
        ],
        "additionalProperties": {"type": ["string", "number", "boolean", "null", "array", "object"]},
    },
    {"type": "array", "items": {"$ref": "#/$defs/x"}, "$defs": {"x": {"type": ["integer", "null"], "maximum": 10}}},
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " 12 ", "12\n", "+1 (212) 555-0100", "1.5", "sip", "١٢٣٤٥٦٧٨", "x", "12125550100"]),
)
instances = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "number", "fee", "area", "kind", "tags", "type", "host", "z"]), children
        )
    ),
    max_leaves=12,
)


@given(st.sampled_from(SCHEMAS), instances)
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
def test_schema_validator_decides_as_jsonschema_does(schema: dict[str, Any], instance: Any) -> None:
    validator = SchemaValidator(schema, name="thing")
    reference = jsonschema.Draft202012Validator(schema)
    assert validator._fast_is_valid is not None
    assert validator.is_valid(instance) == reference.is_valid(instance)
    if reference.is_valid(instance):
        validator.validate(instance, provider="p")
    else:
        with pytest.raises(ResponseFormatError) as info:
            validator.validate(instance, provider="p")
        best = jsonschema.exceptions.best_match(reference.iter_errors(instance))
        assert best is not None
        assert best.message[:100] in str(info.value)


def test_non_finite_numbers_are_judged_by_the_reference() -> None:
    validator = SchemaValidator({"type": "object", "properties": {"a": {"type": ["number", "null"]}}})
    for value in (math.nan, math.inf, -math.inf):
        assert validator.is_valid({"a": value})  # jsonschema: a number; jsonschema-rs: not one


# -- the model's cheaper constructors ---------------------------------------------------------------


def test_money_and_capabilities_keep_converting_and_checking() -> None:
    assert repr(Money("1.50").amount) == "Decimal('1.50')"
    assert Money(Decimal("2"), "usd").currency == "USD"
    assert Money(Decimal("2"), "USD").currency == "USD"
    with pytest.raises(InvalidInputError):
        Money(Decimal("NaN"))
    with pytest.raises(InvalidInputError):
        Money(Decimal("1"), "US")
    kept = frozenset({Capability.VOICE})
    assert DID(id="1", provider="p", number="+1", capabilities=kept).capabilities is kept
    converted = DID(id="1", provider="p", number="+1", capabilities=frozenset({"sms"})).capabilities
    assert converted == frozenset({Capability.SMS})
    with pytest.raises(InvalidInputError):
        DID(id="1", provider="p", number="+1", capabilities=frozenset({"telepathy"}))


# -- JSON:API documents -----------------------------------------------------------------------------

ids = st.one_of(st.sampled_from(["", "a", "d1", 0, 7, True, None, 1.5, [], {}]), st.text(max_size=3))
identifiers = st.one_of(
    st.fixed_dictionaries({"type": ids, "id": ids}), st.none(), st.integers(), st.lists(st.just({"type": "t"}))
)
relationship_values = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "data": st.one_of(identifiers, st.lists(identifiers, max_size=3)),
            "links": st.one_of(st.none(), st.just({"self": "x"}), st.just([]), st.just("x")),
            "meta": st.one_of(st.none(), st.just({"count": 1}), st.just(3)),
        },
    ),
    st.none(),
    st.just([]),
    st.just("x"),
)
resources = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "type": ids,
            "id": ids,
            "attributes": st.one_of(st.none(), st.just({"number": "1"}), st.just([]), st.just("x")),
            "relationships": st.one_of(
                st.none(),
                st.dictionaries(st.sampled_from(["did_group", "order", "x"]), relationship_values),
                st.just([]),
            ),
            "meta": st.one_of(st.none(), st.just({"m": 1}), st.just(1)),
            "links": st.one_of(st.none(), st.just({"self": "s"}), st.just("s")),
        },
    ),
    st.none(),
    st.just([]),
)


def test_deferred_relationships_are_built_once_and_read_only() -> None:
    from didkit.jsonapi import Document, Relationship

    raw = {
        "data": [
            {
                "type": "dids",
                "id": "1",
                "relationships": {
                    "did_group": {"data": {"type": "did_groups", "id": "g"}, "links": {"self": "s"}},
                    "order": {"links": {"related": "r"}},
                    "trunk": {"data": None},
                },
            }
        ]
    }
    resource = Document.parse(raw, provider="p").resources()[0]
    group = resource.relationships["did_group"]
    assert group == Relationship(True, ResourceIdentifier("did_groups", "g"), {"self": "s"}, {})
    assert resource.relationships["did_group"] is group
    assert resource.relationships["order"] == Relationship(False, None, {"related": "r"}, {})
    assert "x" not in resource.relationships and resource.relationships.get("x") is None
    with pytest.raises(KeyError):
        resource.relationships["x"]
    with pytest.raises(TypeError):
        resource.relationships["x"] = group  # type: ignore[index]
    # A malformed relationship is checked when read, and the error names it where it sits.
    raw["data"][0]["relationships"]["trunk"]["data"] = {"type": "trunks"}  # type: ignore[index]
    with pytest.raises(ResponseFormatError, match=r"'data\[0\]\.relationships\.trunk\.data\.id'"):
        resource.relationships["trunk"]
    with pytest.raises(ResponseFormatError, match=r"'data\[0\]\.relationships\.trunk\.data\.id'"):
        Document.parse(raw, provider="p").related(Document.parse(raw, provider="p").resources()[0], "trunk")


def _expected_id(value: Any) -> str | None:
    """What the JSON:API reader takes as a type or id: non-empty text, or an integer's digits."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


@given(resources)
@settings(max_examples=600)
def test_the_resource_reader_takes_every_form_and_names_what_it_refuses(value: Any) -> None:
    """One reader per part of a document: a resource (with integer or string ids, objects or
    absent parts) reads to what was sent; anything else names the field where it sits, and a
    relationship is read (and refused, naming its field) when asked for."""
    import attrs

    from didkit.jsonapi import Document, Relationship, _Parser

    parser = _Parser("p", 200, None)
    refused: ResponseFormatError | None = None
    try:
        resource = parser.resource(value, "data[0]")
    except ResponseFormatError as exc:
        refused = exc
    if refused is not None:
        assert refused.field is not None and refused.field.startswith("data[0]") and refused.provider == "p"
        assert refused.field in str(refused)
        obj = value if isinstance(value, dict) else None
        assert obj is None or _expected_id(obj.get("type")) is None or _expected_id(obj.get("id")) is None or any(
            obj.get(part) is not None and not isinstance(obj.get(part), dict)
            for part in ("attributes", "relationships", "meta", "links")
        )
        return
    assert isinstance(value, dict)
    assert (resource.type, resource.id) == (_expected_id(value.get("type")), _expected_id(value.get("id")))
    assert resource.attributes == (value.get("attributes") or {}) and resource.raw is value
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        resource.meta = {}  # type: ignore[misc]
    target = Resource("t", "r")
    keys = [(kind, ident) for kind in ("a", "d1", "0", "7") for ident in ("a", "d1", "0", "7")]
    document = Document(data=None, included=dict.fromkeys(keys, target))
    for name, raw in (value.get("relationships") or {}).items():
        try:
            rel = resource.relationships[name]
        except ResponseFormatError as exc:
            refused = exc
        if refused is not None:
            assert refused.field is not None and refused.field.startswith(f"data[0].relationships.{name}")
            refused = None
            continue
        assert type(rel) is Relationship and rel.present == ("data" in raw)
        assert resource.relationships[name] is rel  # read once
        data = raw.get("data")
        if isinstance(data, dict):
            assert isinstance(rel.data, ResourceIdentifier)
            assert (rel.data.type, rel.data.id) == (_expected_id(data.get("type")), _expected_id(data.get("id")))
            assert document.related(resource, name) is document.included.get((rel.data.type, rel.data.id),
                                                                              NOT_INCLUDED)
        elif isinstance(data, list):
            assert isinstance(rel.data, tuple) and len(rel.data) == len(data)
        else:
            assert rel.data is None and document.related(resource, name) is (None if rel.present else NOT_INCLUDED)


def test_plain_constructors_match_the_generated_init() -> None:
    import attrs

    from didkit._construct import plain_constructor as _plain_constructor
    from didkit.jsonapi import (
        Relationship,
        Resource,
        _new_identifier,
        _new_relationship,
        _new_resource,
    )

    identifier = _new_identifier("t", "1")
    assert identifier == ResourceIdentifier("t", "1") and hash(identifier) == hash(ResourceIdentifier("t", "1"))
    links, meta = {"self": "s"}, {"m": 1}
    rel = _new_relationship(True, identifier, links, meta)
    assert rel == Relationship(True, identifier, links, meta) and rel.links is links and rel.meta is meta
    resource = _new_resource("t", "1", {}, {"r": rel}, {}, {}, {"type": "t"})
    assert resource == Resource("t", "1", {}, {"r": rel}, {}, {}, {"type": "t"})
    assert repr(resource) == repr(Resource("t", "1", {}, {"r": rel}, {}, {}, {"type": "t"}))

    @attrs.frozen
    class Converted:
        value: int = attrs.field(converter=int)

    @attrs.frozen(cache_hash=True)
    class Cached:
        value: int

    @attrs.define
    class Hooked:
        value: int

        def __attrs_post_init__(self) -> None:
            pass

    for cls in (Converted, Cached, Hooked):
        with pytest.raises(TypeError):
            _plain_constructor(cls)


@given(
    capabilities=st.one_of(
        st.frozensets(st.sampled_from(list(Capability))),
        st.frozensets(st.sampled_from(["voice", "sms"])),
        st.lists(st.sampled_from(list(Capability))),
        st.just(frozenset({"fax"})),
        st.none(),
    ),
    created=st.one_of(st.none(), st.datetimes(), st.datetimes(timezones=st.timezones())),
    expires=st.one_of(st.none(), st.datetimes(), st.datetimes(timezones=st.timezones())),
)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_new_did_is_did(capabilities: Any, created: Any, expires: Any) -> None:
    """new_did (slots set directly where DID's converter and checks would keep the values) gives
    what DID(...) gives: the same object, or the same error."""
    import attrs

    from didkit.model import NumberStatus, new_did

    values = {
        "id": "1", "provider": "p", "number": "+12125550100", "country": "US", "region": None, "city": "X",
        "status": NumberStatus.ACTIVE, "capabilities": capabilities, "channels": 2, "destinations": (),
        "setup_price": Money("1", "USD"), "monthly_price": None, "per_minute_price": None, "label": None,
        "created_at": created, "expires_at": expires, "auto_renew": True, "messaging": (),
        "status_reason": None, "raw": {"id": 1},
    }  # fmt: skip
    assert list(values) == [field.name for field in attrs.fields(DID)]

    def outcome(make: Any) -> Any:
        try:
            did = make()
        except Exception as exc:
            return type(exc), str(exc)
        fields = [(f.name, type(getattr(did, f.name)), getattr(did, f.name)) for f in attrs.fields(DID)]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            did.label = "changed"
        return type(did), fields, repr(did), hash(did)

    assert outcome(lambda: new_did(*values.values())) == outcome(lambda: DID(**values))


_MILLIS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", re.ASCII)


@given(
    st.one_of(
        st.text(alphabet="0123456789-T:.Z+ zW٣", min_size=10, max_size=32),
        st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z\Z"),
    )
)
@settings(max_examples=800)
def test_read_datetime_on_near_misses_is_exact_or_names_the_field(value: str) -> None:
    """Text shaped almost like ``2024-01-03T16:45:45.000Z``: read to the moment it spells, aware
    and in UTC, or refused with a FieldError naming the field; never a naive or wrong moment."""
    from datetime import datetime, timezone

    from didkit.readers import FieldError, read_datetime

    try:
        found = read_datetime(value, "added")
    except FieldError as exc:
        found, refused = None, exc
    else:
        refused = None
    if refused is not None:
        assert refused.field == "added"
    else:
        assert found is not None and found.tzinfo is timezone.utc
    if _MILLIS.fullmatch(value):
        try:
            expected = datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc)
        except ValueError:
            expected = None
        assert found == expected
