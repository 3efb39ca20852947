"""Paths, constants and the vcrpy set-up shared by the DIDWW tests (imported by conftest.py
and by test modules; a plain module so it never clashes with another folder's conftest)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import vcr

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "tests" / "vendor" / "didww"  # exact vendor copies: tests/vendor/SOURCES.md
FIXTURES = VENDOR / "go-sdk-fixtures"
CASSETTES = ROOT / "cassettes" / "didww"
RECORDED = CASSETTES / "recorded"
RECORDING = os.environ.get("DIDKIT_DIDWW_RECORD") == "1"
TEST_KEY = "test-key-3f9a8c2e71"
V0416 = "2026-04-16"
"""The API version the 2026-04-16 cassettes and request-shape tests speak (2026-11-19 is the default)."""
JSON_MEDIA_TYPES = ("application/vnd.api+json", "application/json")


def _header(request: Any, name: str) -> str:
    for key, value in (request.headers or {}).items():
        if key.lower() == name.lower():
            return value[0] if isinstance(value, list) else str(value)
    return ""


def parsed_body(request: Any) -> Any:
    """A request body as JSON when it is JSON (``application/vnd.api+json`` or
    ``application/json``, or unlabelled JSON as cassettes store it), else the raw bytes."""
    body = request.body
    if body in (None, b"", ""):
        return None
    text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
    media = _header(request, "content-type").split(";")[0].strip().lower()
    if media in JSON_MEDIA_TYPES or not media:
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def jsonapi_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: bodies are equal as parsed JSON (key order and whitespace ignored)."""
    left, right = parsed_body(r1), parsed_body(r2)
    assert left == right, f"request bodies differ:\n{left!r}\n!=\n{right!r}"


def scrub_tokens(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy hook: a token service's answer is recorded with its ``access_token`` replaced."""
    body = response.get("body", {}).get("string")
    if isinstance(body, (bytes, str)) and b"access_token" in (body if isinstance(body, bytes) else body.encode()):
        try:
            decoded = json.loads(body)
        except ValueError:
            return response
        if isinstance(decoded, dict) and "access_token" in decoded:
            decoded["access_token"] = "REDACTED"
            text = json.dumps(decoded)
            response["body"]["string"] = text.encode() if isinstance(body, bytes) else text
    return response


def make_vcr(directory: Path = CASSETTES, record_mode: str = "none") -> vcr.VCR:
    """Cassettes keep neither the key (``Api-Key``, 2026-04-16 and the token request) nor a
    token (``Authorization`` on 2026-11-19 calls, ``access_token`` in the token answer)."""
    recorder = vcr.VCR(
        cassette_library_dir=str(directory),
        record_mode=record_mode,
        match_on=["method", "scheme", "host", "port", "path", "query", "jsonapi_body"],
        filter_headers=[("Api-Key", "REDACTED"), ("api-key", "REDACTED"), ("Authorization", "REDACTED")],
        before_record_response=scrub_tokens,
        decode_compressed_response=True,
    )
    recorder.register_matcher("jsonapi_body", jsonapi_body)
    return recorder
