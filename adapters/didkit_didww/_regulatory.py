"""DIDWW's regulation resources: address requirements, identities, addresses, proofs, encrypted
files and address verifications, as sans-I/O generators the operations delegate to.

A registration is one ``address_verification``: its id is the :class:`~didkit.Registration`'s.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from didkit import AvailableNumber, EndUser, Registration, RegistrationStatus, Requirements
from didkit.adapter import NumberRef
from didkit.engine import HttpRequest, HttpResponse, Operation, url_path
from didkit.errors import InvalidInputError, ResponseFormatError
from didkit.jsonapi import Document, Resource, query, resource_document, to_many, to_one
from didkit.readers import FieldError, read_int, read_list, read_str
from didkit.regulatory import check_profile
from didkit.validation import lenient_e164

from . import _encryption as encryption
from ._mapping import did_from, group_from
from ._wire import PROVIDER, format_error

if TYPE_CHECKING:
    from ._operations import DidwwOperations

logger = logging.getLogger("didkit")

_SUBJECT = {"any": "any", "personal": "person", "business": "business"}
_AREA = {"world_wide": "worldwide", "country": "national", "area": "local", "city": "local"}
_VERDICT = {
    "pending": RegistrationStatus.PENDING,
    "approved": RegistrationStatus.APPROVED,
    "rejected": RegistrationStatus.REJECTED,
}
PROOF_TYPES_INCLUDE = ("personal_proof_types", "business_proof_types", "address_proof_types")


def _document(ops: DidwwOperations, response: HttpResponse) -> Document:
    document = Document.parse(
        response.json(), provider=PROVIDER, status_code=response.status_code, request_id=response.request_id
    )
    ops.check_version(document)
    return document


def _get(ops: DidwwOperations, path: str, params: Sequence[tuple[str, str]], operation: str) -> Operation[Document]:
    response = yield HttpRequest("GET", path, params=tuple(params), operation=operation)
    return _document(ops, response)


def _create(ops: DidwwOperations, path: str, body: Mapping[str, Any], operation: str) -> Operation[Resource]:
    response = yield HttpRequest("POST", path, json=body, idempotent=False, operation=operation)
    return _document(ops, response).one()


def requirement_from(resource: Resource) -> Requirements:
    """One ``address_requirements`` record as didkit's :class:`Requirements`."""
    get = resource.attributes.get
    try:
        identity_type = (read_str(get("identity_type"), "identity_type") or "any").strip().lower()
        area = (read_str(get("address_area_level"), "address_area_level") or "world_wide").strip().lower()
        personal = read_int(get("personal_proof_qty"), "personal_proof_qty") or 0
        business = read_int(get("business_proof_qty"), "business_proof_qty") or 0
        address = read_int(get("address_proof_qty"), "address_proof_qty") or 0
        restrictions = read_str(get("restriction_message"), "restriction_message")
    except FieldError as error:
        raise format_error(error, f"address_requirements[{resource.id}].attributes") from None
    subject = _SUBJECT.get(identity_type)
    scope = _AREA.get(area)
    if subject is None or scope is None:
        field = "identity_type" if subject is None else "address_area_level"
        raise ResponseFormatError(
            f"DIDWW field 'address_requirements.attributes.{field}' has an unknown value",
            provider=PROVIDER,
            field=f"address_requirements.attributes.{field}",
        )
    proofs: list[str] = []
    if (subject == "person" and personal) or (subject == "any" and (personal or business)):
        proofs.append("identity")
    if subject == "business" and business:
        proofs.append("business_registration")
    if address:
        proofs.append("address")
    return Requirements(
        documents_required=True,
        subject=subject,
        address=scope,
        proofs=tuple(proofs),
        restrictions=restrictions or None,
        raw=resource.raw,
    )


def _group_requirement(
    ops: DidwwOperations, group_id: str, country: str | None, number_type: str
) -> Operation[tuple[Requirements, str | None]]:
    """The requirement of a DID group, cached per country and number type (DIDWW keys its
    address requirements by both), with the requirement's id (None where none is linked)."""

    def load() -> Operation[tuple[Requirements, str | None]]:
        params = query(include=("address_requirement",))
        document = yield from _get(ops, url_path("/did_groups/{id}", id=group_id), params, "get address requirement")
        group = document.one()
        linked = document.related(group, "address_requirement")
        if isinstance(linked, Resource):
            return requirement_from(linked), linked.id
        relationship = group.relationships.get("address_requirement")
        identifier = getattr(relationship, "data", None)
        if linked is None or identifier is None or isinstance(identifier, tuple):
            needs = bool(group.meta.get("needs_registration"))
            return Requirements(documents_required=needs, raw=group.raw), None
        path = url_path("/address_requirements/{id}", id=identifier.id)
        found = (yield from _get(ops, path, (), "get address requirement")).one()
        return requirement_from(found), found.id

    return (yield from ops._cache.get(("address_requirement", country or "", number_type), load))


def requirements(ops: DidwwOperations, offer: AvailableNumber) -> Operation[Requirements]:
    """What DIDWW asks before ``offer``'s number works: nothing where the group needs no
    registration (the offer's quick flag), else its address requirement."""
    if not offer.requires_documents:
        return Requirements(documents_required=False)
    group_id = offer.offer_ref.get("did_group_id")
    if not group_id:
        raise InvalidInputError("this DIDWW offer names no DID group (build offers with search_numbers())")
    found, _ = yield from _group_requirement(ops, group_id, offer.country, offer.number_type.value)
    return found


def _proof_types(ops: DidwwOperations, requirement_id: str) -> Operation[dict[str, str]]:
    """The first proof type DIDWW accepts for each document kind, by kind."""

    def load() -> Operation[dict[str, str]]:
        path = url_path("/address_requirements/{id}", id=requirement_id)
        document = yield from _get(ops, path, query(include=PROOF_TYPES_INCLUDE), "get proof types")
        resource = document.one()
        kinds: dict[str, str] = {}
        for relationship, kind in zip(
            PROOF_TYPES_INCLUDE, ("identity", "business_registration", "address"), strict=True
        ):
            related = document.related_many(resource, relationship)
            if isinstance(related, tuple) and related:
                kinds.setdefault(kind, related[0].id)
            elif not isinstance(related, tuple):
                data = getattr(resource.relationships.get(relationship), "data", None)
                if isinstance(data, tuple) and data:
                    kinds.setdefault(kind, data[0].id)
        if "business_registration" in kinds:
            kinds.setdefault("identity", kinds["business_registration"])
        if "identity" in kinds:
            kinds.setdefault("business_registration", kinds["identity"])
        return kinds

    return (yield from ops._cache.get(("proof_types", requirement_id), load))


def _public_keys(ops: DidwwOperations) -> Operation[list[Any]]:
    document = yield from _get(ops, "/public_keys", (), "get public keys")
    keys = []
    for resource in document.resources():
        pem = resource.attributes.get("key")
        if not isinstance(pem, str):
            raise ResponseFormatError(
                "DIDWW field 'public_keys.data[].attributes.key' is missing",
                provider=PROVIDER,
                field="public_keys.data[].attributes.key",
            )
        keys.append(encryption.load_key(pem))
    if len(keys) < 2:
        raise ResponseFormatError(
            f"DIDWW sent {len(keys)} public key(s); uploads are encrypted under two",
            provider=PROVIDER,
            field="public_keys.data",
        )
    return keys[:2]


def _upload(ops: DidwwOperations, filename: str, blob: bytes, fingerprint: str) -> Operation[str]:
    """Stage one encrypted file; its id."""
    request = HttpRequest.multipart(
        "POST",
        "/encrypted_files",
        fields=(
            ("encrypted_files[encryption_fingerprint]", fingerprint),
            ("encrypted_files[items][][description]", filename),
        ),
        files=(("encrypted_files[items][][file]", (filename + ".enc", blob, "application/octet-stream")),),
        headers={"Accept": "application/json"},
        idempotent=False,
        operation="upload encrypted file",
    )
    response = yield request
    body = response.json()
    # The spec answers with a JSON:API document; DIDWW's SDKs read ``{"ids": [...]}``: take either.
    if isinstance(body, Mapping) and isinstance(body.get("ids"), list) and body["ids"]:
        return str(body["ids"][0])
    resources = _document(ops, response).resources()
    if not resources:
        raise ResponseFormatError(
            "DIDWW field 'encrypted_files.data' is empty after an upload", provider=PROVIDER, field="data"
        )
    return resources[0].id


def _identity_body(end_user: EndUser, country_id: str) -> dict[str, Any]:
    person = end_user.subject == "person"
    attributes: dict[str, Any] = {
        "identity_type": "personal" if person else "business",
        # DIDWW asks a person's names of a business too: its contact's, here the company name.
        "first_name": end_user.first_name if person else end_user.name,
        "last_name": end_user.last_name if person else end_user.name,
        "phone_number": (end_user.phone or "").lstrip("+"),
    }
    if not person:
        attributes["company_name"] = end_user.name
        attributes["company_reg_number"] = end_user.registration_number
    if end_user.id_number:
        attributes["id_number"] = end_user.id_number
    if end_user.birth_date:
        attributes["birth_date"] = end_user.birth_date.isoformat()
    if end_user.description:
        attributes["description"] = end_user.description
    return resource_document(
        "identities", attributes=attributes, relationships={"country": to_one("countries", country_id)}
    )


def _address_body(end_user: EndUser, identity_id: str, country_id: str) -> dict[str, Any]:
    address = end_user.address
    return resource_document(
        "addresses",
        attributes={"address": address.street, "city_name": address.city, "postal_code": address.postal_code},
        relationships={"identity": to_one("identities", identity_id), "country": to_one("countries", country_id)},
    )


def registration_from(document: Document, resource: Resource, numbers: Sequence[str] = ()) -> Registration:
    """An ``address_verifications`` record as a :class:`Registration` (its numbers from the
    included DIDs where the document has them)."""
    get = resource.attributes.get
    try:
        status = (read_str(get("status"), "status") or "").strip().lower()
        reasons = [str(item) for item in read_list(get("reject_reasons"), "reject_reasons") or () if item]
        comment = read_str(get("reject_comment"), "reject_comment")
    except FieldError as error:
        raise format_error(error, f"address_verifications[{resource.id}].attributes") from None
    verdict = _VERDICT.get(status)
    if verdict is None:
        raise ResponseFormatError(
            f"DIDWW field 'address_verifications.attributes.status' has an unknown value {status!r}",
            provider=PROVIDER,
            field="address_verifications.attributes.status",
        )
    if comment:
        reasons.append(comment)
    found = list(numbers)
    related = document.related_many(resource, "dids")
    if isinstance(related, tuple):
        found = [n for n in (lenient_e164(did.attributes.get("number")) for did in related) if n] or found
    return Registration(
        id=resource.id,
        provider=PROVIDER,
        status=verdict,
        reasons=tuple(reasons),
        numbers=tuple(found),
        raw=resource.raw,
    )


def register(ops: DidwwOperations, refs: Sequence[NumberRef], end_user: EndUser) -> Operation[Registration]:
    """Identity, address, proofs (files encrypted under DIDWW's public keys), a dry run against
    the requirement, then one address verification for every DID. Everything the profile lacks
    is found before the first write."""
    if not end_user.phone:
        raise InvalidInputError("DIDWW needs the end user's phone number (EndUser phone=...) to create an identity")
    dids: list[tuple[str, str]] = []
    requirement_id: str | None = None
    for ref in refs:
        did_id, _ = yield from ops._locate(ref)
        document, resource = yield from ops._fetch(did_id)
        did = did_from(document, resource)
        group = document.related(resource, "did_group")
        if not isinstance(group, Resource):
            raise ResponseFormatError(
                f"DIDWW DID {did.number} came without its DID group", provider=PROVIDER, field="dids.relationships"
            )
        facts = group_from(document, group, did.country)
        found = yield from _group_requirement(ops, group.id, did.country, facts.number_type.value)
        check_profile(found[0], end_user, country=did.country)
        # One verification covers every DID: the proof types come from the first requirement found.
        requirement_id = requirement_id or found[1]
        dids.append((did.id, did.number))
    kinds = (yield from _proof_types(ops, requirement_id)) if requirement_id else {}
    unplaced = sorted({d.kind for d in end_user.documents if d.kind not in kinds})
    if unplaced:
        raise InvalidInputError(
            f"DIDWW takes no document of kind {', '.join(unplaced)} for these numbers"
            + (f" (it takes {', '.join(sorted(kinds))})" if kinds else "")
        )
    country = yield from ops._country(end_user.address.country)
    if country is None or country.id is None:
        raise InvalidInputError(f"DIDWW does not know the end user's country {end_user.address.country}")
    blobs: list[tuple[str, str, bytes]] = []
    fingerprint = ""
    if end_user.documents:
        keys = yield from _public_keys(ops)
        fingerprint = encryption.fingerprint(keys)
        blobs = [(d.kind, d.filename, encryption.encrypt(d.content, keys)) for d in end_user.documents]

    identity = yield from _create(ops, "/identities", _identity_body(end_user, country.id), "create identity")
    address = yield from _create(ops, "/addresses", _address_body(end_user, identity.id, country.id), "create address")
    for kind, filename, blob in blobs:
        file_id = yield from _upload(ops, filename, blob, fingerprint)
        entity = ("addresses", address.id) if kind == "address" else ("identities", identity.id)
        body = resource_document(
            "proofs",
            relationships={
                "proof_type": to_one("proof_types", kinds[kind]),
                "entity": to_one(*entity),
                "files": to_many("encrypted_files", [file_id]),
            },
        )
        yield from _create(ops, "/proofs", body, "create proof")
    if requirement_id is not None:
        body = resource_document(
            "address_requirement_validations",
            relationships={
                "address_requirement": to_one("address_requirements", requirement_id),
                "identity": to_one("identities", identity.id),
                "address": to_one("addresses", address.id),
            },
        )
        # The dry run: DIDWW names everything still missing (a 422, raised as RequestRejectedError).
        yield HttpRequest(
            "POST", "/address_requirement_validations", json=body, idempotent=False, operation="validate registration"
        )
    attributes = {"service_description": end_user.description} if end_user.description else None
    body = resource_document(
        "address_verifications",
        attributes=attributes,
        relationships={
            "address": to_one("addresses", address.id),
            "dids": to_many("dids", [did_id for did_id, _ in dids]),
        },
    )
    response = yield HttpRequest(
        "POST", "/address_verifications", json=body, idempotent=False, operation="create address verification"
    )
    document = _document(ops, response)
    logger.info("didww: address verification %s submitted for %d number(s)", document.one().id, len(dids))
    return registration_from(document, document.one(), [number for _, number in dids])


def get_registration(ops: DidwwOperations, registration_id: str) -> Operation[Registration]:
    path = url_path("/address_verifications/{id}", id=registration_id)
    document = yield from _get(ops, path, query(include=("dids",)), "get address verification")
    return registration_from(document, document.one())
