"""Carrier readers of regulatory records, on the vendors' own examples, and DIDWW's encryption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from didkit_didww import _encryption as encryption
from didkit_didww._regulatory import registration_from, requirement_from
from didkit_wavix._regulatory import check_documents, kind_of, registration_of

import didkit
from didkit import Document, RegistrationStatus
from didkit.engine import HttpRequest
from didkit.jsonapi import Document as JsonApi

VENDOR = Path(__file__).resolve().parents[1] / "vendor"


def _fixture(path: str) -> object:
    return json.loads((VENDOR / path).read_text())


def test_didww_address_requirement_from_the_go_sdk_fixture() -> None:
    document = JsonApi.parse(_fixture("didww/go-sdk-fixtures/address_requirements/index.json"), provider="didww")
    first = requirement_from(document.resources()[0])
    # identity_type any, personal 1 / business 2 proofs, address 1 proof, address at area level
    assert (first.documents_required, first.subject, first.address) == (True, "any", "local")
    assert first.proofs == ("identity", "address")
    assert first.restrictions == "Needs end user registration."


def test_didww_address_verification_reads_reasons() -> None:
    body = {
        "data": {
            "id": "c8f5f2b8-4f3e-4c0e-a0c2-0c5e7d3a9b11",
            "type": "address_verifications",
            "attributes": {"status": "Rejected", "reject_reasons": ["Address is unreadable"], "reject_comment": None},
            "relationships": {"dids": {"data": [{"type": "dids", "id": "d1"}]}},
        },
        "included": [{"id": "d1", "type": "dids", "attributes": {"number": "4930901820"}}],
    }
    document = JsonApi.parse(body, provider="didww")
    registration = registration_from(document, document.one())
    assert registration.status is RegistrationStatus.REJECTED
    assert registration.reasons == ("Address is unreadable",)
    assert registration.numbers == ("+4930901820",)


def test_didww_encryption_round_trip_with_the_private_keys() -> None:
    private = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]
    pems = [
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        for key in private
    ]
    keys = [encryption.load_key(pem.decode()) for pem in pems]
    secret = b"%PDF-1.7 passport scan" * 50
    blob = encryption.encrypt(secret, keys)
    assert secret not in blob
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    for index, key in enumerate(private):  # either private key opens it
        credentials = key.decrypt(blob[256 * index : 256 * (index + 1)], oaep)
        decryptor = Cipher(algorithms.AES(credentials[:32]), modes.CBC(credentials[32:])).decryptor()
        padded = decryptor.update(blob[512:]) + decryptor.finalize()
        assert padded[: -padded[-1]] == secret
    left, right = encryption.fingerprint(keys).split(":::")
    assert len(left) == len(right) == 40 and left != right


def test_didww_rejects_a_public_key_that_is_not_pem() -> None:
    with pytest.raises(didkit.ResponseFormatError, match="public_keys"):
        encryption.load_key("not a key")


def test_wavix_document_type_names() -> None:
    assert kind_of("id") == ("identity", None)
    assert kind_of("localaddress") == ("address", "local")
    assert kind_of("address") == ("address", "worldwide")
    assert kind_of("Proof of business registration") == ("business_registration", None)


def test_wavix_verdict_from_the_spec_example_record() -> None:
    record = _fixture("wavix/examples/numbers_get.200.json")
    assert isinstance(record, dict)
    registration = registration_of("123", [("+12565378257", record)])
    statuses = {str(d["status"]).lower() for d in record["documents"]}
    expected = (
        RegistrationStatus.REJECTED
        if "rejected" in statuses
        else RegistrationStatus.PENDING
        if statuses - {"approved"}
        else RegistrationStatus.APPROVED
    )
    assert registration.status is expected
    rejected = dict(record, documents=[dict(record["documents"][0], status="rejected")])
    again = registration_of("123", [("+12565378257", rejected)])
    assert again.status is RegistrationStatus.REJECTED and "rejected" in again.reasons[0]


def test_wavix_upload_limits() -> None:
    check_documents([Document("identity", "id.pdf", b"%PDF")])
    with pytest.raises(didkit.InvalidInputError, match="PNG, JPG"):
        check_documents([Document("identity", "id.docx", b"x")])
    with pytest.raises(didkit.InvalidInputError, match="10 MB"):
        check_documents([Document("identity", "id.png", b"x" * (10 * 1024 * 1024 + 1))])


def test_multipart_request_keeps_its_body_out_of_the_repr() -> None:
    request = HttpRequest.multipart(
        "POST", "/up", fields=[("a", "1")], files=[("f", ("x.png", b"SECRET", "image/png"))]
    )
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert request.content is not None and b"SECRET" in request.content
    assert "SECRET" not in repr(request)
