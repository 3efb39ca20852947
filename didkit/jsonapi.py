"""Generic JSON:API (https://jsonapi.org) support for any adapter: parse documents (``data``,
``included``, relationships, ``meta``, ``links``, ``errors``), build query parameters
(``filter``, ``include``, ``sort``, ``fields``, ``page``) and request documents, and map
``errors[]`` to typed didkit errors.

Parsing checks the document's structure: anything malformed is a
:class:`~didkit.ResponseFormatError` naming the field (``data[2].id``), never a
``KeyError``/``TypeError``. A resource's relationships are checked when they are read (a page of
listed resources carries a dozen each, and readers look at two or three), with the same errors.
A relationship that was not sent ("not included") is told apart from one that is explicitly
empty (``null``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs

from ._construct import plain_constructor as _plain_constructor
from .engine import HttpRequest, HttpResponse, error_class_for, error_for_status
from .errors import ProviderError, ResponseFormatError

__all__ = [
    "MEDIA_TYPE",
    "NOT_INCLUDED",
    "Document",
    "ErrorObject",
    "NotIncluded",
    "Relationship",
    "Resource",
    "ResourceIdentifier",
    "error_from_response",
    "query",
    "resource_document",
    "to_many",
    "to_one",
]

MEDIA_TYPE = "application/vnd.api+json"


class NotIncluded(enum.Enum):
    """The related resource was not sent (no linkage, or not in ``included``)."""

    NOT_INCLUDED = "not included"


NOT_INCLUDED = NotIncluded.NOT_INCLUDED


@attrs.frozen
class ResourceIdentifier:
    type: str
    id: str


@attrs.frozen
class Relationship:
    """A relationship. ``present`` is ``False`` when the document carried no linkage at all
    (``data`` absent), in which case ``data`` is ``None`` but means "unknown", not "empty"."""

    present: bool
    data: ResourceIdentifier | tuple[ResourceIdentifier, ...] | None = None
    links: Mapping[str, Any] = attrs.field(factory=dict)
    meta: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Resource:
    type: str
    id: str
    attributes: Mapping[str, Any] = attrs.field(factory=dict)
    relationships: Mapping[str, Relationship] = attrs.field(factory=dict)
    meta: Mapping[str, Any] = attrs.field(factory=dict)
    links: Mapping[str, Any] = attrs.field(factory=dict)
    raw: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def identifier(self) -> ResourceIdentifier:
        return ResourceIdentifier(self.type, self.id)


@attrs.frozen
class ErrorObject:
    status: str | None = None
    code: str | None = None
    title: str | None = None
    detail: str | None = None
    pointer: str | None = None
    parameter: str | None = None
    meta: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def text(self) -> str:
        base = self.detail or self.title or self.code or "error"
        if self.title and self.detail and self.title not in self.detail:
            base = f"{self.title}: {self.detail}"
        return f"{base} ({self.pointer})" if self.pointer else base


_new_identifier: Callable[[str, str], ResourceIdentifier] = _plain_constructor(ResourceIdentifier)
_new_relationship: Callable[
    [bool, ResourceIdentifier | tuple[ResourceIdentifier, ...] | None, Mapping[str, Any], Mapping[str, Any]],
    Relationship,
] = _plain_constructor(Relationship)
_new_resource: Callable[
    [str, str, Mapping[str, Any], Mapping[str, Relationship], Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]],
    Resource,
] = _plain_constructor(Resource)


_ResourceParts = tuple[
    str, str, "dict[str, Any] | None", "dict[str, Any] | None", "dict[str, Any] | None", "dict[str, Any] | None"
]


def _plain_resource(value: Any) -> _ResourceParts | None:
    """A resource object's ``type``, ``id``, ``attributes``, ``relationships``, ``meta`` and
    ``links`` when it has the usual shape (an object; non-empty string type and id; the rest
    objects or absent), which parsing takes as it is; ``None`` for anything else."""
    if type(value) is not dict:
        return None
    get = value.get
    kind, ident, attributes, rels, meta, links = (
        get("type"), get("id"), get("attributes"), get("relationships"), get("meta"), get("links")
    )  # fmt: skip
    if (
        type(kind) is not str
        or not kind
        or type(ident) is not str
        or not ident
        or (attributes is not None and type(attributes) is not dict)
        or (rels is not None and type(rels) is not dict)
        or (meta is not None and type(meta) is not dict)
        or (links is not None and type(links) is not dict)
    ):
        return None
    return kind, ident, attributes, rels, meta, links


class _Relationships(Mapping[str, Relationship]):
    """A resource's relationships, each checked and built as a :class:`Relationship` the first
    time it is read: a listed resource carries a dozen relationships and its reader looks at two
    or three. A malformed one is a :class:`~didkit.ResponseFormatError` naming the field
    (``data[3].relationships.order.data.id``) when it is read, as it would have been at parse
    time."""

    __slots__ = ("_built", "_field", "_parser", "_raw")

    def __init__(self, raw: dict[str, Any], parser: _Parser, field: str) -> None:
        self._raw = raw
        self._parser = parser
        self._field = field
        self._built: dict[str, Relationship] = {}

    def __getitem__(self, name: str) -> Relationship:
        built = self._built.get(name)
        if built is None:
            value = self._raw[name]
            built = self._parser.quick_relationship(value) or self._parser.relationship(
                value, f"{self._field}.relationships.{name}"
            )
            self._built[name] = built
        return built

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self._raw else default

    def __contains__(self, name: object) -> bool:
        return name in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class _Parser:
    def __init__(self, provider: str, status_code: int | None, request_id: str | None) -> None:
        self.provider = provider
        self.status_code = status_code
        self.request_id = request_id

    def fail(self, field: str, problem: str) -> ResponseFormatError:
        return ResponseFormatError(
            f"JSON:API document field {field!r} {problem}",
            provider=self.provider,
            status_code=self.status_code,
            request_id=self.request_id,
            field=field,
        )

    def mapping(self, value: Any, field: str, *, optional: bool = True) -> Mapping[str, Any]:
        if value is None and optional:
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(field, f"must be an object, got {type(value).__name__}")
        return value

    def string_id(self, value: Any, field: str) -> str:
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise self.fail(field, f"must be a non-empty string, got {value!r}")

    def identifier(self, value: Any, field: str) -> ResourceIdentifier:
        obj = self.mapping(value, field, optional=False)
        return ResourceIdentifier(
            self.string_id(obj.get("type"), f"{field}.type"), self.string_id(obj.get("id"), f"{field}.id")
        )

    def quick_identifier(self, value: Any) -> ResourceIdentifier | None:
        """:meth:`identifier` for the usual shape (string type and id); ``None`` otherwise."""
        if type(value) is dict:
            kind, ident = value.get("type"), value.get("id")
            if type(kind) is str and kind and type(ident) is str and ident:
                return _new_identifier(kind, ident)
        return None

    def quick_relationship(self, value: Any) -> Relationship | None:
        """:meth:`relationship` for the usual shapes, without building field names (they are
        only needed to word an error); ``None`` sends the value to :meth:`relationship`."""
        if type(value) is not dict:
            return None
        links, meta = value.get("links"), value.get("meta")
        if links is None:
            links = {}
        elif type(links) is not dict:
            return None
        if meta is None:
            meta = {}
        elif type(meta) is not dict:
            return None
        if "data" not in value:
            return _new_relationship(False, None, links, meta)
        data = value["data"]
        if data is None:
            return _new_relationship(True, None, links, meta)
        if type(data) is list:
            items = []
            for item in data:
                identifier = self.quick_identifier(item)
                if identifier is None:
                    return None
                items.append(identifier)
            return _new_relationship(True, tuple(items), links, meta)
        one = self.quick_identifier(data)
        return None if one is None else _new_relationship(True, one, links, meta)

    def relationship(self, value: Any, field: str) -> Relationship:
        obj = self.mapping(value, field, optional=False)
        links = self.mapping(obj.get("links"), f"{field}.links")
        meta = self.mapping(obj.get("meta"), f"{field}.meta")
        if "data" not in obj:
            return Relationship(False, None, links, meta)
        data = obj["data"]
        if data is None:
            return Relationship(True, None, links, meta)
        if isinstance(data, list):
            items = tuple(self.identifier(item, f"{field}.data[{i}]") for i, item in enumerate(data))
            return Relationship(True, items, links, meta)
        return Relationship(True, self.identifier(data, f"{field}.data"), links, meta)

    def resource(self, value: Any, field: str) -> Resource:
        quick = self.quick_resource(value, field)
        return quick if quick is not None else self.checked_resource(value, field)

    def quick_resource(self, value: Any, field: str = "data") -> Resource | None:
        """:meth:`checked_resource` for the usual shapes (plain dicts, string ids), with its
        relationships checked as they are read; ``None`` when only the checked path can tell
        (it also words any error). ``field`` is where the resource sits, for those errors."""
        parts = _plain_resource(value)
        if parts is None:
            return None
        kind, ident, attributes, rels, meta, links = parts
        relationships: Mapping[str, Relationship] = {} if rels is None else _Relationships(rels, self, field)
        return _new_resource(
            kind,
            ident,
            {} if attributes is None else attributes,
            relationships,
            {} if meta is None else meta,
            {} if links is None else links,
            value,
        )

    def checked_resource(self, value: Any, field: str) -> Resource:
        obj = self.mapping(value, field, optional=False)
        rels = self.mapping(obj.get("relationships"), f"{field}.relationships")
        return Resource(
            type=self.string_id(obj.get("type"), f"{field}.type"),
            id=self.string_id(obj.get("id"), f"{field}.id"),
            attributes=self.mapping(obj.get("attributes"), f"{field}.attributes"),
            relationships={name: self.relationship(rel, f"{field}.relationships.{name}") for name, rel in rels.items()},
            meta=self.mapping(obj.get("meta"), f"{field}.meta"),
            links=self.mapping(obj.get("links"), f"{field}.links"),
            raw=obj,
        )

    def error(self, value: Any, field: str) -> ErrorObject:
        obj = self.mapping(value, field, optional=False)
        source = self.mapping(obj.get("source"), f"{field}.source")

        def text(key: str, container: Mapping[str, Any] = obj) -> str | None:
            item = container.get(key)
            return None if item is None else str(item)

        return ErrorObject(
            status=text("status"),
            code=text("code"),
            title=text("title"),
            detail=text("detail"),
            pointer=text("pointer", source),
            parameter=text("parameter", source),
            meta=self.mapping(obj.get("meta"), f"{field}.meta"),
        )


@attrs.frozen
class Document:
    """A parsed JSON:API document."""

    data: Resource | tuple[Resource, ...] | None
    included: Mapping[tuple[str, str], Resource] = attrs.field(factory=dict)
    meta: Mapping[str, Any] = attrs.field(factory=dict)
    links: Mapping[str, Any] = attrs.field(factory=dict)
    errors: tuple[ErrorObject, ...] = ()
    provider: str = ""
    raw: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @classmethod
    def parse(
        cls,
        obj: Any,
        *,
        provider: str,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> Document:
        """Parse a decoded JSON:API document, checking its structure."""
        parser = _Parser(provider, status_code, request_id)
        top = parser.mapping(obj, "(document)", optional=False)
        errors_raw = top.get("errors")
        if errors_raw is not None and not isinstance(errors_raw, list):
            raise parser.fail("errors", "must be an array")
        errors = tuple(parser.error(item, f"errors[{i}]") for i, item in enumerate(errors_raw or ()))
        if "data" not in top and not errors and "meta" not in top:
            raise parser.fail("data", "is missing (a document needs data, errors or meta)")
        raw_data = top.get("data")
        data: Resource | tuple[Resource, ...] | None
        if isinstance(raw_data, list):
            data = tuple(parser.resource(item, f"data[{i}]") for i, item in enumerate(raw_data))
        elif raw_data is None:
            data = None
        else:
            data = parser.resource(raw_data, "data")
        included_raw = top.get("included")
        if included_raw is not None and not isinstance(included_raw, list):
            raise parser.fail("included", "must be an array")
        included: dict[tuple[str, str], Resource] = {}
        for i, item in enumerate(included_raw or ()):
            resource = parser.resource(item, f"included[{i}]")
            included[(resource.type, resource.id)] = resource
        return cls(
            data=data,
            included=included,
            meta=parser.mapping(top.get("meta"), "meta"),
            links=parser.mapping(top.get("links"), "links"),
            errors=errors,
            provider=provider,
            raw=top,
        )

    @classmethod
    def parse_without_data(
        cls,
        obj: Any,
        *,
        provider: str,
        status_code: int | None = None,
        request_id: str | None = None,
    ) -> tuple[Document, list[dict[str, Any]]] | None:
        """For hot paths that read a collection's resources straight from the decoded JSON: the
        document as :meth:`parse` gives it but with ``data=()``, and ``data``'s raw resource
        objects, each one that :meth:`parse` takes as it is (an object with a non-empty string
        ``type`` and ``id``; ``attributes``, ``meta``, ``links`` and ``relationships`` objects
        or absent; read to-one relationships with :meth:`linked`). ``None`` when ``data`` is
        anything else, or the rest of the document is malformed: :meth:`parse` the document
        then, which also words any error."""
        if type(obj) is not dict or obj.get("errors") is not None:
            return None
        items = obj.get("data")
        if type(items) is not list:
            return None
        for item in items:
            if _plain_resource(item) is None:
                return None
        try:
            rest = cls.parse({**obj, "data": []}, provider=provider, status_code=status_code, request_id=request_id)
        except ResponseFormatError:
            return None
        return attrs.evolve(rest, data=(), raw=obj), items

    @classmethod
    def from_response(cls, response: HttpResponse) -> Document:
        """Decode and parse a response body."""
        return cls.parse(
            response.json(),
            provider=response.provider,
            status_code=response.status_code,
            request_id=response.request_id,
        )

    def resources(self) -> tuple[Resource, ...]:
        """``data`` as a tuple (empty for ``null``)."""
        if self.data is None:
            return ()
        return self.data if isinstance(self.data, tuple) else (self.data,)

    def one(self) -> Resource:
        """``data`` when it is a single resource; :class:`ResponseFormatError` otherwise."""
        if isinstance(self.data, Resource):
            return self.data
        raise ResponseFormatError(
            "JSON:API document field 'data' must be a single resource",
            provider=self.provider,
            field="data",
        )

    def get_included(self, identifier: ResourceIdentifier) -> Resource | NotIncluded:
        return self.included.get((identifier.type, identifier.id), NOT_INCLUDED)

    def related(self, resource: Resource, name: str) -> Resource | NotIncluded | None:
        """The to-one related resource: ``None`` when the linkage is ``null``,
        :data:`NOT_INCLUDED` when the linkage or the resource was not sent."""
        relationships = resource.relationships
        if type(relationships) is _Relationships:
            found = self.linked(relationships._raw, name)
            if found is not False:
                return found
        rel = relationships.get(name)
        if rel is None or not rel.present:
            return NOT_INCLUDED
        if rel.data is None:
            return None
        if isinstance(rel.data, tuple):
            raise ResponseFormatError(
                f"JSON:API relationship {name!r} of {resource.type} {resource.id} is to-many, expected to-one",
                provider=self.provider,
                field=f"relationships.{name}.data",
            )
        return self.get_included(rel.data)

    def linked(self, relationships: Mapping[str, Any], name: str) -> Resource | NotIncluded | Literal[False] | None:
        """:meth:`related`, read from a resource's raw ``relationships`` object without building
        anything: the included resource, ``None`` for a ``null`` linkage, :data:`NOT_INCLUDED`
        when none was sent or the resource is not included; ``False`` for anything else
        (to-many, or malformed), which only :meth:`related` can answer or word."""
        value = relationships.get(name, relationships)
        if value is relationships:
            return NOT_INCLUDED
        if type(value) is not dict:
            return False
        links, meta = value.get("links"), value.get("meta")
        if (links is not None and type(links) is not dict) or (meta is not None and type(meta) is not dict):
            return False
        if "data" not in value:
            return NOT_INCLUDED
        data = value["data"]
        if data is None:
            return None
        if type(data) is dict:
            kind, ident = data.get("type"), data.get("id")
            if type(kind) is str and kind and type(ident) is str and ident:
                return self.included.get((kind, ident), NOT_INCLUDED)
        return False

    def related_many(self, resource: Resource, name: str) -> tuple[Resource, ...] | NotIncluded:
        """The to-many related resources (those included), or :data:`NOT_INCLUDED`."""
        rel = resource.relationships.get(name)
        if rel is None or not rel.present:
            return NOT_INCLUDED
        if rel.data is None:
            return ()
        items = rel.data if isinstance(rel.data, tuple) else (rel.data,)
        found = [self.included.get((item.type, item.id)) for item in items]
        if any(item is None for item in found):
            return NOT_INCLUDED
        return tuple(item for item in found if item is not None)

    @property
    def next_link(self) -> str | None:
        """``links.next`` (a string or a link object's ``href``), if any."""
        link = self.links.get("next")
        if isinstance(link, Mapping):
            link = link.get("href")
        return link if isinstance(link, str) and link else None


def query(
    *,
    filters: Mapping[str, Any] | None = None,
    include: Iterable[str] | str | None = None,
    sort: Iterable[str] | str | None = None,
    fields: Mapping[str, Iterable[str] | str] | None = None,
    page_number: int | None = None,
    page_size: int | None = None,
) -> list[tuple[str, str]]:
    """JSON:API query parameters: ``filter[x]=a,b``, ``include=a,b.c``, ``sort=a,-b``,
    ``fields[type]=x,y``, ``page[number]``/``page[size]``."""

    def joined(value: Iterable[Any] | str | Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, Iterable):
            return ",".join(joined(v) for v in value)
        return str(value)

    params: list[tuple[str, str]] = []
    for key, value in (filters or {}).items():
        if value is not None:
            params.append((f"filter[{key}]", joined(value)))
    if include:
        params.append(("include", joined(include)))
    if sort:
        params.append(("sort", joined(sort)))
    for kind, names in (fields or {}).items():
        params.append((f"fields[{kind}]", joined(names)))
    if page_number is not None:
        params.append(("page[number]", str(page_number)))
    if page_size is not None:
        params.append(("page[size]", str(page_size)))
    return params


def to_one(kind: str, identifier: str | None) -> dict[str, Any]:
    """A to-one relationship object (``{"data": null}`` to clear it)."""
    return {"data": None if identifier is None else {"type": kind, "id": identifier}}


def to_many(kind: str, identifiers: Sequence[str]) -> dict[str, Any]:
    """A to-many relationship object."""
    return {"data": [{"type": kind, "id": item} for item in identifiers]}


def resource_document(
    kind: str,
    *,
    id: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    relationships: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A request document with one resource; attributes and relationships only when given."""
    data: dict[str, Any] = {"type": kind}
    if id is not None:
        data["id"] = id
    if attributes:
        data["attributes"] = dict(attributes)
    if relationships:
        data["relationships"] = dict(relationships)
    return {"data": data}


def error_from_response(
    response: HttpResponse, request: HttpRequest, *, cls: type[ProviderError] | None = None
) -> ProviderError:
    """The typed error for a failed JSON:API response, carrying every ``detail`` and
    ``source.pointer``. A body that is not a JSON:API error document still maps by status."""
    try:
        document = Document.from_response(response)
    except ResponseFormatError:
        return error_for_status(response, request, cls=cls)
    details = [
        {
            "status": e.status,
            "code": e.code,
            "title": e.title,
            "detail": e.detail,
            "pointer": e.pointer,
            "parameter": e.parameter,
            "meta": dict(e.meta),
        }
        for e in document.errors
    ]
    return error_for_status(
        response,
        request,
        messages=[e.text for e in document.errors],
        details=details,
        cls=cls or error_class_for(response.status_code),
    )
