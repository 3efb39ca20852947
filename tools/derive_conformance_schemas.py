"""Derive the JSON Schemas the conformance tests validate emulator responses against.

Reads the carriers' published OpenAPI documents (``tests/vendor``, see its SOURCES.md), keeps the response schemas of
the operations our emulators implement, converts OpenAPI 3.0 idioms (``nullable``) to JSON Schema
2020-12, and writes one bundle per carrier to ``tests/conformance/schemas/<carrier>.json``:
``{"operations": {"GET /dids 200": {"$ref": ...}}, "$defs": {...}}``.

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


def main() -> int:
    out_dir = ROOT / "tests" / "conformance" / "schemas"
    out_dir.mkdir(parents=True, exist_ok=True)
    for carrier in SPECS:
        bundle = derive(carrier)
        (out_dir / f"{carrier}.json").write_text(json.dumps(bundle, indent=1, sort_keys=True) + "\n")
        print(f"{carrier}: {len(bundle['operations'])} operation responses, {len(bundle['$defs'])} schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
