"""DID.status_reason: why a number is PENDING or BLOCKED, in the carrier's words."""

from __future__ import annotations

import json
from pathlib import Path

from didkit_didww._mapping import did_from
from didkit_wavix._mapping import number_from

from didkit import NumberStatus
from didkit.jsonapi import Document

VENDOR = Path(__file__).resolve().parents[1] / "vendor"


def test_wavix_inactive_number_says_which_documents_it_waits_for() -> None:
    record = json.loads((VENDOR / "wavix/examples/numbers_get.200.json").read_text())
    waiting = dict(record, status="inactive", documents=[], require_docs=["1", "3"])
    did = number_from(waiting, "wavix")
    assert did.status is NumberStatus.PENDING
    assert did.status_reason == "documents required: 1, 3"
    uploaded = dict(waiting, documents=[dict(record["documents"][0], status="rejected")])
    assert "rejected" in (number_from(uploaded, "wavix").status_reason or "")
    assert number_from(dict(record, status="active"), "wavix").status_reason is None


def test_didww_awaiting_registration_with_the_verification_verdict() -> None:
    body = json.loads(
        (VENDOR / "didww/go-sdk-fixtures/dids/show_with_address_verification_and_did_group.json").read_text()
    )
    body["data"]["attributes"].update(awaiting_registration=True, blocked=True, terminated=False)
    verification = next(item for item in body.get("included", []) if item["type"] == "address_verifications")
    verification["attributes"].update(status="rejected", reject_reasons=["Proof of address is older than 3 months"])
    did = did_from(Document.parse(body, provider="didww"), Document.parse(body, provider="didww").one())
    assert did.status is NumberStatus.PENDING
    assert did.status_reason == (
        "awaiting registration; address verification rejected: Proof of address is older than 3 months"
    )
    body["data"]["attributes"].update(awaiting_registration=False)
    document = Document.parse(body, provider="didww")
    assert did_from(document, document.one()).status_reason == "blocked"
    body["data"]["attributes"].update(blocked=False)
    document = Document.parse(body, provider="didww")
    assert did_from(document, document.one()).status_reason is None
