"""Shared fixtures of the Wavix adapter tests: cassette replay (vcrpy, record mode ``none``),
providers with injected sleeps, the emulator.

Recording (for someone holding a real Wavix key; see cassettes/wavix/README.md)::

    WAVIX_RECORD=1 WAVIX_API_KEY=... WAVIX_CASSETTE_DIR=/tmp/wavix-recorded \\
        pytest -n0 tests/wavix -k cassette

switches record mode to ``once`` and writes *new* cassettes into ``WAVIX_CASSETTE_DIR`` (default
``cassettes/wavix/recorded``), never over the committed ones. ``Authorization`` is scrubbed to
``Bearer <scrubbed>``, ``appid`` query parameters are blanked, ``Set-Cookie`` dropped and SIP trunk
``access_token`` values masked before anything is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import vcr
from didkit_wavix import AsyncWavixProvider, WavixProvider

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes" / "wavix"
KEY = "wx-test-key-5f2c9a1e77"
SCRUBBED = "Bearer <scrubbed>"
RECORDING = os.environ.get("WAVIX_RECORD") == "1"


def _scrub_authorization(key: str, value: str, request: Any) -> str:
    return SCRUBBED if value.startswith("Bearer ") else "<not a bearer token>"


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers") or {}
    for name in list(headers):
        if name.lower() == "set-cookie":
            del headers[name]
    body = response.get("body", {}).get("string")
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            data = json.loads(text)
        except ValueError:
            return response
        response["body"]["string"] = json.dumps(_mask(data)).encode()
    return response


def _mask(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: ("<scrubbed>" if k == "access_token" and v else _mask(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_mask(v) for v in node]
    return node


def _wavix_auth(r1: Any, r2: Any) -> None:
    """The request authenticates the one supported way: a Bearer token, never ``appid``."""
    if r1.headers.get("authorization") != SCRUBBED:
        raise AssertionError(f"expected a Bearer Authorization header, got {r1.headers.get('authorization')!r}")
    if any(name.lower() == "appid" for name, _ in r1.query):
        raise AssertionError("the deprecated appid query parameter was sent")


def make_vcr() -> vcr.VCR:
    recorder = vcr.VCR(
        cassette_library_dir=os.environ.get("WAVIX_CASSETTE_DIR", str(CASSETTES / "recorded"))
        if RECORDING
        else str(CASSETTES),
        record_mode="once" if RECORDING else "none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body", "wavix_auth"],
        filter_headers=[("authorization", _scrub_authorization)],
        filter_query_parameters=[("appid", "<scrubbed>")],
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("wavix_auth", _wavix_auth)
    return recorder


@pytest.fixture(scope="session")
def wavix_vcr() -> vcr.VCR:
    return make_vcr()


@pytest.fixture
def cassette(wavix_vcr: vcr.VCR) -> Callable[[str], Any]:
    """``with cassette("purchase") as cas:`` replays ``cassettes/wavix/purchase.yaml``."""

    @contextmanager
    def use(name: str) -> Iterator[Any]:
        with wavix_vcr.use_cassette(f"{name}.yaml") as cas:
            yield cas

    return use


class Sleeps:
    """Records the sleeps the engine asks for (tests never really sleep). Deliberately not a
    list: an empty list is falsy, and ``sleep or time.sleep`` would then really sleep."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def api_key() -> str:
    """The key the tests use (the real one while recording)."""
    return _key()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def _key() -> str:
    return os.environ["WAVIX_API_KEY"] if RECORDING else KEY


@pytest.fixture
def wavix(sleeps: Sleeps) -> Iterator[Callable[..., WavixProvider]]:
    """A factory of sync providers talking to https://api.wavix.com (the cassettes)."""
    made: list[WavixProvider] = []

    def factory(**kwargs: Any) -> WavixProvider:
        kwargs.setdefault("api_key", _key())
        kwargs.setdefault("sleep", sleeps)
        kwargs.setdefault("async_sleep", sleeps.async_sleep)
        provider = WavixProvider(**kwargs)
        made.append(provider)
        return provider

    yield factory
    for provider in made:
        provider.close()


@pytest.fixture
async def async_wavix(sleeps: Sleeps) -> AsyncIterator[Callable[..., AsyncWavixProvider]]:
    made: list[AsyncWavixProvider] = []

    def factory(**kwargs: Any) -> AsyncWavixProvider:
        kwargs.setdefault("api_key", _key())
        kwargs.setdefault("sleep", sleeps)
        kwargs.setdefault("async_sleep", sleeps.async_sleep)
        provider = AsyncWavixProvider(**kwargs)
        made.append(provider)
        return provider

    yield factory
    for provider in made:
        await provider.aclose()


def load_cassette(path: Path) -> list[dict[str, Any]]:
    import yaml

    data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
    interactions: list[dict[str, Any]] = data["interactions"]
    return interactions
