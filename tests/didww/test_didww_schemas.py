"""Every cassette response validates against the adapter's own JSON Schemas (and the
deliberately malformed ones do not); the schemas accept DIDWW's published examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from didkit_didww._operations import SCHEMAS
from didww_support import CASSETTES, RECORDED

from didkit.auth import oauth_token
from didkit.engine import HttpResponse
from didkit.errors import ResponseFormatError

TOKEN = "(token service)"
"""The token service's answer has no schema: :func:`didkit.auth.oauth_token` reads (and checks) it."""


_ROUTES: list[tuple[str, str, str]] = [
    ("GET", r"/countries", "countries"),
    ("GET", r"/regions", "regions"),
    ("GET", r"/cities", "cities"),
    ("GET", r"/did_group_types", "did_group_types"),
    ("GET", r"/did_groups", "did_groups"),
    ("GET", r"/available_dids", "available_dids"),
    ("GET", r"/dids", "dids"),
    ("GET|PATCH", r"/dids/[^/]+", "did"),
    ("GET", r"/orders", "orders"),
    ("POST", r"/orders", "order"),
    ("GET", r"/orders/[^/]+", "order"),
    ("GET", r"/voice_in_trunks", "voice_in_trunks"),
    ("POST", r"/voice_in_trunks", "voice_in_trunk"),
    ("PATCH", r"/voice_in_trunks/[^/]+", "voice_in_trunk"),
    ("GET", r"/voice_in_trunk_groups", "voice_in_trunk_groups"),
    ("POST", r"/voice_in_trunk_groups", "voice_in_trunk_group"),
    ("GET", r"/sms_trunks", "sms_trunks"),
    ("POST|PATCH", r"/sms_trunks(/[^/]+)?", "sms_trunk"),
    ("GET", r"/sms_trunk_groups", "sms_trunk_groups"),
    ("POST", r"/sms_trunk_groups", "sms_trunk_group"),
    ("POST", r"/token", TOKEN),
]


def schema_for(method: str, uri: str, status: int) -> str:
    if status >= 400:
        return "errors"
    path = re.sub(r"^https?://[^/]+(/v3)?", "", uri.split("?", 1)[0])
    for methods, pattern, schema in _ROUTES:
        if re.fullmatch(methods, method) and re.fullmatch(pattern, path):
            return schema
    raise AssertionError(f"no schema known for {method} {path}")


def _cassettes() -> list[Path]:
    found = sorted(CASSETTES.glob("*.yaml"))
    if RECORDED.is_dir():
        found += sorted(RECORDED.glob("*.yaml"))
    return found


def test_there_are_cassettes() -> None:
    assert len(_cassettes()) >= 20


@pytest.mark.parametrize("path", _cassettes(), ids=lambda p: p.stem)
def test_cassette_responses_match_schemas(path: Path) -> None:
    data = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
    assert data["interactions"], f"{path.name} has no interactions"
    for index, interaction in enumerate(data["interactions"]):
        request, response = interaction["request"], interaction["response"]
        status = response["status"]["code"]
        body = json.loads(response["body"]["string"])
        schema = schema_for(request["method"], request["uri"], status)
        where = f"{path.name} interaction {index} ({request['method']} {request['uri']})"
        if path.stem.startswith("malformed_"):
            continue  # deliberately broken; test_didww_errors checks they become ResponseFormatError
        if schema == TOKEN:
            token, lifetime = oauth_token(HttpResponse(status, {}, response["body"]["string"].encode()))
            assert token and lifetime > 0
            continue
        try:
            SCHEMAS[schema].validate(body, provider="didww", status_code=status)
        except ResponseFormatError as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{where}: {exc}")
        for name, values in request["headers"].items():
            assert name.lower() != "api-key" or values == ["REDACTED"], f"{where} keeps an API key"


@pytest.mark.parametrize(
    ("fixture", "schema"),
    [
        ("countries/index.json", "countries"),
        ("regions/index.json", "regions"),
        ("cities/index.json", "cities"),
        ("did_group_types/index.json", "did_group_types"),
        ("did_groups/index.json", "did_groups"),
        ("available_dids/index.json", "available_dids"),
        ("available_dids/index_with_nanpa.json", "available_dids"),
        ("dids/index.json", "dids"),
        ("dids/show.json", "did"),
        ("dids/show_with_trunk.json", "did"),
        ("dids/show_with_trunk_group.json", "did"),
        ("dids/show_with_address_verification_and_did_group.json", "did"),
        ("dids/update_blocked_terminated.json", "did"),
        ("orders/create.json", "order"),
        ("orders/show.json", "order"),
        ("orders/create_capacity.json", "order"),
        ("orders/create_nanpa.json", "order"),
        ("orders/create_reservation.json", "order"),
        ("did_reservations/create.json", "did_reservation"),
        ("did_reservations/show.json", "did_reservation"),
        ("did_reservations/index.json", "did_reservations"),
        ("nanpa_prefixes/index.json", "nanpa_prefixes"),
        ("voice_in_trunks/index.json", "voice_in_trunks"),
        ("voice_in_trunks/create_sip.json", "voice_in_trunk"),
        ("voice_in_trunks/update_pstn.json", "voice_in_trunk"),
        ("voice_in_trunk_groups/index.json", "voice_in_trunk_groups"),
        ("voice_in_trunk_groups/create.json", "voice_in_trunk_group"),
        ("dids/update_error_invalid_param.json", "errors"),
        ("address_requirement_validations/create_error_validation.json", "errors"),
    ],
)
def test_schemas_accept_didww_examples(vendor: Path, fixture: str, schema: str) -> None:
    SCHEMAS[schema].validate(json.loads((vendor / fixture).read_text()), provider="didww")


def test_one_schema_per_document_read() -> None:
    names = set(SCHEMAS.names())
    assert names >= {route[2] for route in _ROUTES if route[2] != TOKEN} | {"errors"}
    for name in names:
        assert SCHEMAS[name].schema["$schema"].endswith("2020-12/schema")


def test_a_document_without_data_is_rejected_naming_the_field() -> None:
    with pytest.raises(ResponseFormatError) as info:
        SCHEMAS["did"].validate({"data": {"type": "dids", "id": "x", "attributes": {}}}, provider="didww")
    assert info.value.field == "data.attributes"
