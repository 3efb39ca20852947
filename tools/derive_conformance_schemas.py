"""Derive the JSON Schemas the conformance tests validate emulator responses against.

Reads the carriers' published OpenAPI documents (``tests/vendor``, see its SOURCES.md), keeps the response schemas of
the operations our emulators implement, converts OpenAPI 3.0 idioms (``nullable``) to JSON Schema
2020-12, and writes one bundle per carrier to ``tests/conformance/schemas/<carrier>.json``:
``{"operations": {"GET /dids 200": {"$ref": ...}}, "$defs": {...}}``.

DIDWW's 2026-11-19 has no saved OpenAPI (only its opening was retrievable), so its bundle,
``didww-2026-11-19.json``, is the 2026-04-16 one changed as DIDWW's 2026-11-19 documentation says
(:data:`DIDWW_2026_11_19_SOURCES`): ``number_type``/``is_demo`` replace the DID group's
``did_group_type`` relationship, ``pop`` becomes a voice-in trunk attribute, DIDs gain
``sms_trunk``/``sms_trunk_group``, ``/did_group_types`` is gone, and ``sms_trunks``,
``sms_trunk_groups`` and the token service are new.

Run it again when a spec or an emulator's routes change:

    python tools/derive_conformance_schemas.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "tests" / "vendor"
SPECS = {
    "wavix": VENDOR / "wavix" / "openapi-2026-06-30.yaml",
    "didww": VENDOR / "didww" / "openapi-2026-04-16.yaml",
}
JSON_TYPES = ("application/json", "application/vnd.api+json")


def template(path: str) -> str:
    """``/v1/numbers/{id}`` and ``/v1/numbers/{number_id}`` are the same route."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def emulator_routes(carrier: str) -> set[str]:
    from importlib.metadata import entry_points

    (ep,) = [ep for ep in entry_points(group="didkit.emulators") if ep.name == carrier]
    emulator = ep.load()()
    return {f"{route.method} {template(route.pattern)}" for route in emulator.routes()}


_DROPPED = ("example", "examples", "xml", "externalDocs", "discriminator", "readOnly", "writeOnly", "nullable")


def convert(node: Any) -> Any:
    """OpenAPI schema → JSON Schema 2020-12 (refs re-pointed to ``$defs``)."""
    if isinstance(node, list):
        return [convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref":
            out[key] = "#/$defs/" + value.rsplit("/", 1)[1]
        elif (
            key in ("example", "examples", "xml", "externalDocs", "discriminator", "readOnly", "writeOnly")
            or key == "nullable"
        ):
            continue
        else:
            out[key] = convert(value)
    if node.get("nullable") is True:
        if "type" in out:
            kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*kinds, "null"] if "null" not in kinds else kinds
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def refs_in(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value.rsplit("/", 1)[1])
            else:
                found |= refs_in(value)
    elif isinstance(node, list):
        for item in node:
            found |= refs_in(item)
    return found


def derive(carrier: str) -> dict[str, Any]:
    spec = yaml.safe_load(SPECS[carrier].read_text())
    components = spec.get("components", {})
    schemas = components.get("schemas", {})
    wanted = emulator_routes(carrier)
    operations: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            key = f"{method.upper()} {template(path)}"
            if key not in wanted or not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if "$ref" in response:
                    response = components["responses"][response["$ref"].rsplit("/", 1)[1]]
                content = response.get("content") or {}
                media = next((content[t] for t in JSON_TYPES if t in content), None)
                schema = (media or {}).get("schema")
                operations[f"{key} {status}"] = convert(schema) if schema is not None else None
    needed: set[str] = set()
    frontier = refs_in(operations)
    while frontier:
        name = frontier.pop()
        if name in needed:
            continue
        needed.add(name)
        frontier |= refs_in(schemas[name]) - needed
    return {
        "source": f"{SPECS[carrier].name} (derived by tools/derive_conformance_schemas.py)",
        "operations": dict(sorted(operations.items())),
        "$defs": {name: convert(schemas[name]) for name in sorted(needed)},
    }


DIDWW_2026_11_19_SOURCES = (
    "doc.didww.com/api3/2026-11-19: changelog.md (token service), authentication.md, did-group-object.md, "
    "voice-in-trunks/index.md, sms-trunks/{index,sms-trunk-object,create-sms-trunk,delete-sms-trunk}.md, "
    "sms-trunk-groups/{index,sms-trunk-group-object}.md, update-did.html; draft OpenAPI "
    "github.com/didww/didww-api-3-openapi openapi/sources/api.json @ c6fdd1308088ed326f7899d41923ce0b8c556ab3"
)
_TIMESTAMP = {"format": "date-time", "type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_ONE = {"$ref": "#/$defs/RelationshipToOne"}
_MANY = {"$ref": "#/$defs/RelationshipToMany"}
_NEW_DEFS: dict[str, Any] = {
    "SmsTrunk": {
        "description": "An SMS trunk (2026-11-19): where a DID's inbound SMS go, or how outbound SMS come in.",
        "type": "object",
        "required": ["id", "type", "attributes", "relationships"],
        "properties": {
            "id": {"format": "uuid", "type": "string"},
            "type": {"enum": ["sms_trunks"], "type": "string"},
            "attributes": {
                "type": "object",
                "required": ["name", "external_reference_id", "blocked", "priority", "allow_any_did_as_source",
                             "allow_in", "allow_out", "created_at", "updated_at", "configuration"],
                "properties": {
                    "name": {"type": "string"},
                    "external_reference_id": {"type": ["string", "null"], "maxLength": 100},
                    "blocked": {"type": "boolean"},
                    "priority": {"type": ["integer", "null"], "minimum": 0, "maximum": 32767},
                    "allow_any_did_as_source": {"type": "boolean"},
                    "allow_in": {"type": "boolean"},
                    "allow_out": {"type": "boolean"},
                    "created_at": _TIMESTAMP,
                    "updated_at": _TIMESTAMP,
                    "configuration": {"$ref": "#/$defs/SmsTrunkConfiguration"},
                },
            },
            "relationships": {
                "type": "object",
                "required": ["outgoing_dids", "incoming_dids", "sms_trunk_group"],
                "properties": {"outgoing_dids": _MANY, "incoming_dids": _MANY, "sms_trunk_group": _ONE},
            },
            "meta": {"type": "object", "properties": {"host": {"type": "string"}}},
        },
    },
    "SmsTrunkConfiguration": {
        "type": "object",
        "required": ["type", "attributes"],
        "properties": {
            "type": {"enum": ["sms_to_email", "http_in", "http_out", "smpp_esme", "smpp_smsc"]},
            "attributes": {"type": "object"},
        },
        "if": {"properties": {"type": {"const": "http_in"}}},
        "then": {"properties": {"attributes": {"$ref": "#/$defs/SmsHttpInConfiguration"}}},
    },
    "SmsHttpInConfiguration": {
        "type": "object",
        "required": ["url", "http_method", "query_parameters", "headers", "body_type", "body", "follow_redirect",
                     "validate_https_certificate"],
        "properties": {
            "url": {"type": "string"},
            "http_method": {"enum": ["get", "post", "put"]},
            "query_parameters": {"type": ["object", "null"]},
            "headers": {"type": ["object", "null"]},
            "body_type": {"enum": ["json", "html_multipart", "html_url_encoded", "raw", None]},
            "body": {"type": ["string", "object", "null"]},
            "follow_redirect": {"type": "boolean"},
            "validate_https_certificate": {"type": "boolean"},
        },
    },
    "SmsTrunkGroup": {
        "description": "An SMS trunk group (2026-11-19): inbound failover by priority.",
        "type": "object",
        "required": ["id", "type", "attributes", "relationships", "meta"],
        "properties": {
            "id": {"format": "uuid", "type": "string"},
            "type": {"enum": ["sms_trunk_groups"], "type": "string"},
            "attributes": {
                "type": "object",
                "required": ["name", "external_reference_id", "created_at", "updated_at"],
                "properties": {"name": {"type": "string"}, "external_reference_id": _TEXT_OR_NULL,
                               "created_at": _TIMESTAMP, "updated_at": _TIMESTAMP},
            },
            "relationships": {
                "type": "object",
                "required": ["sms_trunks", "incoming_dids"],
                "properties": {"sms_trunks": _MANY, "incoming_dids": _MANY},
            },
            "meta": {"type": "object", "required": ["sms_trunks_count"],
                     "properties": {"sms_trunks_count": {"type": "integer"}}},
        },
    },
    "TokenResponse": {
        "type": "object",
        "required": ["access_token", "token_type", "expires_in", "aud", "scope", "api_version"],
        "properties": {
            "access_token": {"type": "string", "minLength": 1},
            "token_type": {"const": "Bearer"},
            "expires_in": {"type": "integer", "minimum": 60, "maximum": 3600},
            "aud": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "scope": {"type": "string"},
            "api_version": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        },
    },
    "OAuthError": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"enum": ["invalid_request", "invalid_scope", "invalid_client", "rate_limit_exceeded"]},
            "error_description": {"type": "string"},
        },
    },
}


def _document(name: str, many: bool) -> dict[str, Any]:
    one = {"$ref": f"#/$defs/{name}"}
    data: dict[str, Any] = {"type": "array", "items": one} if many else one
    return {
        "type": "object",
        "required": ["data", "meta"],
        "properties": {
            "data": data,
            "included": {"type": "array", "items": {"type": "object", "required": ["id", "type"]}},
            "meta": {"$ref": "#/$defs/CollectionMeta" if many else "#/$defs/Meta"},
            "links": {"type": "object"},
        },
    }


def derive_didww_2026_11_19(base: dict[str, Any]) -> dict[str, Any]:
    """The 2026-04-16 bundle changed as 2026-11-19 documents it (see the module docstring)."""
    bundle = json.loads(json.dumps(base))
    defs, operations = bundle["$defs"], bundle["operations"]
    group = defs["DidGroup"]["properties"]
    group["relationships"]["properties"].pop("did_group_type")
    group["relationships"]["required"].remove("did_group_type")
    group["attributes"]["properties"]["number_type"] = {
        "enum": ["local", "national", "mobile", "toll_free", "shared_cost", "global"]
    }
    group["attributes"]["properties"]["is_demo"] = {"type": "boolean"}
    group["attributes"]["required"] += ["number_type", "is_demo"]
    if "AddressRequirement" in defs:  # 2026-11-19 drops its did_group_type too
        requirement = defs["AddressRequirement"]["properties"]["relationships"]
        requirement["properties"].pop("did_group_type", None)
        if "did_group_type" in requirement.get("required", ()):
            requirement["required"].remove("did_group_type")
    trunk = defs["VoiceInTrunk"]["properties"]
    trunk["relationships"]["properties"].pop("pop")
    trunk["relationships"]["required"].remove("pop")
    trunk["attributes"]["properties"]["pop"] = {"enum": ["NYC", "FRA", "LAC", "MIA", "SG", "HK", "AMS", None]}
    trunk["attributes"]["required"].append("pop")
    did = defs["Did"]["properties"]["relationships"]
    did["properties"].update({"sms_trunk": _ONE, "sms_trunk_group": _ONE})
    did["required"] += ["sms_trunk", "sms_trunk_group"]
    defs.update(json.loads(json.dumps(_NEW_DEFS)))
    for name in ("SmsTrunk", "SmsTrunkGroup"):
        defs[f"{name}Document"] = _document(name, many=False)
        defs[f"{name}CollectionDocument"] = _document(name, many=True)
    for definition in defs.values():  # new resources may be included anywhere
        included = definition.get("properties", {}).get("included", {}).get("items", {})
        if "oneOf" in included:
            included["oneOf"] += [{"$ref": "#/$defs/SmsTrunk"}, {"$ref": "#/$defs/SmsTrunkGroup"}]
    for key in [k for k in operations if k.startswith("GET /did_group_types")]:
        del operations[key]
    for collection, name in (("sms_trunks", "SmsTrunk"), ("sms_trunk_groups", "SmsTrunkGroup")):
        operations[f"GET /{collection} 200"] = {"$ref": f"#/$defs/{name}CollectionDocument"}
        operations[f"POST /{collection} 201"] = {"$ref": f"#/$defs/{name}Document"}
        operations[f"GET /{collection}/{{}} 200"] = {"$ref": f"#/$defs/{name}Document"}
        operations[f"PATCH /{collection}/{{}} 200"] = {"$ref": f"#/$defs/{name}Document"}
        operations[f"DELETE /{collection}/{{}} 204"] = None
    operations["POST /token 200"] = {"$ref": "#/$defs/TokenResponse"}
    for status in ("400", "401", "429"):
        operations[f"POST /token {status}"] = {"$ref": "#/$defs/OAuthError"}
    bundle["operations"] = dict(sorted(operations.items()))
    bundle["source"] = f"{base['source']}, changed for 2026-11-19 as documented by: {DIDWW_2026_11_19_SOURCES}"
    return bundle


def main() -> int:
    out_dir = ROOT / "tests" / "conformance" / "schemas"
    out_dir.mkdir(parents=True, exist_ok=True)
    bundles = {carrier: derive(carrier) for carrier in SPECS}
    bundles["didww-2026-11-19"] = derive_didww_2026_11_19(bundles["didww"])
    for carrier, bundle in bundles.items():
        (out_dir / f"{carrier}.json").write_text(json.dumps(bundle, indent=1, sort_keys=True) + "\n")
        print(f"{carrier}: {len(bundle['operations'])} operation responses, {len(bundle['$defs'])} schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
