"""``POST /v1/numbers/papers``: document uploads as Wavix documents them (multipart
``did_ids``, ``doc_attachment``, ``doc_id``; PNG, JPG, JPEG, TIFF, BMP or PDF up to 10 MB), and
their review, which a test drives: :meth:`Papers.decide` sets the verdict pending documents get
after a number of reads of their number (``GET /v1/numbers/{id}``)."""

from __future__ import annotations

import email.parser
import email.policy
from typing import Any

from didkit.sandbox import EmulatorRequest

from . import _render as render
from ._routes import Answer, get_number, invalid
from ._world import DOC_TYPES, ApiError, Document, OwnedNumber, World

MAX_SIZE = 10 * 1024 * 1024
FORMATS = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "bmp": "image/bmp",
    "pdf": "application/pdf",
}


def _form(request: EmulatorRequest) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise ApiError(400, "Content-Type must be multipart/form-data")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body
    )
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        decoded = part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = (filename, payload)
        else:
            fields[name] = payload.decode()
    return fields, files


class Papers:
    """Uploads and their review for one emulator."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.verdict: tuple[str, int] = ("approved", 2)
        self.reads: dict[int, int] = {}

    def decide(self, status: str, *, after_reads: int = 2) -> None:
        """Pending documents become ``status`` (``"approved"`` or ``"rejected"``) on the
        ``after_reads``-th read of their number (0: at upload; ``register`` reads it once)."""
        if status not in ("approved", "rejected"):
            raise ValueError("status must be 'approved' or 'rejected'")
        self.verdict = (status, after_reads)

    def _review(self, owned: OwnedNumber) -> None:
        status, after = self.verdict
        if not any(d.status == "pending" for d in owned.documents):
            return
        self.reads[owned.id] = self.reads.get(owned.id, 0) + 1
        if self.reads[owned.id] < after:
            return
        for document in owned.documents:
            if document.status == "pending":
                document.status = status
        approved = {d.doc_type_id for d in owned.documents if d.status == "approved"}
        if set(owned.offer.require_docs) <= approved:
            owned.status = "active"

    def upload(self, world: World, request: EmulatorRequest) -> Answer:
        fields, files = _form(request)
        did_ids = [part.strip() for part in fields.get("did_ids", "").split(",") if part.strip()]
        if not did_ids or not all(part.isdigit() for part in did_ids):
            raise invalid("did_ids")
        doc_id = fields.get("doc_id", "").strip()
        if not doc_id.isdigit() or int(doc_id) not in DOC_TYPES:
            raise invalid("doc_id")
        if "doc_attachment" not in files:
            raise invalid("doc_attachment")
        filename, content = files["doc_attachment"]
        extension = filename.rpartition(".")[2].lower() if "." in filename else ""
        if extension not in FORMATS:
            raise ApiError(422, "Allowed formats are PNG, JPG, JPEG, TIFF, BMP and PDF")
        if len(content) > MAX_SIZE:
            raise ApiError(422, "Maximum file size is 10 MB")
        if not content:
            raise invalid("doc_attachment")
        owned = [world.number(part) for part in did_ids]
        answer: list[dict[str, Any]] = []
        for number in owned:
            number.documents = [d for d in number.documents if d.doc_type_id != int(doc_id) or d.status == "approved"]
            document = Document(world.next_document_id, int(doc_id), "pending", filename, FORMATS[extension])
            world.next_document_id += 1
            number.documents.append(document)
            if self.verdict[1] == 0:
                self._review(number)
            rendered = render.number(world, number)["documents"]
            answer.append(next(d for d in rendered if d["id"] == document.id))
        return 200, answer

    def get_number(self, world: World, request: EmulatorRequest, id: str) -> Answer:
        self._review(world.number(id))
        return get_number(world, request, id)
