"""procure(..., end_user=profile): a number in a country that needs registration ends bought and
registered, on both carriers' emulators, sync and async; the ledger keeps the registration so a
retry never registers twice; a failed registration never loses the purchase."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

import didkit
from didkit import Address, Document, EndUser, NumberStatus, RegistrationStatus, SearchQuery
from didkit.ledger import MemoryLedger

BERLIN_LOCAL = SearchQuery(country="DE", city="Berlin", number_type="local")
BERLIN = Address("Unter den Linden 1", "Berlin", "10117", "DE")
PARIS = Address("1 Rue de Rivoli", "Paris", "75001", "FR")
ID_SCAN = b"%PDF-1.7 the end user's passport"
BILL = b"\x89PNG a utility bill"
KEY = "procure-registration-key-41c2"
CARRIERS = ["didww", "wavix"]


def ada(address: Address = BERLIN) -> EndUser:
    return EndUser.person(
        "Ada",
        "Lovelace",
        address=address,
        phone="+4930901820",
        birth_date="1990-12-10",
        documents=(Document("identity", "passport.pdf", ID_SCAN), Document("address", "bill.png", BILL)),
    )


def registrations_sent(provider: Any) -> list[str]:
    routes = ("/identities", "/v1/numbers/papers")
    return [r.path for r in provider.emulator.requests if r.method == "POST" and r.path.endswith(routes)]


def assert_bought_and_registered(result: didkit.Procurement, name: str) -> None:
    assert result.provider == name
    assert result.offer is not None and result.offer.requires_documents
    (did,) = result.numbers
    assert did.number.startswith("+49")
    assert result.registered and not result.registration_errors
    (registration,) = result.registrations
    assert registration.provider == name
    assert registration.status is RegistrationStatus.PENDING
    assert registration.numbers == (did.number,)


@pytest.mark.parametrize("name", CARRIERS)
def test_a_berlin_local_number_ends_bought_and_registered(name: str) -> None:
    ledger = MemoryLedger()
    with didkit.connect(name, sandbox=True, api_key=KEY) as provider:
        result = didkit.procure(BERLIN_LOCAL, provider, reference="berlin-line", end_user=ada(), ledger=ledger)
        assert_bought_and_registered(result, name)
        verdict = provider.get_registration(result.registrations[0].id)  # the carrier has it
        assert verdict.status is RegistrationStatus.APPROVED
        assert provider.get_number(result.numbers[0].id).status is NumberStatus.ACTIVE

        entry = ledger.get("berlin-line")
        assert entry is not None
        recorded = entry.registration_of(result.order.id)
        assert recorded is not None and recorded.id == result.registrations[0].id

        sent = registrations_sent(provider)
        again = didkit.procure(BERLIN_LOCAL, provider, reference="berlin-line", end_user=ada(), ledger=ledger)
        assert registrations_sent(provider) == sent  # the retry registers nothing more
        assert again.order == result.order
        assert [r.id for r in again.registrations] == [r.id for r in result.registrations]


@pytest.mark.parametrize("name", CARRIERS)
def test_the_async_procurement_ends_bought_and_registered(name: str) -> None:
    async def run() -> didkit.Procurement:
        async with didkit.connect_async(name, sandbox=True, api_key=KEY) as provider:
            return await didkit.procure_async(
                BERLIN_LOCAL, provider, reference="berlin-async", end_user=ada(), ledger=MemoryLedger()
            )

    assert_bought_and_registered(asyncio.run(run()), name)


@pytest.mark.parametrize("name", CARRIERS)
def test_a_failed_registration_keeps_the_purchase(name: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="didkit.broker")
    ledger = MemoryLedger()
    with didkit.connect(name, sandbox=True, api_key=KEY) as provider:
        route = "POST /identities" if name == "didww" else "POST /v1/numbers/papers"
        provider.emulator.faults.inject(route, status=422, message="document could not be read")
        result = didkit.procure(BERLIN_LOCAL, provider, reference="berlin-fail", end_user=ada(), ledger=ledger)
        (did,) = result.numbers
        assert not result.registered and result.registrations == ()
        error = result.registration_errors[result.order.id]
        assert isinstance(error, didkit.DidkitError) and "could not be read" in str(error)
        assert "is bought, but registering the end user failed" in caplog.text
        assert provider.get_number(did.id).status is NumberStatus.PENDING

        again = didkit.procure(BERLIN_LOCAL, provider, reference="berlin-fail", end_user=ada(), ledger=ledger)
        assert again.numbers == result.numbers
        assert "could not be read" in str(again.registration_errors[result.order.id])  # as the ledger kept it


def test_a_number_the_profile_cannot_be_registered_for_is_never_bought() -> None:
    # DIDWW's Berlin local offers all need a local address: a Paris profile fits none of them
    with didkit.connect("didww", sandbox=True, api_key=KEY) as didww:
        with pytest.raises(didkit.ProcurementFailedError) as raised:
            didkit.procure(BERLIN_LOCAL, didww, reference="paris", end_user=ada(PARIS), ledger=MemoryLedger())
        assert raised.value.attempts and {a.outcome for a in raised.value.attempts} == {"skipped"}
        assert "profile does not fit" in str(raised.value)
        writes = [r.path for r in didww.emulator.requests if r.method != "GET" and r.path != "/token"]
        assert writes == []  # nothing bought, nothing sent


def test_offers_the_profile_does_not_fit_are_skipped_for_ones_it_does() -> None:
    # Wavix has Berlin numbers that need documents (the cheapest) and some that need none
    with didkit.connect("wavix", sandbox=True, api_key=KEY) as wavix:
        result = didkit.procure(BERLIN_LOCAL, wavix, reference="paris", end_user=ada(PARIS), ledger=MemoryLedger())
        skipped = [a for a in result.attempts if a.outcome == "skipped"]
        assert skipped and all(a.offer.requires_documents for a in skipped)
        assert result.offer is not None and not result.offer.requires_documents
        assert result.registrations == () and registrations_sent(wavix) == []


def test_an_end_user_contradicts_require_no_documents_and_must_be_a_profile() -> None:
    with pytest.raises(didkit.InvalidInputError, match="contradict"):
        didkit.procure(BERLIN_LOCAL, "wavix", reference="x", end_user=ada(), require_no_documents=True, ledger="memory")
    with pytest.raises(didkit.InvalidInputError, match="EndUser"):
        didkit.procure(BERLIN_LOCAL, "wavix", reference="x", end_user={"name": "Ada"}, ledger="memory")  # type: ignore[arg-type]


def test_without_a_profile_nothing_is_registered() -> None:
    with didkit.connect("wavix", sandbox=True, api_key=KEY) as provider:
        result = didkit.procure(BERLIN_LOCAL, provider, reference="plain", ledger=MemoryLedger())
        assert result.offer is not None and result.offer.requires_documents
        assert result.registrations == () and result.registered
        assert registrations_sent(provider) == []
