"""Conformance checking for the suite (used by ``tests/conftest.py``): every response any emulator
produces during the test suite is recorded, then validated against the JSON Schemas derived from
the carriers' published OpenAPI documents (``tests/conformance/schemas``, made by
``tools/derive_conformance_schemas.py``).

A response whose route and status the spec does not document fails too, unless it is listed in
``KNOWN_DEVIATIONS`` with the reason the emulator knowingly differs from the real carrier.

DIDWW responses served as API 2026-11-19 (the emulator's ``served_version``, and its token
service) are checked against ``didww-2026-11-19.json``, the 2026-04-16 bundle changed as DIDWW's
2026-11-19 documentation says (see ``tools/derive_conformance_schemas.py``).
Set ``DIDKIT_CONFORMANCE=0`` to switch the check off while iterating locally.
"""

from __future__ import annotations

import fnmatch
import json
import re
import threading
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).parent / "conformance" / "schemas"
SAMPLES_PER_KEY = 30

# (carrier, "METHOD /template STATUS" glob) -> why the emulator answers something the spec does not document.
# Such responses are still checked against the carrier's documented error shape for that status.
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {
    ("wavix", "* 401"): "the spec documents 401 on a few operations only; a missing key is refused on every route",
    ("wavix", "* 400"): "Wavix answers malformed parameters with its flat 400 error where the spec lists no 400",
    ("wavix", "POST /v1/buy/cart/checkout 422"): "insufficient funds at checkout: the spec documents only "
    "201/403/404; 422 {success:false, message:'Insufficient funds'} mirrors Wavix's other billing errors",
    ("didww", "* 401"): "the spec documents 401 on a few operations only; a missing key is refused on every route",
    ("didww", "* 429"): "DIDWW rate-limits every route at 10 requests/s (documented in prose, not per operation)",
    ("didww", "* 400"): "JSONAPI::Resources answers a disallowed filter/include/sort/param, a bad page or a malformed "
    "document with 400 on every route (DIDWW's own fixture dids/update_error_invalid_param.json is a 400 on PATCH)",
    ("didww", "* 404"): "an unknown id is 'Record not found' on every route; the spec documents 404 on some only",
    ("didww", "* 422"): "model validation on every create/update; the prose of DELETE /orders says 422",
    ("didww", "* 415"): "JSON:API: POST/PATCH must send Content-Type application/vnd.api+json",
    ("didww", "GET /available_dids* 403"): "new accounts get 403 'Access for Customer is Denied' until support "
    "enables available_dids (DIDWW support's answer, not in the spec)",
}
KNOWN_DEVIATIONS.update(
    {("didww-2026-11-19", glob): reason for (who, glob), reason in list(KNOWN_DEVIATIONS.items()) if who == "didww"}
)
KNOWN_DEVIATIONS[("didww-2026-11-19", "* 403")] = "a read-only token answered 'Insufficient scope' on any write"
NEW_DIDWW = "2026-11-19"
ERROR_SHAPES = {
    ("wavix", "401"): "UnauthorizedErrorResponse",
    ("wavix", "*"): "ValidationErrorResponse",
    ("didww", "*"): "ErrorsDocument",
    ("didww-2026-11-19", "*"): "ErrorsDocument",
}


def template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


class ConformanceChecker:
    """Collects emulator responses (up to ``SAMPLES_PER_KEY`` different bodies per route and status)
    and validates them."""

    def __init__(self) -> None:
        self.samples: dict[tuple[str, str], list[Any]] = {}
        self.seen: dict[tuple[str, str], set[bytes]] = {}
        self.lock = threading.Lock()
        self.bundles: dict[str, dict[str, Any]] = {}
        self.validators: dict[tuple[str, str], Any] = {}

    def record(self, emulator: Any, request: Any, key: str | None, response: Any) -> None:
        if key is None or emulator.name not in ("wavix", "didww"):
            return
        method, pattern = key.split(" ", 1)
        op = f"{method} {template(pattern)} {response.status}"
        carrier = emulator.name
        if carrier == "didww" and (key == "POST /token" or getattr(emulator, "served_version", "") >= NEW_DIDWW):
            carrier = f"didww-{NEW_DIDWW}"
        raw = bytes(response.body or b"")
        with self.lock:
            seen = self.seen.setdefault((carrier, op), set())
            if raw in seen or len(seen) >= SAMPLES_PER_KEY:
                return  # an identical body gets the identical verdict: each is validated once
            seen.add(raw)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = ValueError(f"not JSON: {raw[:80]!r}")
        with self.lock:
            self.samples.setdefault((carrier, op), []).append(body)

    def bundle(self, carrier: str) -> dict[str, Any]:
        if carrier not in self.bundles:
            self.bundles[carrier] = json.loads((SCHEMAS / f"{carrier}.json").read_text())
        return self.bundles[carrier]

    def validator(self, carrier: str, op: str) -> Any:
        from jsonschema import Draft202012Validator

        found = self.validators.get((carrier, op))
        if found is None:
            bundle = self.bundle(carrier)
            schema = {"$defs": bundle["$defs"], **bundle["operations"][op]}
            found = self.validators[(carrier, op)] = Draft202012Validator(schema)
        return found

    def problems(self) -> list[str]:
        out: list[str] = []
        for (carrier, op), bodies in sorted(self.samples.items()):
            operations = self.bundle(carrier)["operations"]
            if op not in operations and self.deviation(carrier, op):
                out.extend(self.error_shape_problems(carrier, op, bodies))
                continue
            if op not in operations:
                status = op.rsplit(" ", 1)[1]
                if not status.startswith("2") and op.rsplit(" ", 1)[0] + " default" in operations:
                    continue
                out.append(f"{carrier}: {op} is not documented by the spec")
                continue
            if operations[op] is None:
                continue
            validator = self.validator(carrier, op)
            for body in bodies:
                if isinstance(body, Exception):
                    out.append(f"{carrier}: {op}: {body}")
                    continue
                for error in validator.iter_errors(body):
                    where = "/".join(str(p) for p in error.absolute_path) or "(document)"
                    out.append(f"{carrier}: {op}: {where}: {error.message[:160]}")
                    break
        return out

    @staticmethod
    def deviation(carrier: str, op: str) -> str | None:
        for (who, pattern), reason in KNOWN_DEVIATIONS.items():
            if who == carrier and fnmatch.fnmatchcase(op, pattern):
                return reason
        return None

    def error_shape_problems(self, carrier: str, op: str, bodies: list[Any]) -> list[str]:
        """An undocumented status must still carry the carrier's error body."""
        from jsonschema import Draft202012Validator

        defs = self.bundle(carrier)["$defs"]
        status = op.rsplit(" ", 1)[1]
        name = ERROR_SHAPES.get((carrier, status)) or ERROR_SHAPES[(carrier, "*")]
        if name not in defs:
            return [f"{carrier}: no {name} schema in the derived bundle to check {op}"]
        validator = Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})
        out = []
        for body in bodies:
            error = next(iter(validator.iter_errors(body)), None) if not isinstance(body, Exception) else body
            if error is not None:
                out.append(f"{carrier}: {op} (undocumented status) has no {name} body: {str(error)[:160]}")
        return out


CHECKER = ConformanceChecker()
