"""Requirements, registration and verdict on both carriers' emulators, sync and async."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

import didkit
from didkit import Address, Document, EndUser, NumberStatus, RegistrationStatus, SearchQuery

BERLIN = Address("Unter den Linden 1", "Berlin", "10117", "DE")
PARIS = Address("1 Rue de Rivoli", "Paris", "75001", "FR")
ID_SCAN = b"%PDF-1.7 the end user's passport, never to be logged"
BILL = b"\x89PNG a utility bill, never to be logged"
KEY = "regulatory-test-key-7d3e9c"


def ada(address: Address = BERLIN, *documents: Document) -> EndUser:
    return EndUser.person(
        "Ada",
        "Lovelace",
        address=address,
        phone="+4930901820",
        birth_date="1990-12-10",
        documents=documents or (Document("identity", "passport.pdf", ID_SCAN), Document("address", "bill.png", BILL)),
        description="Berlin office line",
    )


def needing_documents(provider: Any) -> didkit.AvailableNumber:
    offers = provider.search_numbers(SearchQuery(country="DE", city="Berlin"))
    return next(offer for offer in offers if offer.requires_documents)


def writes(provider: Any) -> list[str]:
    return [f"{r.method} {r.path}" for r in provider.emulator.requests if r.method != "GET"]


@pytest.fixture(params=["didww", "wavix"])
def carrier(request: pytest.FixtureRequest) -> Any:
    with didkit.connect(request.param, sandbox=True, api_key=KEY) as provider:
        yield provider


def test_requirements_say_what_a_berlin_number_needs(carrier: Any) -> None:
    needs = carrier.requirements(needing_documents(carrier))
    assert needs.documents_required
    assert (needs.subject, needs.address) == ("any", "local")
    assert set(needs.proofs) == {"identity", "address"}
    anywhere = next(iter(carrier.search_numbers(SearchQuery(country="US", city="Los Angeles"))))
    assert not anywhere.requires_documents
    assert carrier.requirements(anywhere) == didkit.Requirements(documents_required=False)


def test_requirements_are_cached_per_country_and_type(carrier: Any) -> None:
    offer = needing_documents(carrier)
    carrier.requirements(offer)
    before = len(carrier.emulator.requests)
    assert carrier.requirements(offer).documents_required
    assert len(carrier.emulator.requests) == before


def test_a_bought_number_is_registered_and_approved(carrier: Any) -> None:
    order = carrier.purchase(needing_documents(carrier), reference="berlin-1")
    (did,) = order.numbers
    assert did.status is NumberStatus.PENDING and did.status_reason
    registration = carrier.register(order, ada())
    assert registration.provider == carrier.name
    assert registration.status is RegistrationStatus.PENDING
    assert registration.numbers == (did.number,)
    verdict = carrier.get_registration(registration.id)
    assert verdict.status is RegistrationStatus.APPROVED and verdict.reasons == ()
    again = carrier.get_number(did.id)
    assert again.status is NumberStatus.ACTIVE and again.status_reason is None


def test_a_rejection_comes_with_the_carriers_reasons(carrier: Any) -> None:
    order = carrier.purchase(needing_documents(carrier), reference="berlin-2")
    if carrier.name == "didww":
        carrier.emulator.regulation.decide("rejected", ["Proof of address is older than 3 months"])
    else:
        carrier.emulator.papers.decide("rejected")
    registration = carrier.register(order.numbers[0], ada())
    verdict = carrier.get_registration(registration.id)
    assert verdict.status is RegistrationStatus.REJECTED
    assert verdict.reasons
    if carrier.name == "didww":
        assert verdict.reasons == ("Proof of address is older than 3 months",)
    assert carrier.get_number(order.numbers[0].id).status is NumberStatus.PENDING


def test_bad_profiles_are_rejected_before_anything_is_written(carrier: Any) -> None:
    order = carrier.purchase(needing_documents(carrier), reference="berlin-3")
    before = writes(carrier)
    with pytest.raises(didkit.InvalidInputError, match="address"):
        carrier.register(order, ada(PARIS))  # a local requirement, an address abroad
    with pytest.raises(didkit.InvalidInputError, match="kind address"):
        carrier.register(order, ada(BERLIN, Document("identity", "passport.pdf", ID_SCAN)))
    with pytest.raises(didkit.InvalidInputError, match="document kind"):
        Document("selfie", "me.png", b"x")
    assert writes(carrier) == before


def test_wavix_checks_type_and_size_before_any_request() -> None:
    with didkit.connect("wavix", sandbox=True, api_key=KEY) as wavix:
        huge = Document("identity", "passport.pdf", b"%" * (10 * 1024 * 1024 + 1))
        for bad, message in ((huge, "10 MB"), (Document("identity", "passport.docx", b"x"), "PDF")):
            with pytest.raises(didkit.InvalidInputError, match=message):
                wavix.register("+12135550100", ada(BERLIN, bad, Document("address", "bill.png", BILL)))
        assert wavix.emulator.requests == []


def test_didww_uploads_are_encrypted_and_the_emulator_opens_them() -> None:
    with didkit.connect("didww", sandbox=True, api_key=KEY) as didww:
        order = didww.purchase(needing_documents(didww), reference="berlin-4")
        didww.register(order, ada())
        uploads = [r for r in didww.emulator.requests if r.path.endswith("/encrypted_files")]
        assert len(uploads) == 2
        assert all(ID_SCAN not in r.body and BILL not in r.body for r in uploads)
        opened = sorted(f.content for f in didww.emulator.regulation.files.values())
        assert opened == sorted([ID_SCAN, BILL])  # decrypted with the emulator's private key
        proofs = didww.emulator.regulation.proofs.values()
        assert sorted(p.entity_type for p in proofs) == ["addresses", "identities"]


def test_neither_the_key_nor_the_documents_reach_logs_or_errors(carrier: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="didkit")
    order = carrier.purchase(needing_documents(carrier), reference="berlin-5")
    carrier.register(order, ada())
    route = "POST /identities" if carrier.name == "didww" else "POST /v1/numbers/papers"
    carrier.emulator.faults.inject(route, status=422, message="document could not be read")
    with pytest.raises(didkit.DidkitError) as raised:
        carrier.register(order, ada())
    text = caplog.text + str(raised.value) + repr(raised.value) + repr(ada())
    for secret in (KEY, ID_SCAN.decode(errors="ignore"), BILL.decode(errors="ignore")):
        assert secret not in text


@pytest.mark.parametrize("name", ["didww", "wavix"])
def test_the_async_flow(name: str) -> None:
    async def flow() -> tuple[Any, Any, Any]:
        async with didkit.connect_async(name, sandbox=True, api_key=KEY) as provider:
            offers = [o async for o in provider.search_numbers(SearchQuery(country="DE", city="Berlin"))]
            offer = next(o for o in offers if o.requires_documents)
            needs = await provider.requirements(offer)
            order = await provider.purchase(offer, reference="berlin-async")
            registration = await provider.register(order, ada())
            return needs, registration, await provider.get_registration(registration.id)

    needs, registration, verdict = asyncio.run(flow())
    assert needs.address == "local"
    assert registration.status is RegistrationStatus.PENDING
    assert verdict.status is RegistrationStatus.APPROVED


def test_didww_2026_04_16_registers_the_same_way() -> None:
    with didkit.connect("didww", sandbox=True, api_key=KEY, api_version="2026-04-16") as didww:
        offer = needing_documents(didww)
        assert didww.requirements(offer).address == "local"
        order = didww.purchase(offer, reference="berlin-0416")
        registration = didww.register(order, ada())
        assert didww.get_registration(registration.id).status is RegistrationStatus.APPROVED
        assert all("x-didww-api-version" in r.headers for r in didww.emulator.requests if r.path != "/token")


def test_didww_needs_a_phone_before_anything_is_sent() -> None:
    with didkit.connect("didww", sandbox=True, api_key=KEY) as didww:
        quiet = EndUser.person("Ada", "Lovelace", address=BERLIN, documents=ada().documents)
        with pytest.raises(didkit.InvalidInputError, match="phone"):
            didww.register("+493071809839", quiet)
        assert didww.emulator.requests == []
