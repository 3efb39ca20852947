"""Regulatory readiness, provider-neutral: what a number requires of its end user
(:class:`Requirements`), the end user's profile (:class:`EndUser`, :class:`Address`,
:class:`Document`) and a submitted registration with its verdict (:class:`Registration`).

Every value is checked on construction, so a bad profile is an
:class:`~didkit.InvalidInputError` before any request. :func:`check_profile` holds the checks
every carrier shares (the profile against a :class:`Requirements`); an adapter adds only its
own (file types and sizes).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import attrs

from .errors import InvalidInputError
from .validation import normalize_country, normalize_e164

__all__ = [
    "ADDRESS_SCOPES",
    "PROOF_KINDS",
    "SUBJECTS",
    "Address",
    "Document",
    "EndUser",
    "Registration",
    "RegistrationStatus",
    "Requirements",
    "check_profile",
]

SUBJECTS = ("person", "business", "any")
"""Who a number may be registered to: a person, a business, or either."""
ADDRESS_SCOPES = ("none", "local", "national", "worldwide")
"""Where the end user's address must be: nowhere asked, in the number's area, in its country,
or anywhere."""
PROOF_KINDS = ("identity", "address", "business_registration")
"""The kinds of :class:`Document` didkit maps onto every carrier's own document types."""


class RegistrationStatus(str, enum.Enum):
    """The carrier's verdict on a registration."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def _raw_field() -> Any:
    return attrs.field(factory=dict, eq=False, hash=False, repr=False)


def _text(what: str, *, optional: bool = False) -> Any:
    def convert(value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError(f"{what} must be non-empty text, got {value!r}")
        return value.strip()

    return convert


def _choice(what: str, choices: tuple[str, ...]) -> Any:
    def convert(value: Any) -> str:
        text = str(value).strip().lower() if isinstance(value, str) else value
        if text not in choices:
            raise InvalidInputError(f"{what} must be one of {', '.join(choices)}, got {value!r}")
        return str(text)

    return convert


def _subject(value: Any) -> str:
    result: str = _choice("subject", SUBJECTS)(value)
    return result


def _end_user_subject(value: Any) -> str:
    result: str = _choice("subject", ("person", "business"))(value)
    return result


def _address_scope(value: Any) -> str:
    result: str = _choice("address", ADDRESS_SCOPES)(value)
    return result


def _document_kind(value: Any) -> str:
    result: str = _choice("document kind", PROOF_KINDS)(value)
    return result


def _street(value: Any) -> str:
    result: str = _text("street")(value)
    return result


def _city(value: Any) -> str:
    result: str = _text("city")(value)
    return result


def _postal_code(value: Any) -> str:
    result: str = _text("postal_code")(value)
    return result


def _optional(value: Any) -> str | None:
    """Optional free text: stripped, and ``None`` when blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(f"expected text, got {value!r}")
    return value.strip() or None


def _kinds(values: Iterable[Any]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise InvalidInputError(f"proofs must be a sequence of kinds, got {values!r}")
    out: list[str] = []
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError(f"a proof kind must be non-empty text, got {value!r}")
        if value.strip() not in out:
            out.append(value.strip())
    return tuple(out)


@attrs.frozen
class Requirements:
    """What a carrier needs from the end user before a number works.

    ``subject`` is ``"person"``, ``"business"`` or ``"any"``; ``address`` is ``"none"``,
    ``"local"`` (in the number's area), ``"national"`` (in its country) or ``"worldwide"``;
    ``proofs`` are the kinds of document asked for (:data:`PROOF_KINDS`, or the carrier's own
    name where it has no didkit kind). ``raw`` keeps the carrier's payload.
    """

    documents_required: bool
    subject: str = attrs.field(default="any", converter=_subject)
    address: str = attrs.field(default="none", converter=_address_scope)
    proofs: tuple[str, ...] = attrs.field(default=(), converter=_kinds)
    restrictions: str | None = None
    """The carrier's own words on what the numbers may be used for, where it says."""
    raw: Mapping[str, Any] = _raw_field()


def _iso_country(value: Any) -> str:
    return normalize_country(value)


@attrs.frozen
class Address:
    """A postal address; ``country`` is ISO 3166-1 alpha-2 (normalised)."""

    street: str = attrs.field(converter=_street)
    city: str = attrs.field(converter=_city)
    postal_code: str = attrs.field(converter=_postal_code)
    country: str = attrs.field(converter=_iso_country)
    region: str | None = attrs.field(default=None, converter=_optional)


def _content(value: Any) -> bytes:
    if isinstance(value, (bytearray, memoryview)):
        value = bytes(value)
    if not isinstance(value, bytes):
        raise InvalidInputError(f"a document's content must be bytes, got {type(value).__name__}")
    if not value:
        raise InvalidInputError("a document's content is empty")
    return value


def _filename(value: Any) -> str:
    text: str = _text("filename")(value)
    if "/" in text or "\\" in text or text in (".", ".."):
        raise InvalidInputError(f"filename must be a bare file name, got {value!r}")
    return text


@attrs.frozen
class Document:
    """A proof document: its ``kind`` (one of :data:`PROOF_KINDS`), a ``filename`` (whose
    extension says its type) and its ``content``. The content never shows in a repr."""

    kind: str = attrs.field(converter=_document_kind)
    filename: str = attrs.field(converter=_filename)
    content: bytes = attrs.field(converter=_content, repr=False)

    @property
    def extension(self) -> str:
        """The file name's extension, lower case, without the dot (``""`` when it has none)."""
        _, dot, extension = self.filename.rpartition(".")
        return extension.lower() if dot else ""


def _phone(value: Any) -> str | None:
    return None if value is None else normalize_e164(value, what="phone")


def _birth_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInputError(f"birth_date must be an ISO date (YYYY-MM-DD), got {value!r}") from None
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise InvalidInputError(f"birth_date must be a date, got {value!r}")
    if value >= date.today():
        raise InvalidInputError(f"birth_date must be in the past, got {value.isoformat()}")
    return value


def _documents(values: Iterable[Any]) -> tuple[Document, ...]:
    if isinstance(values, Document):
        return (values,)
    items = tuple(values)
    for item in items:
        if not isinstance(item, Document):
            raise InvalidInputError(f"documents must be Document objects, got {type(item).__name__}")
    return items


def _address(value: Any) -> Address:
    if not isinstance(value, Address):
        raise InvalidInputError(f"address must be an Address, got {type(value).__name__}")
    return value


@attrs.frozen
class EndUser:
    """Who will use the numbers: a person or a business, with an address and documents,
    independent of any carrier. Build one with :meth:`person` or :meth:`business`."""

    subject: str = attrs.field(converter=_end_user_subject)
    address: Address = attrs.field(converter=_address)
    first_name: str | None = attrs.field(default=None, converter=_optional)
    last_name: str | None = attrs.field(default=None, converter=_optional)
    name: str | None = attrs.field(default=None, converter=_optional)
    phone: str | None = attrs.field(default=None, converter=_phone)
    birth_date: date | None = attrs.field(default=None, converter=_birth_date)
    id_number: str | None = attrs.field(default=None, converter=_optional)
    registration_number: str | None = attrs.field(default=None, converter=_optional)
    documents: tuple[Document, ...] = attrs.field(default=(), converter=_documents)
    description: str | None = attrs.field(default=None, converter=_optional)

    def __attrs_post_init__(self) -> None:
        if self.subject == "person" and (self.first_name is None or self.last_name is None):
            raise InvalidInputError("a person needs first_name and last_name")
        if self.subject == "business" and self.name is None:
            raise InvalidInputError("a business needs a name")

    @classmethod
    def person(
        cls,
        first_name: str,
        last_name: str,
        *,
        address: Address,
        phone: str | None = None,
        birth_date: date | str | None = None,
        id_number: str | None = None,
        documents: Iterable[Document] = (),
        description: str | None = None,
    ) -> EndUser:
        """A natural person. ``phone`` is normalised to E.164; ``description`` says what the
        numbers are for."""
        return cls(
            "person",
            address,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            birth_date=birth_date,
            id_number=id_number,
            documents=documents,
            description=description,
        )

    @classmethod
    def business(
        cls,
        name: str,
        *,
        address: Address,
        phone: str | None = None,
        registration_number: str | None = None,
        documents: Iterable[Document] = (),
        description: str | None = None,
    ) -> EndUser:
        """A company, by its registered ``name``."""
        return cls(
            "business",
            address,
            name=name,
            phone=phone,
            registration_number=registration_number,
            documents=documents,
            description=description,
        )

    @property
    def display_name(self) -> str:
        """The business's name, or the person's first and last names."""
        return self.name if self.subject == "business" and self.name else f"{self.first_name} {self.last_name}"

    def documents_of(self, kind: str) -> tuple[Document, ...]:
        """The documents of one kind, in the order given."""
        return tuple(document for document in self.documents if document.kind == kind)


def _numbers(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(normalize_e164(value) for value in values)


@attrs.frozen
class Registration:
    """An end user's registration as the carrier holds it: its ``status`` with the carrier's
    ``reasons`` (why it was rejected, or what it still waits for) and the ``numbers`` (E.164)
    it covers. ``id`` is what :meth:`~didkit.NumberProvider.get_registration` takes."""

    id: str
    provider: str
    status: RegistrationStatus
    reasons: tuple[str, ...] = ()
    numbers: tuple[str, ...] = attrs.field(default=(), converter=_numbers)
    raw: Mapping[str, Any] = _raw_field()


def check_profile(requirements: Requirements, end_user: EndUser, *, country: str | None) -> None:
    """Check ``end_user`` against ``requirements`` for a number in ``country`` (ISO code; None
    when unknown), before anything is sent: the subject, where the address is, and a document of
    every proof kind didkit knows. An :class:`~didkit.InvalidInputError` names what is missing."""
    if not isinstance(end_user, EndUser):
        raise InvalidInputError(f"end_user must be an EndUser (EndUser.person/business), got {type(end_user).__name__}")
    if requirements.subject not in ("any", end_user.subject):
        raise InvalidInputError(f"this number must be registered to a {requirements.subject}, not a {end_user.subject}")
    if requirements.address in ("local", "national") and country is not None and end_user.address.country != country:
        where = "in the number's area" if requirements.address == "local" else "in the number's country"
        raise InvalidInputError(
            f"this number needs an address {where} ({country}); the end user's address is in {end_user.address.country}"
        )
    missing = [kind for kind in requirements.proofs if kind in PROOF_KINDS and not end_user.documents_of(kind)]
    if missing:
        raise InvalidInputError(
            f"this number needs documents of kind {', '.join(missing)}: add Document(kind, filename, content)"
        )
