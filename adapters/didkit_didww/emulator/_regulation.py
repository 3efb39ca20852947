"""DIDWW's regulation resources, as the 2026-04-16 spec documents them (2026-11-19 keeps them,
less ``address_requirements.did_group_type``): ``public_keys``, ``encrypted_files`` (a
multipart upload, decrypted here with the emulator's private keys to check it), ``identities``,
``addresses``, ``proofs``, ``proof_types``, ``address_requirements`` (per country and number
type: most countries need nothing, DE local numbers need a local address and proofs),
``address_requirement_validations`` (the dry run) and ``address_verifications``, whose verdict
a test drives: :meth:`Regulation.decide` sets it, and it is given after a number of polls.

It shares no code with the adapter's client side (the encryption included): the two check
each other.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import uuid
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import attrs
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import MGF1, OAEP
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from didkit.sandbox import EmulatorRequest, EmulatorResponse, Route

from . import _errors as err
from ._jsonapi import Rel, ResourceType
from ._routes import DidwwApi
from ._routes_common import _linkage, _resource_data, respond
from ._world import Did, lookup, timestamp

_NAMESPACE = uuid.UUID("6f1d1c52-1d1e-4e0f-9a43-0d1b6f6a3c11")
_KEYS: list[rsa.RSAPrivateKey] = []


def private_keys() -> list[rsa.RSAPrivateKey]:
    """The emulator's two key pairs, made once per process (RSA key generation is slow)."""
    if not _KEYS:
        _KEYS.extend(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    return _KEYS


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(parts)))


@attrs.define
class ProofType:
    id: str
    name: str
    entity_type: str


@attrs.define
class Requirement:
    id: str
    country_iso: str
    number_type: str
    identity_type: str = "any"
    area_level: str = "city"
    personal_proof_qty: int = 1
    business_proof_qty: int = 1
    address_proof_qty: int = 1
    restriction_message: str | None = None


@attrs.define
class Identity:
    id: str
    attributes: dict[str, Any]
    country_id: str | None
    created_at: Any


@attrs.define
class Address:
    id: str
    attributes: dict[str, Any]
    identity_id: str
    country_id: str
    created_at: Any


@attrs.define
class Proof:
    id: str
    proof_type_id: str
    entity_type: str
    entity_id: str
    created_at: Any


@attrs.define
class EncryptedFile:
    id: str
    description: str | None
    size: int
    content: bytes = attrs.field(repr=False)
    expires_at: Any = None


@attrs.define
class Verification:
    id: str
    address_id: str
    did_ids: list[str]
    service_description: str | None
    created_at: Any
    status: str = "pending"
    reject_reasons: list[str] | None = None
    polls: int = 0


PROOF_TYPES = [
    ProofType(_id("proof", "passport"), "Passport", "Personal"),
    ProofType(_id("proof", "registration"), "Company Registration", "Business"),
    ProofType(_id("proof", "utility"), "Utility Bill", "Address"),
]
_LEVEL_COUNTRY = {"world_wide": None, "country": "country", "area": "area", "city": "area"}


class Regulation:
    """The regulation state of one emulator world, and its endpoints."""

    def __init__(self, api: DidwwApi) -> None:
        self.api = api
        self.reset()

    def reset(self) -> None:
        self.requirements = {
            ("DE", "local"): Requirement(
                _id("req", "DE", "local"),
                "DE",
                "local",
                restriction_message="A German local number needs an end user with an address in its area.",
            )
        }
        self.identities: dict[str, Identity] = {}
        self.addresses: dict[str, Address] = {}
        self.proofs: dict[str, Proof] = {}
        self.files: dict[str, EncryptedFile] = {}
        self.verifications: dict[str, Verification] = {}
        self.verdict: tuple[str, list[str]] = ("approved", [])
        self.verdict_after = 1

    # -- knobs

    def decide(self, status: str, reasons: list[str] | tuple[str, ...] = (), *, after_polls: int = 1) -> None:
        """Verdict on new and pending verifications (``"approved"`` or ``"rejected"``, with
        ``reasons``), given on the ``after_polls``-th GET of a verification (0: at once)."""
        if status not in ("approved", "rejected"):
            raise ValueError("status must be 'approved' or 'rejected'")
        self.verdict = (status, list(reasons))
        self.verdict_after = after_polls

    # -- wire

    def requirement_of_group(self, group: Any) -> Requirement | None:
        world = self.api.world
        if not group.needs_registration:
            return None
        iso = world.countries[group.country_id].iso
        return self.requirements.get((iso, world.number_type(group)))

    def extend(self, registry: dict[str, ResourceType], version: str) -> None:
        """Add the regulation types to a version's registry, and link DID groups and DIDs to them."""
        new = version >= "2026-11-19"
        groups = registry["did_groups"]
        registry["did_groups"] = attrs.evolve(
            groups,
            relationships={
                **groups.relationships,
                "address_requirement": Rel("address_requirements", False, lambda g: self._req_id(g)),
            },
        )
        dids = registry["dids"]
        registry["dids"] = attrs.evolve(
            dids,
            relationships={
                **dids.relationships,
                "address_verification": Rel("address_verifications", False, self._verification_of),
            },
        )

        def requirement_attrs(r: Requirement) -> dict[str, Any]:
            return {
                "identity_type": r.identity_type,
                "personal_area_level": "world_wide",
                "business_area_level": "world_wide",
                "address_area_level": r.area_level,
                "personal_proof_qty": r.personal_proof_qty,
                "business_proof_qty": r.business_proof_qty,
                "address_proof_qty": r.address_proof_qty,
                "personal_mandatory_fields": None,
                "business_mandatory_fields": None,
                "service_description_required": False,
                "restriction_message": r.restriction_message,
            }

        def of_entity(kind: str) -> Callable[[Requirement], list[str]]:
            return lambda r: [p.id for p in PROOF_TYPES if p.entity_type == kind]

        requirement_rels = {
            "country": Rel("countries", False, lambda r: self._country_id(r.country_iso)),
            **({} if new else {"did_group_type": Rel("did_group_types", False, lambda r: None)}),
            "personal_permanent_document": Rel("supporting_document_templates", False, lambda r: None),
            "business_permanent_document": Rel("supporting_document_templates", False, lambda r: None),
            "personal_onetime_document": Rel("supporting_document_templates", False, lambda r: None),
            "business_onetime_document": Rel("supporting_document_templates", False, lambda r: None),
            "personal_proof_types": Rel("proof_types", True, of_entity("Personal")),
            "business_proof_types": Rel("proof_types", True, of_entity("Business")),
            "address_proof_types": Rel("proof_types", True, of_entity("Address")),
        }
        types = [
            ResourceType("public_keys", lambda k: {"key": k[1]}, has_relationships=False),
            ResourceType(
                "encrypted_files",
                lambda f: {"description": f.description, "expires_at": timestamp(f.expires_at)},
                has_relationships=False,
                fetch=self.files.get,
            ),
            ResourceType(
                "proof_types",
                lambda p: {"name": p.name, "entity_type": p.entity_type},
                has_relationships=False,
                fetch={p.id: p for p in PROOF_TYPES}.get,
            ),
            ResourceType(
                "address_requirements",
                requirement_attrs,
                requirement_rels,
                fetch=lambda key: next((r for r in self.requirements.values() if r.id == key), None),
            ),
            ResourceType(
                "identities",
                lambda i: {**i.attributes, "created_at": timestamp(i.created_at), "verified": False},
                {
                    "country": Rel("countries", False, lambda i: i.country_id),
                    "birth_country": Rel("countries", False, lambda i: None),
                    "proofs": Rel("proofs", True, lambda i: self._proofs_of("identities", i.id)),
                    "addresses": Rel(
                        "addresses", True, lambda i: [a.id for a in self.addresses.values() if a.identity_id == i.id]
                    ),
                    "permanent_documents": Rel("permanent_supporting_documents", True, lambda i: []),
                },
                fetch=self.identities.get,
            ),
            ResourceType(
                "addresses",
                lambda a: {**a.attributes, "created_at": timestamp(a.created_at), "verified": False},
                {
                    "identity": Rel("identities", False, lambda a: a.identity_id),
                    "country": Rel("countries", False, lambda a: a.country_id),
                    "area": Rel("areas", False, lambda a: None),
                    "city": Rel("cities", False, lambda a: None),
                    "proofs": Rel("proofs", True, lambda a: self._proofs_of("addresses", a.id)),
                },
                fetch=self.addresses.get,
            ),
            ResourceType(
                "proofs",
                lambda p: {"created_at": timestamp(p.created_at), "expires_at": None, "external_reference_id": None},
                {
                    "proof_type": Rel("proof_types", False, lambda p: p.proof_type_id),
                    "entity": Rel("identities", False, lambda p: p.entity_id),
                },
                fetch=self.proofs.get,
            ),
            ResourceType(
                "address_verifications",
                lambda v: {
                    "reference": v.id[:8].upper(),
                    "status": v.status,
                    "reject_reasons": v.reject_reasons,
                    "reject_comment": None,
                    "service_description": v.service_description,
                    "callback_url": None,
                    "callback_method": None,
                    "external_reference_id": None,
                    "created_at": timestamp(v.created_at),
                },
                {
                    "address": Rel("addresses", False, lambda v: v.address_id),
                    "dids": Rel("dids", True, lambda v: list(v.did_ids)),
                },
                fetch=self.verifications.get,
            ),
        ]
        registry.update({t.type: t for t in types})

    def _req_id(self, group: Any) -> str | None:
        found = self.requirement_of_group(group)
        return found.id if found else None

    def _verification_of(self, did: Did) -> str | None:
        for verification in self.verifications.values():
            if did.id in verification.did_ids:
                return verification.id
        return None

    def _proofs_of(self, kind: str, entity_id: str) -> list[str]:
        return [p.id for p in self.proofs.values() if p.entity_type == kind and p.entity_id == entity_id]

    def _country_id(self, iso: str) -> str | None:
        return next((c.id for c in self.api.world.countries.values() if c.iso == iso), None)

    # -- routes

    def routes(self) -> list[Route]:
        table: list[tuple[str, str, Callable[..., EmulatorResponse], str]] = [
            ("GET", "/public_keys", self.public_keys, "public_keys.list"),
            ("POST", "/encrypted_files", self.upload, "encrypted_files.create"),
            ("GET", "/encrypted_files/{id}", self.encrypted_file, "encrypted_files.get"),
            ("GET", "/proof_types", self.proof_types, "proof_types.list"),
            ("GET", "/address_requirements", self.address_requirements, "address_requirements.list"),
            ("GET", "/address_requirements/{id}", self.address_requirement, "address_requirements.get"),
            ("POST", "/identities", self.create_identity, "identities.create"),
            ("GET", "/identities/{id}", self.identity, "identities.get"),
            ("POST", "/addresses", self.create_address, "addresses.create"),
            ("GET", "/addresses/{id}", self.address, "addresses.get"),
            ("POST", "/proofs", self.create_proof, "proofs.create"),
            ("POST", "/address_requirement_validations", self.validate, "address_requirement_validations.create"),
            ("POST", "/address_verifications", self.create_verification, "address_verifications.create"),
            ("GET", "/address_verifications/{id}", self.verification, "address_verifications.get"),
        ]
        return [Route(method, pattern, self.api._guard(fn), name=name) for method, pattern, fn, name in table]

    def _pems(self) -> list[tuple[str, str]]:
        out = []
        for index, key in enumerate(private_keys()):
            pem = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            out.append((_id("key", str(index)), pem.decode()))
        return out

    def public_keys(self, request: EmulatorRequest) -> EmulatorResponse:
        # The one collection with neither meta nor links (the spec).
        data = [{"id": ident, "type": "public_keys", "attributes": {"key": pem}} for ident, pem in self._pems()]
        return respond({"data": data})

    def fingerprint(self) -> str:
        digests = []
        for key in private_keys():
            der = key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            digests.append(hashlib.sha1(der, usedforsecurity=False).hexdigest())
        return ":::".join(digests)

    def decrypt(self, blob: bytes) -> bytes:
        """Open an upload with the first private key: RSA-OAEP(key‖iv) ×2, then AES-256-CBC."""
        keys = private_keys()
        sizes = [key.key_size // 8 for key in keys]
        oaep = OAEP(mgf=MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
        credentials = keys[0].decrypt(blob[: sizes[0]], oaep)
        decryptor = Cipher(algorithms.AES(credentials[:32]), modes.CBC(credentials[32:48])).decryptor()
        padded = decryptor.update(blob[sum(sizes) :]) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(padded) + unpadder.finalize()

    def upload(self, request: EmulatorRequest) -> EmulatorResponse:
        content_type = request.headers.get("content-type", "")
        if not content_type.lower().startswith("multipart/form-data"):
            raise err.unsupported_media_type(content_type)
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body
        )
        fields: dict[str, str] = {}
        files: list[tuple[str, bytes]] = []
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            decoded = part.get_payload(decode=True)
            payload = decoded if isinstance(decoded, bytes) else b""
            if part.get_filename() is not None:
                files.append((str(name), payload))
            else:
                fields[str(name)] = payload.decode()
        if fields.get("encrypted_files[encryption_fingerprint]") != self.fingerprint():
            raise err.invalid("encryption_fingerprint", "is invalid", pointer="/data/attributes/encryption_fingerprint")
        if not files or any(name != "encrypted_files[items][][file]" for name, _ in files):
            raise err.invalid("file", "can't be blank", pointer="/data/attributes/file")
        created = []
        for _, blob in files:
            try:
                plain = self.decrypt(blob)
            except ValueError:
                raise err.invalid("file", "could not be decrypted", pointer="/data/attributes/file") from None
            now = self.api.world.clock()
            stored = EncryptedFile(
                self.api.world.new_id(),
                fields.get("encrypted_files[items][][description]"),
                len(plain),
                plain,
                now + timedelta(hours=24),
            )
            self.files[stored.id] = stored
            created.append(stored)
        document = self.api.renderer(request).document(
            "encrypted_files", created[0], self.api.query(request, "encrypted_files")
        )
        return EmulatorResponse.json(document, 201)  # application/json, as the spec says

    def encrypted_file(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.api.show(request, "encrypted_files", lookup(self.files, id))

    def proof_types(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.api.listing(request, "proof_types", list(PROOF_TYPES), filters={})

    def address_requirements(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.api.listing(
            request,
            "address_requirements",
            list(self.requirements.values()),
            filters={"country.id": lambda _n, values: lambda r: self._country_id(r.country_iso) in values},
            includes=tuple(k for k in ("personal_proof_types", "business_proof_types", "address_proof_types")),
        )

    def address_requirement(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        found = next((r for r in self.requirements.values() if r.id == id), None)
        if found is None:
            raise err.not_found(id)
        return self.api.show(
            request,
            "address_requirements",
            found,
            ("personal_proof_types", "business_proof_types", "address_proof_types"),
        )

    def create_identity(self, request: EmulatorRequest) -> EmulatorResponse:
        attributes, relationships = _resource_data(request, "identities")
        for name in ("identity_type", "first_name", "last_name", "phone_number"):
            if not isinstance(attributes.get(name), str):
                raise err.invalid(name, "can't be blank", pointer=f"/data/attributes/{name}")
        if attributes["identity_type"] not in ("personal", "business"):
            raise err.invalid("identity_type", "is not included in the list")
        if attributes["identity_type"] == "business" and not attributes.get("company_name"):
            raise err.invalid("company_name", "can't be blank")
        _, country_id = _linkage(relationships, "country", "countries")
        keys = (
            "identity_type", "first_name", "last_name", "phone_number", "contact_email", "company_name",
            "company_reg_number", "vat_id", "id_number", "personal_tax_id", "birth_date", "description",
            "external_reference_id",
        )  # fmt: skip
        stored = Identity(
            self.api.world.new_id(), {k: attributes.get(k) for k in keys}, country_id, self.api.world.clock()
        )
        self.identities[stored.id] = stored
        return self.api.show(request, "identities", stored, status=201)

    def identity(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.api.show(request, "identities", lookup(self.identities, id))

    def create_address(self, request: EmulatorRequest) -> EmulatorResponse:
        attributes, relationships = _resource_data(request, "addresses")
        for name in ("address", "city_name", "postal_code"):
            if not isinstance(attributes.get(name), str) or not attributes[name].strip():
                raise err.invalid(name, "can't be blank", pointer=f"/data/attributes/{name}")
        _, identity_id = _linkage(relationships, "identity", "identities")
        _, country_id = _linkage(relationships, "country", "countries")
        if identity_id not in self.identities:
            raise err.invalid("identity", "can't be blank", pointer="/data/relationships/identity")
        if country_id not in self.api.world.countries:
            raise err.invalid("country", "can't be blank", pointer="/data/relationships/country")
        keys = ("address", "city_name", "postal_code", "description", "external_reference_id")
        stored = Address(
            self.api.world.new_id(),
            {k: attributes.get(k) for k in keys},
            identity_id,
            country_id,
            self.api.world.clock(),
        )
        self.addresses[stored.id] = stored
        return self.api.show(request, "addresses", stored, status=201)

    def address(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.api.show(request, "addresses", lookup(self.addresses, id))

    def create_proof(self, request: EmulatorRequest) -> EmulatorResponse:
        _, relationships = _resource_data(request, "proofs")
        _, type_id = _linkage(relationships, "proof_type", "proof_types")
        proof_type = next((p for p in PROOF_TYPES if p.id == type_id), None)
        if proof_type is None:
            raise err.invalid("proof_type", "can't be blank", pointer="/data/relationships/proof_type")
        entity = relationships.get("entity", {}).get("data") if isinstance(relationships.get("entity"), dict) else None
        if not isinstance(entity, dict) or entity.get("type") not in ("identities", "addresses"):
            raise err.invalid("entity", "can't be blank", pointer="/data/relationships/entity")
        table: Mapping[str, Any] = self.identities if entity["type"] == "identities" else self.addresses
        if entity.get("id") not in table or (entity["type"] == "addresses") != (proof_type.entity_type == "Address"):
            raise err.invalid("entity", "is invalid", pointer="/data/relationships/entity")
        files = relationships.get("files", {}).get("data") if isinstance(relationships.get("files"), dict) else None
        if not isinstance(files, list) or not files or any(f.get("id") not in self.files for f in files):
            raise err.invalid("files", "can't be blank", pointer="/data/relationships/files")
        stored = Proof(self.api.world.new_id(), proof_type.id, entity["type"], entity["id"], self.api.world.clock())
        self.proofs[stored.id] = stored
        return self.api.show(request, "proofs", stored, status=201)

    def _problems(self, requirement: Requirement, identity: Identity | None, address: Address | None) -> list[str]:
        problems = []
        world = self.api.world
        country = next(c for c in world.countries.values() if c.iso == requirement.country_iso)
        if address is not None and address.country_id != country.id and requirement.area_level != "world_wide":
            problems.append(f"Address in {country.name} required")
        if identity is not None and requirement.personal_proof_qty and not self._proofs_of("identities", identity.id):
            problems.append("Identity proof required")
        if address is not None and requirement.address_proof_qty and not self._proofs_of("addresses", address.id):
            problems.append("Address proof required")
        return problems

    def validate(self, request: EmulatorRequest) -> EmulatorResponse:
        _, relationships = _resource_data(request, "address_requirement_validations")
        _, requirement_id = _linkage(relationships, "address_requirement", "address_requirements")
        requirement = next((r for r in self.requirements.values() if r.id == requirement_id), None)
        if requirement is None:
            raise err.invalid("address_requirement", "can't be blank")
        identity = self.identities.get(_linkage(relationships, "identity", "identities")[1] or "")
        address = self.addresses.get(_linkage(relationships, "address", "addresses")[1] or "")
        problems = self._problems(requirement, identity, address)
        if problems:
            raise err.ApiError(
                422,
                [
                    {"title": p, "detail": p, "code": "100", "source": {"pointer": "/data"}, "status": "422"}
                    for p in problems
                ],
            )
        data = {
            "id": self.api.world.new_id(),
            "type": "address_requirement_validations",
            "relationships": {
                "address_requirement": {"data": {"type": "address_requirements", "id": requirement.id}},
            },
        }
        return respond({"data": data, "meta": {"api_version": self.api.host.served_version}}, 201)

    def create_verification(self, request: EmulatorRequest) -> EmulatorResponse:
        attributes, relationships = _resource_data(request, "address_verifications")
        _, address_id = _linkage(relationships, "address", "addresses")
        if address_id not in self.addresses:
            raise err.invalid("address", "can't be blank", pointer="/data/relationships/address")
        dids = relationships.get("dids", {}).get("data") if isinstance(relationships.get("dids"), dict) else None
        world = self.api.world
        if not isinstance(dids, list) or not dids or any(d.get("id") not in world.dids for d in dids):
            raise err.invalid("dids", "can't be blank", pointer="/data/relationships/dids")
        description = attributes.get("service_description")
        stored = Verification(world.new_id(), address_id, [d["id"] for d in dids], description, world.clock())
        self.verifications[stored.id] = stored
        if self.verdict_after == 0:
            self._settle(stored)
        return self.api.show(request, "address_verifications", stored, ("dids",), status=201)

    def _settle(self, verification: Verification) -> None:
        verification.status, reasons = self.verdict
        verification.reject_reasons = list(reasons) if verification.status == "rejected" else None
        if verification.status == "approved":
            for did_id in verification.did_ids:
                self.api.world.dids[did_id].awaiting_registration = False

    def verification(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        found = lookup(self.verifications, id)
        if found.status == "pending":
            found.polls += 1
            if found.polls >= self.verdict_after:
                self._settle(found)
        return self.api.show(request, "address_verifications", found, ("dids",))
