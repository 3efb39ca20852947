"""The JSON:API side of the emulator, written from DIDWW's spec: query parameters (filter, include,
sort, page), compound documents with relationship linkage, pagination links.

This is the server's view of JSON:API and deliberately shares nothing with any client code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import attrs

from didkit.sandbox import EmulatorRequest as Request

from . import _errors as err

IncludeTree = dict[str, "IncludeTree"]
Getter = Callable[[Any], "str | list[str] | None"]


@attrs.frozen
class Rel:
    """A relationship of a resource type: its target type, cardinality and how to read it."""

    target: str
    many: bool
    get: Getter


@attrs.frozen
class ResourceType:
    """How one resource type is rendered."""

    type: str
    attributes: Callable[[Any], dict[str, Any]]
    relationships: Mapping[str, Rel] = attrs.field(factory=dict)
    meta: Callable[[Any], dict[str, Any]] | None = None
    fetch: Callable[[str], Any] | None = None  # id -> object, or None when absent
    has_relationships: bool = True


@attrs.frozen
class Query:
    filters: dict[str, list[str]]
    include: IncludeTree
    sort: list[tuple[str, bool]]  # (field, descending)
    page_number: int
    page_size: int
    paginated: bool


PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 1000


def parse_query(
    request: Request,
    registry: Mapping[str, ResourceType],
    root: str,
    *,
    filters: Collection[str] = (),
    includes: Collection[str] = (),
    sorts: Collection[str] = (),
    paginated: bool = False,
    page_size_max: int = PAGE_SIZE_MAX,
) -> Query:
    """Read and check the JSON:API query parameters of a request to an endpoint of type ``root``.

    Unknown parameters, filters, includes or sort fields are answered with DIDWW's 400s.
    """
    found_filters: dict[str, list[str]] = {}
    include: IncludeTree = {}
    sort: list[tuple[str, bool]] = []
    page_number, page_size = 1, PAGE_SIZE_DEFAULT
    for name, values in request.query.items():
        value = values[0] if values else ""
        if name.startswith("filter[") and name.endswith("]"):
            key = name[len("filter[") : -1]
            if key not in filters:
                raise err.filter_not_allowed(key)
            found_filters[key] = [v for v in value.split(",") if v != ""] if value != "" else [""]
        elif name == "include":
            include = parse_include(value, registry, root, includes)
        elif name == "sort":
            for field in (f for f in value.split(",") if f):
                descending = field.startswith("-")
                bare = field[1:] if descending else field
                if bare not in sorts:
                    raise err.invalid_sort(bare, root)
                sort.append((bare, descending))
        elif name in ("page[number]", "page[size]"):
            if not paginated:
                continue  # not paginated: the whole list comes back whatever is asked
            which = name[len("page[") : -1]
            try:
                number = int(value)
            except ValueError:
                raise err.invalid_page_value(which, value) from None
            if number < 1 or (which == "size" and number > page_size_max):
                raise err.invalid_page_value(which, value)
            if which == "number":
                page_number = number
            else:
                page_size = number
        elif name.startswith("fields[") and name.endswith("]"):
            continue  # sparse fieldsets are accepted; the full resource is returned
        else:
            raise err.param_not_allowed(name)
    return Query(found_filters, include, sort, page_number, page_size, paginated)


def parse_include(
    value: str, registry: Mapping[str, ResourceType], root: str, allowed: Collection[str]
) -> IncludeTree:
    tree: IncludeTree = {}
    for path in (p.strip() for p in value.split(",")):
        if not path:
            continue
        parts = path.split(".")
        if parts[0] not in allowed:
            raise err.invalid_include(parts[0], root)
        node, type_ = tree, root
        for part in parts:
            rtype = registry.get(type_)
            rel = rtype.relationships.get(part) if rtype else None
            if rel is None:
                raise err.invalid_include(part, type_)
            node = node.setdefault(part, {})
            type_ = rel.target
    return tree


class Renderer:
    """Builds documents: primary data, ``included`` (compound documents) and linkage."""

    def __init__(self, registry: Mapping[str, ResourceType], base_url: str, api_version: str) -> None:
        self.registry = registry
        self.base_url = base_url
        self.api_version = api_version

    def resource(self, type_: str, obj: Any, linkage: Collection[str] = ()) -> dict[str, Any]:
        rtype = self.registry[type_]
        ident = obj.id
        out: dict[str, Any] = {"id": ident, "type": type_, "attributes": rtype.attributes(obj)}
        if rtype.has_relationships:
            relationships: dict[str, Any] = {}
            for name, rel in rtype.relationships.items():
                entry: dict[str, Any] = {
                    "links": {
                        "self": f"{self.base_url}/{type_}/{ident}/relationships/{name}",
                        "related": f"{self.base_url}/{type_}/{ident}/{name}",
                    }
                }
                if name in linkage:
                    target = rel.get(obj)
                    if rel.many:
                        entry["data"] = [{"type": rel.target, "id": i} for i in (target or [])]
                    else:
                        entry["data"] = {"type": rel.target, "id": target} if target else None
                relationships[name] = entry
            out["relationships"] = relationships
        if rtype.meta is not None:
            out["meta"] = rtype.meta(obj)
        return out

    def _collect(
        self,
        type_: str,
        obj: Any,
        tree: IncludeTree,
        found: dict[tuple[str, str], tuple[Any, set[str]]],
    ) -> None:
        rtype = self.registry[type_]
        for name, subtree in tree.items():
            rel = rtype.relationships[name]
            target = self.registry.get(rel.target)
            got = rel.get(obj)
            ids = (got or []) if rel.many else ([got] if got else [])
            for ident in ids:
                assert isinstance(ident, str)
                related = target.fetch(ident) if target and target.fetch else None
                if related is None:
                    continue
                key = (rel.target, ident)
                if key in found:
                    found[key][1].update(subtree)
                else:
                    found[key] = (related, set(subtree))
                self._collect(rel.target, related, subtree, found)

    def document(
        self,
        type_: str,
        data: Any,
        query: Query | None = None,
        *,
        meta: Mapping[str, Any] | None = None,
        links: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """A document whose primary data is ``data`` (one object, or a sequence for collections)."""
        tree = query.include if query else {}
        many = isinstance(data, Sequence)
        objects: Iterable[Any] = data if many else [data]
        found: dict[tuple[str, str], tuple[Any, set[str]]] = {}
        primary = []
        for obj in objects:
            primary.append(self.resource(type_, obj, tree.keys()))
            self._collect(type_, obj, tree, found)
        doc: dict[str, Any] = {"data": primary if many else primary[0]}
        primary_keys = {(type_, r["id"]) for r in primary}
        if tree:
            doc["included"] = [
                self.resource(t, obj, linkage)
                for (t, ident), (obj, linkage) in found.items()
                if (t, ident) not in primary_keys
            ]
        doc["meta"] = {"api_version": self.api_version, **(meta or {})}
        if links is not None:
            doc["links"] = dict(links)
        return doc

    def page(
        self, type_: str, objects: Sequence[Any], query: Query, request: Request, path: str,
        *, meta: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A paginated collection document with ``meta.total_records`` and ``links``."""
        total = len(objects)
        size, number = query.page_size, query.page_number
        last = max(1, math.ceil(total / size))
        chunk = objects[(number - 1) * size : number * size]
        kept = [(k, v[0] if v else "") for k, v in request.query.items() if not k.startswith("page[")]

        def link(n: int) -> str:
            return f"{self.base_url}{path}?" + urlencode(
                [*kept, ("page[number]", str(n)), ("page[size]", str(size))]
            )

        links = {"first": link(1)}
        if number > 1:
            links["prev"] = link(min(number - 1, last))
        if number < last:
            links["next"] = link(number + 1)
        links["last"] = link(last)
        return self.document(
            type_, list(chunk), query, meta={"total_records": total, **(meta or {})}, links=links
        )


# -- filtering and sorting helpers ---------------------------------------------------------------


def parse_bool(name: str, values: list[str]) -> bool:
    if len(values) == 1 and values[0].lower() in ("true", "false", "1", "0"):
        return values[0].lower() in ("true", "1")
    raise err.invalid_filter_value(name, ",".join(values))


def parse_int(name: str, values: list[str]) -> int:
    try:
        return int(values[0])
    except (ValueError, IndexError):
        raise err.invalid_filter_value(name, ",".join(values)) from None


def _sort_key(key: Callable[[Any], Any]) -> Callable[[Any], tuple[bool, Any]]:
    def wrapped(obj: Any) -> tuple[bool, Any]:
        value = key(obj)
        return (value is not None, value if value is not None else 0)

    return wrapped


def apply_sort(
    objects: list[Any], sort: list[tuple[str, bool]], keys: Mapping[str, Callable[[Any], Any]]
) -> list[Any]:
    """Stable multi-key sort, ``null`` first when ascending."""
    result = list(objects)
    for field, descending in reversed(sort):
        result.sort(key=_sort_key(keys[field]), reverse=descending)
    return result
