"""DIDWW callback signatures (``X-DIDWW-Signature``): HMAC-SHA1 over the normalised URL plus the
sorted parameters. The expected digests below were computed with DIDWW's official Python SDK
(``didww`` 3.2.0, ``didww.callback.request_validator.RequestValidator``)."""

from __future__ import annotations

import pytest
from didkit_didww import SIGNATURE_HEADER, callback_signature, verify_callback_signature

ORDER_CALLBACK = {"id": "5da18706-be9f-49b0-aeec-0480aacd49ad", "type": "orders", "status": "completed"}

VECTORS = [
    ("https://example.com/callback", ORDER_CALLBACK, "SOMEAPIKEY", "6b4bc28a0bcb32a613d022ac9e6c219392af7445"),
    ("http://foo.com/bar", {"foo": "bar", "baz": "1"}, "0123456789abcdef", "a16af89c733074a188270e875d9a0ca7bd34ca2a"),
    (
        "https://user:pw@[::1]:8443/cb?x=1#frag",
        {"status": "canceled", "id": "a", "type": "orders"},
        "s3cr3t",
        "2f40f7e000d9d5f01417ce26eb3a30ea9d6b2386",
    ),
    ("http://example.com:8080/didww/callbacks", {}, "k", "9a79f2428f8646c83c2d787c7d4cf4e1e10df8b3"),
]


@pytest.mark.parametrize(("url", "payload", "secret", "signature"), VECTORS)
def test_matches_didww_sdk(url: str, payload: dict[str, str], secret: str, signature: str) -> None:
    assert callback_signature(url, payload, secret) == signature
    assert verify_callback_signature(url, payload, signature, secret) is True


def test_header_name() -> None:
    assert SIGNATURE_HEADER == "X-DIDWW-Signature"


def test_default_port_is_part_of_the_signed_url() -> None:
    _, payload, secret, signature = VECTORS[0]
    assert verify_callback_signature("https://example.com:443/callback", payload, signature, secret)
    assert not verify_callback_signature("https://example.com:8443/callback", payload, signature, secret)


@pytest.mark.parametrize(
    "forgery",
    [
        {"signature": "0" * 40},
        {"signature": ""},
        {"signature": None},
        {"signature": "not-hex-at-all"},
        {"secret": "another-secret"},
        {"payload": {**ORDER_CALLBACK, "status": "canceled"}},
        {"payload": {**ORDER_CALLBACK, "extra": "1"}},
        {"url": "https://evil.example.com/callback"},
    ],
)
def test_forgeries_are_rejected(forgery: dict[str, object]) -> None:
    url, payload, secret, signature = VECTORS[0]
    args = {"url": url, "payload": payload, "signature": signature, "secret": secret, **forgery}
    assert verify_callback_signature(**args) is False  # type: ignore[arg-type]


def test_parameter_order_does_not_matter() -> None:
    url, payload, secret, signature = VECTORS[0]
    reordered = dict(reversed(list(payload.items())))
    assert verify_callback_signature(url, reordered, signature, secret)


def test_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        callback_signature("https://example.com/cb", {}, "")
