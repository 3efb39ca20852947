"""Wavix's documents: what a number requires (``require_docs``, named by the cart's
``doc_types``), uploads (``POST /v1/numbers/papers``) and their review (``documents[].status``
on the number), as sans-I/O generators the operations delegate to.

Wavix keeps no registration object: a :class:`~didkit.Registration`'s id is the comma-joined
record ids of its numbers, and its verdict is read from those numbers' documents.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from didkit import AvailableNumber, EndUser, Registration, RegistrationStatus, Requirements
from didkit.adapter import NumberRef
from didkit.engine import HttpRequest, Operation, url_path
from didkit.errors import InvalidInputError
from didkit.readers import FieldError, read_list, read_str
from didkit.regulatory import Document, check_profile

from ._errors import CART_PATH
from ._wire import read_docref, read_docrefs

if TYPE_CHECKING:
    from ._operations import WavixOperations

logger = logging.getLogger("didkit")

PAPERS_PATH = "/v1/numbers/papers"
MAX_UPLOAD = 10 * 1024 * 1024
"""Wavix's documented limit on one document (10 MB)."""
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "tiff": "image/tiff",
    "tif": "image/tiff",
    "bmp": "image/bmp",
    "pdf": "application/pdf",
}
"""Wavix's documented upload formats (PNG, JPG, JPEG, TIFF, BMP, PDF), by file extension."""
SPEC_DOC_TYPES = {"1": "identity", "2": "address", "3": "business_registration"}
"""``DocumentTypeID`` as the spec lists it, for ids the cart's ``doc_types`` does not name."""
_VERDICT = {"approved": RegistrationStatus.APPROVED, "rejected": RegistrationStatus.REJECTED}


def kind_of(name: str) -> tuple[str, str | None]:
    """A Wavix document type name (``id``, ``address``, ``localaddress``, …) as didkit's proof
    kind, with the address scope it implies (``None``: none)."""
    text = name.strip().lower().replace("_", "").replace(" ", "")
    if "business" in text or "registration" in text or "company" in text:
        return "business_registration", None
    if "localaddress" in text:
        return "address", "local"
    if "address" in text:
        return "address", "worldwide"
    if text in ("id", "identity", "passport") or "ident" in text:
        return "identity", None
    return name, None


def _doc_types(ops: WavixOperations, country: str | None, number_type: str) -> Operation[dict[str, tuple[str, str]]]:
    """``{id: (name, title)}`` from the cart's ``doc_types``, cached per country and type."""

    def fetch() -> Operation[dict[str, tuple[str, str]]]:
        response = yield HttpRequest("GET", CART_PATH, operation="the document types lookup")
        body = ops._records(response, "cart")
        types: dict[str, tuple[str, str]] = {}
        try:
            for index, item in enumerate(read_list(body.get("doc_types"), "doc_types") or ()):
                if not isinstance(item, Mapping):
                    continue
                ident = read_docref(item.get("id"), f"doc_types[{index}].id")
                name = read_str(item.get("name"), f"doc_types[{index}].name") or ident
                types[ident] = (name, read_str(item.get("title"), f"doc_types[{index}].title") or name)
        except FieldError as error:
            raise ops._format_error(error, response) from None
        return types

    return (yield from ops._cache.get(("doc_types", country or "", number_type), fetch))


def _requirements(refs: Sequence[str], types: Mapping[str, tuple[str, str]], raw: Mapping[str, Any]) -> Requirements:
    if not refs:
        return Requirements(documents_required=False, raw=raw)
    proofs: list[str] = []
    scope = "none"
    for ref in refs:
        name = types[ref][0] if ref in types else SPEC_DOC_TYPES.get(ref, ref)
        kind, implied = kind_of(name)
        proofs.append(kind)
        if implied == "local" or (implied == "worldwide" and scope == "none"):
            scope = implied
    subject = "business" if "business_registration" in proofs else "any"
    return Requirements(documents_required=True, subject=subject, address=scope, proofs=tuple(proofs), raw=raw)


def requirements(ops: WavixOperations, offer: AvailableNumber) -> Operation[Requirements]:
    """The offer's ``require_docs``, named by the cart's ``doc_types`` (asked only when the
    offer requires something)."""
    refs = read_docrefs(offer.raw.get("require_docs"), "require_docs")
    if not refs:
        return Requirements(documents_required=False, raw={"require_docs": []})
    types = yield from _doc_types(ops, offer.country, offer.number_type.value)
    raw = {"require_docs": list(refs), "doc_types": [{"id": k, "name": n, "title": t} for k, (n, t) in types.items()]}
    return _requirements(refs, types, raw)


def check_documents(documents: Sequence[Document]) -> None:
    """Wavix's documented limits on uploads, before anything is sent."""
    for document in documents:
        if document.extension not in CONTENT_TYPES:
            raise InvalidInputError(
                f"Wavix takes PNG, JPG, JPEG, TIFF, BMP or PDF documents, not {document.filename!r}"
            )
        if len(document.content) > MAX_UPLOAD:
            raise InvalidInputError(
                f"document {document.filename!r} is {len(document.content)} bytes; Wavix takes at most 10 MB"
            )


def register(ops: WavixOperations, refs: Sequence[NumberRef], end_user: EndUser) -> Operation[Registration]:
    """Upload, for each document type the numbers require, the end user's document of that kind."""
    check_documents(end_user.documents)
    records: list[str] = []
    wanted: dict[str, list[str]] = {}
    names: dict[str, tuple[str, str]] = {}
    for ref in refs:
        located = yield from ops._resolve(ref)
        did, raw = located.did, located.raw
        required = read_docrefs(raw.get("require_docs"), "require_docs")
        types = (yield from _doc_types(ops, did.country, "owned")) if required else {}
        names.update(types)
        check_profile(_requirements(required, types, raw), end_user, country=did.country)
        for ref_id in required:
            wanted.setdefault(ref_id, []).append(did.id)
        records.append(did.id)
    uploads: list[tuple[str, list[str], Document]] = []
    for ref_id, did_ids in wanted.items():
        name, title = names.get(ref_id) or (SPEC_DOC_TYPES.get(ref_id, ref_id),) * 2
        kind = kind_of(name)[0]
        documents = end_user.documents_of(kind)
        if not documents:
            raise InvalidInputError(f"Wavix requires a document of kind {kind} ({title}) for these numbers")
        uploads.append((ref_id, did_ids, documents[0]))
    if not uploads:
        logger.info("wavix: the numbers require no documents; nothing uploaded")
    for ref_id, did_ids, document in uploads:
        request = HttpRequest.multipart(
            "POST",
            PAPERS_PATH,
            fields=(("did_ids", ",".join(did_ids)), ("doc_id", ref_id)),
            files=(("doc_attachment", (document.filename, document.content, CONTENT_TYPES[document.extension])),),
            idempotent=False,
            operation="the document upload",
        )
        yield request  # the answer lists the documents; their status is read back below, per number
    return (yield from get_registration(ops, ",".join(records)))


def registration_of(registration_id: str, records: Sequence[tuple[str, Mapping[str, Any]]]) -> Registration:
    """The verdict on numbers' documents: any rejected → REJECTED; every required type with an
    approved document → APPROVED; else PENDING. ``reasons`` say which document, in Wavix's words."""
    rejected: list[str] = []
    waiting: list[str] = []
    numbers: list[str] = []
    for number, raw in records:
        numbers.append(number)
        required = read_docrefs(raw.get("require_docs"), "require_docs")
        latest: dict[str, tuple[str, str]] = {}
        for item in raw.get("documents") or ():
            if not isinstance(item, Mapping):
                continue
            ref = read_docref(item.get("doc_type_id"), "documents[].doc_type_id")
            status = str(item.get("status") or "").strip().lower()
            latest[ref] = (status, str(item.get("doc_file_name") or ref))
        for status, filename in latest.values():
            if status == "rejected":
                rejected.append(f"{number}: document {filename} rejected")
            elif status != "approved":
                waiting.append(f"{number}: document {filename} {status or 'awaiting review'}")
        for ref in required:
            if ref not in latest:
                waiting.append(f"{number}: document type {ref} required")
    if rejected:
        status, reasons = RegistrationStatus.REJECTED, rejected
    elif waiting:
        status, reasons = RegistrationStatus.PENDING, waiting
    else:
        status, reasons = RegistrationStatus.APPROVED, []
    raw = {"numbers": [dict(raw) for _, raw in records]}
    return Registration(registration_id, "wavix", status, tuple(reasons), tuple(numbers), raw)


def get_registration(ops: WavixOperations, registration_id: str) -> Operation[Registration]:
    ids = [part.strip() for part in registration_id.split(",")]
    if not ids or not all(part.isdigit() and len(part) <= 10 for part in ids):
        raise InvalidInputError(
            f"{registration_id!r} is not a Wavix registration id (the numbers' record ids, comma-separated)"
        )
    records: list[tuple[str, Mapping[str, Any]]] = []
    for record_id in ids:
        response = yield HttpRequest("GET", url_path("/v1/numbers/{id}", id=record_id))
        located = ops._located(response)
        records.append((located.did.number, located.raw))
    return registration_of(",".join(ids), records)
