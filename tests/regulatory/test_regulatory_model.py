"""The provider-neutral regulatory model: profiles are checked on construction."""

from __future__ import annotations

from datetime import date

import pytest

import didkit
from didkit import Address, Document, EndUser, Registration, RegistrationStatus, Requirements
from didkit.regulatory import check_profile

BERLIN = Address("Unter den Linden 1", "Berlin", "10117", "de")


def test_address_normalises_country_and_rejects_blanks() -> None:
    assert BERLIN.country == "DE"
    with pytest.raises(didkit.InvalidInputError, match="street"):
        Address(" ", "Berlin", "10117", "DE")
    with pytest.raises(didkit.InvalidInputError):
        Address("x", "Berlin", "10117", "Germany-ish")


def test_person_phone_is_e164_and_birth_date_checked() -> None:
    person = EndUser.person("Ada", "Lovelace", address=BERLIN, phone="+49 30 901820", birth_date="1990-12-10")
    assert person.phone == "+4930901820"
    assert person.birth_date == date(1990, 12, 10)
    assert person.display_name == "Ada Lovelace"
    with pytest.raises(didkit.InvalidInputError, match="phone"):
        EndUser.person("Ada", "Lovelace", address=BERLIN, phone="12")
    with pytest.raises(didkit.InvalidInputError, match="birth_date"):
        EndUser.person("Ada", "Lovelace", address=BERLIN, birth_date="10/12/1990")
    with pytest.raises(didkit.InvalidInputError, match="past"):
        EndUser.person("Ada", "Lovelace", address=BERLIN, birth_date=date(2999, 1, 1))


def test_business_needs_a_name_and_an_address() -> None:
    business = EndUser.business("Acme GmbH", address=BERLIN, registration_number="HRB 1")
    assert business.subject == "business" and business.display_name == "Acme GmbH"
    with pytest.raises(didkit.InvalidInputError):
        EndUser.business(" ", address=BERLIN)
    with pytest.raises(didkit.InvalidInputError, match="Address"):
        EndUser.business("Acme", address="Berlin")  # type: ignore[arg-type]


def test_document_kind_and_content_are_checked_and_content_is_never_shown() -> None:
    document = Document("identity", "passport.PDF", b"%PDF-secret-bytes")
    assert document.extension == "pdf"
    assert "secret" not in repr(document)
    assert "secret" not in repr(EndUser.person("A", "B", address=BERLIN, documents=[document]))
    with pytest.raises(didkit.InvalidInputError, match="document kind"):
        Document("selfie", "me.png", b"x")
    with pytest.raises(didkit.InvalidInputError, match="empty"):
        Document("identity", "me.png", b"")
    with pytest.raises(didkit.InvalidInputError, match="bare file name"):
        Document("identity", "../etc/passwd", b"x")


def test_requirements_and_registration_values() -> None:
    needs = Requirements(True, subject="Business", address="local", proofs=["identity", "identity", "address"])
    assert (needs.subject, needs.proofs) == ("business", ("identity", "address"))
    with pytest.raises(didkit.InvalidInputError, match="address"):
        Requirements(True, address="galactic")
    registration = Registration("r1", "x", RegistrationStatus.PENDING, numbers=["+49 30 901820"])
    assert registration.numbers == ("+4930901820",)


def test_check_profile_names_what_is_missing() -> None:
    needs = Requirements(True, subject="any", address="local", proofs=("identity", "address"))
    person = EndUser.person("A", "B", address=BERLIN, documents=[Document("identity", "id.png", b"1")])
    with pytest.raises(didkit.InvalidInputError, match="kind address"):
        check_profile(needs, person, country="DE")
    with pytest.raises(didkit.InvalidInputError, match=r"number's area \(FR\)"):
        check_profile(needs, person, country="FR")
    with pytest.raises(didkit.InvalidInputError, match="business"):
        check_profile(Requirements(True, subject="business"), person, country="DE")
    check_profile(Requirements(False), person, country="FR")  # nothing asked: anything goes
