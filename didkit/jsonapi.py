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
from typing import Any

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


class _Relationships(Mapping[str, Relationship]):
    """A resource's relationships, each read (:meth:`_Parser.relationship`) the first time it is
    asked for: a listed resource carries a dozen relationships and its reader looks at two or
    three. A malformed one is a :class:`~didkit.ResponseFormatError` naming the field
    (``data[3].relationships.order.data.id``) when it is read."""

    __slots__ = ("_built", "_field", "_parser", "_raw")

    def __init__(self, raw: Mapping[str, Any], parser: _Parser, field: str) -> None:
        self._raw = raw
        self._parser = parser
        self._field = field
        self._built: dict[str, Relationship] | None = None  # made on the first read: most never are

    def __getitem__(self, name: str) -> Relationship:
        if self._built is None:
            self._built = {}
        built = self._built.get(name)
        if built is None:
            built = self._parser.relationship(self._raw[name], self._field, name)
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


_NO_RELATIONSHIPS: Mapping[str, Relationship] = {}
_ABSENT: Any = object()


class _Parser:
    """One reader per part of a document (object, id, identifier, relationship, resource): each
    takes the usual shape (plain dicts, non-empty string ids) with an inline check, reads the
    lenient forms (integer ids, other mappings) only when that fails, and names the field in a
    :class:`~didkit.ResponseFormatError` when nothing fits. Field names are built only then."""

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
        if type(value) is dict:
            return value
        if value is None and optional:
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(field, f"must be an object, got {type(value).__name__}")
        return value

    def string_id(self, value: Any, field: str) -> str:
        if type(value) is str and value:
            return value
        if isinstance(value, str) and value:
            return str(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise self.fail(field, f"must be a non-empty string, got {value!r}")

    def identifier(self, value: Any, field: str) -> ResourceIdentifier:
        if type(value) is dict:
            kind, ident = value.get("type"), value.get("id")
            if type(kind) is str and kind and type(ident) is str and ident:
                return _new_identifier(kind, ident)
        obj = self.mapping(value, field, optional=False)
        return ResourceIdentifier(
            self.string_id(obj.get("type"), f"{field}.type"), self.string_id(obj.get("id"), f"{field}.id")
        )

    def relationship(self, value: Any, owner: str, name: str) -> Relationship:
        """The relationship ``name`` of the resource at ``owner`` (``data[3]``)."""
        if type(value) is dict:
            links, meta = value.get("links"), value.get("meta")
            if (links is None or type(links) is dict) and (meta is None or type(meta) is dict):
                if "data" not in value:
                    return _new_relationship(False, None, links or {}, meta or {})
                data = value["data"]
                if data is None:
                    return _new_relationship(True, None, links or {}, meta or {})
                if type(data) is dict:
                    kind, ident = data.get("type"), data.get("id")
                    if type(kind) is str and kind and type(ident) is str and ident:
                        return _new_relationship(True, _new_identifier(kind, ident), links or {}, meta or {})
        field = f"{owner}.relationships.{name}"
        obj = self.mapping(value, field, optional=False)
        links = self.mapping(obj.get("links"), f"{field}.links")
        meta = self.mapping(obj.get("meta"), f"{field}.meta")
        if "data" not in obj:
            return _new_relationship(False, None, links, meta)
        data = obj["data"]
        if data is None:
            return _new_relationship(True, None, links, meta)
        if isinstance(data, list):
            items = tuple(self.identifier(item, f"{field}.data[{i}]") for i, item in enumerate(data))
            return _new_relationship(True, items, links, meta)
        return _new_relationship(True, self.identifier(data, f"{field}.data"), links, meta)

    def resource(self, value: Any, field: str) -> Resource:
        """A resource object at ``field`` (``data[3]``); its relationships are read when asked for."""
        obj = value if type(value) is dict else self.mapping(value, field, optional=False)
        get = obj.get
        kind, ident, attributes, rels, meta, links = (
            get("type"), get("id"), get("attributes"), get("relationships"), get("meta"), get("links")
        )  # fmt: skip
        if type(kind) is not str or not kind:
            kind = self.string_id(kind, f"{field}.type")
        if type(ident) is not str or not ident:
            ident = self.string_id(ident, f"{field}.id")
        if type(attributes) is not dict:
            attributes = self.mapping(attributes, f"{field}.attributes")
        if type(meta) is not dict:
            meta = self.mapping(meta, f"{field}.meta")
        if type(links) is not dict:
            links = self.mapping(links, f"{field}.links")
        relationships: Mapping[str, Relationship] = _NO_RELATIONSHIPS
        if rels is not None:
            relationships = _Relationships(self.mapping(rels, f"{field}.relationships"), self, field)
        return _new_resource(kind, ident, attributes, relationships, meta, links, obj)

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
        if type(relationships) is _Relationships and (relationships._built is None or name not in relationships._built):
            # The linkage alone is read here, inline for its usual shapes; anything else is read
            # (and refused, naming the field) by the relationship reader below.
            value = relationships._raw.get(name, _ABSENT)
            if value is _ABSENT:
                return NOT_INCLUDED
            if type(value) is dict:
                data = value.get("data", _ABSENT)
                if data is None:
                    return None
                if data is _ABSENT:
                    return NOT_INCLUDED
                if type(data) is dict:
                    kind, ident = data.get("type"), data.get("id")
                    if type(kind) is str and kind and type(ident) is str and ident:
                        return self.included.get((kind, ident), NOT_INCLUDED)
        rel = relationships.get(name)
        if rel is None or not rel.present:
            return NOT_INCLUDED
        data = rel.data
        if data is None:
            return None
        if type(data) is tuple:
            raise ResponseFormatError(
                f"JSON:API relationship {name!r} of {resource.type} {resource.id} is to-many, expected to-one",
                provider=self.provider,
                field=f"relationships.{name}.data",
            )
        return self.included.get((data.type, data.id), NOT_INCLUDED)  # type: ignore[union-attr]

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

    def next_page(self, number: int, size: int) -> int | None:
        """The ``page[number]`` after page ``number`` (of ``size`` resources): from ``links.next``
        (its ``page[number]``), else from ``meta.total_records``; ``None`` on the last page.
        Only the number is taken from a link: the next request is built from the caller's own
        base URL, so a proxy or ``base_url`` override is never bypassed by an absolute link."""
        link = self.next_link
        if link:
            from urllib.parse import parse_qs, urlsplit

            values = parse_qs(urlsplit(link).query).get("page[number]")
            if values and values[0].isdigit() and int(values[0]) > number:
                return int(values[0])
            return number + 1
        if self.links:
            return None
        total = self.meta.get("total_records")
        if isinstance(total, int) and not isinstance(total, bool) and number * size < total:
            return number + 1
        return None


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
