"""What every DIDWW route module shares: the filter specs, the request-body checks, and
:class:`ApiBase`, the plumbing the handlers run on (listing, showing, the version checks, and
the guard that turns :class:`ApiError` into a JSON:API error document)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from didkit.sandbox import BadRequestBody, EmulatorRequest, EmulatorResponse

from . import _errors as err
from ._errors import ApiError
from ._jsonapi import Query, Renderer, ResourceType, apply_sort, parse_bool, parse_query
from ._world import FEATURES, NEW_VERSION, World

MEDIA_TYPE = "application/vnd.api+json"
NEW_PAGE_SIZE_MAX = 100
"""``page[size]`` maximum of 2026-11-19 on most collections (cities and areas: 1000)."""

Predicate = Callable[[Any], bool]
FilterSpec = Callable[[str, list[str]], Predicate]
RouteEntry = tuple[str, str, Callable[..., EmulatorResponse], str]
"""``(method, pattern, handler, name)``: one row of a route table."""


class Host(Protocol):
    """What the handlers need from the emulator."""

    world: World
    order_pending_polls: int
    back_orders: str
    served_version: str

    @property
    def registry(self) -> dict[str, ResourceType]: ...


# -- filters ------------------------------------------------------------------------------------


def f_eq(get: Callable[[Any], Any]) -> FilterSpec:
    return lambda _name, values: lambda o: get(o) in values


def f_ieq(get: Callable[[Any], str | None]) -> FilterSpec:
    def make(_name: str, values: list[str]) -> Predicate:
        wanted = {v.lower() for v in values}
        return lambda o: (get(o) or "").lower() in wanted

    return make


def f_contains(get: Callable[[Any], str | None]) -> FilterSpec:
    def make(_name: str, values: list[str]) -> Predicate:
        return lambda o: any(v.lower() in (get(o) or "").lower() for v in values)

    return make


def f_bool(get: Callable[[Any], bool]) -> FilterSpec:
    def make(name: str, values: list[str]) -> Predicate:
        wanted = parse_bool(name, values)
        return lambda o: get(o) == wanted

    return make


def f_features(get: Callable[[Any], list[str]]) -> FilterSpec:
    def make(name: str, values: list[str]) -> Predicate:
        for value in values:
            if value not in FEATURES:
                raise err.invalid_filter_value(name, value)
        return lambda o: set(values) <= set(get(o))

    return make


def f_never(_name: str, _values: list[str]) -> Predicate:
    """A filter on something the emulator does not model (nothing is ever linked to it)."""
    return lambda _o: False


def apply_filters(objects: list[Any], query: Query, specs: Mapping[str, FilterSpec]) -> list[Any]:
    predicates = [specs[name](name, values) for name, values in query.filters.items()]
    return [o for o in objects if all(p(o) for p in predicates)]


# -- request bodies -----------------------------------------------------------------------------


def _resource_data(
    request: EmulatorRequest, type_: str, *, ident: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(attributes, relationships)`` of a request document, checked as JSONAPI::Resources does."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != MEDIA_TYPE:
        raise err.unsupported_media_type(content_type)
    body = request.json()
    if not isinstance(body, dict) or "data" not in body:
        raise err.param_missing("data")
    data = body["data"]
    if not isinstance(data, dict):
        raise err.ApiError.one(400, "Invalid data format", "Data must be a hash.", "122")
    for key in data:
        if key not in ("type", "id", "attributes", "relationships") or (key == "id" and ident is None):
            raise err.param_not_allowed(key)
    if "type" not in data:
        raise err.param_missing("type")
    if data["type"] != type_:
        raise err.type_mismatch(data["type"])
    if ident is not None:
        if "id" not in data:
            raise err.param_missing("id")
        if data["id"] != ident:
            raise err.key_not_in_url(str(data["id"]))
    attributes = data.get("attributes") or {}
    relationships = data.get("relationships") or {}
    if not isinstance(attributes, dict) or not isinstance(relationships, dict):
        raise err.ApiError.one(400, "Invalid data format", "Data must be a hash.", "122")
    return attributes, relationships


def _only(section: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in section:
        if key not in allowed:
            raise err.param_not_allowed(key)


def _linkage(relationships: Mapping[str, Any], name: str, type_: str) -> tuple[bool, str | None]:
    """``(given, id)`` for a to-one relationship in a request (``id`` None: cleared)."""
    if name not in relationships:
        return False, None
    rel = relationships[name]
    if not isinstance(rel, dict) or "data" not in rel:
        raise err.ApiError.one(400, "Invalid Links Object", "Data is not a valid Links Object.", "115")
    data = rel["data"]
    if data is None:
        return True, None
    if not isinstance(data, dict) or "id" not in data or "type" not in data:
        raise err.ApiError.one(400, "Invalid Links Object", "Data is not a valid Links Object.", "115")
    if data["type"] != type_:
        raise err.type_mismatch(data["type"])
    return True, str(data["id"])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_attr(
    attrs: Mapping[str, Any], name: str, *, nullable: bool, minimum: int = 0, maximum: int | None = None,
    pointer: str | None = None,
) -> int | None:
    value = attrs[name]
    if value is None and nullable:
        return None
    if not _is_int(value):
        raise err.invalid(name, "is not a number", pointer=pointer)
    if value < minimum:
        raise err.invalid(name, f"must be greater than or equal to {minimum}", pointer=pointer)
    if maximum is not None and value > maximum:
        raise err.invalid(name, f"must be less than or equal to {maximum}", pointer=pointer)
    return int(value)


def _str_attr(attrs: Mapping[str, Any], name: str, *, nullable: bool, pointer: str | None = None) -> str | None:
    value = attrs[name]
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise err.invalid(name, "is invalid", pointer=pointer)
    return value


def _bool_attr(attrs: Mapping[str, Any], name: str) -> bool:
    value = attrs[name]
    if not isinstance(value, bool):
        raise err.invalid(name, "is invalid")
    return value


# -- the plumbing ------------------------------------------------------------------------------


class ApiBase:
    """The emulator's host and world, and how handlers answer; the resource mixins build on it."""

    def __init__(self, host: Host) -> None:
        self.host = host

    @property
    def world(self) -> World:
        return self.host.world

    def _guard(self, fn: Callable[..., EmulatorResponse]) -> Callable[..., EmulatorResponse]:
        def handler(request: EmulatorRequest, **params: str) -> EmulatorResponse:
            try:
                self.world.expire_reservations()
                return fn(request, **params)
            except ApiError as exc:
                return respond(exc.document(), exc.status)
            except BadRequestBody as exc:
                return respond(err.bad_request(str(exc)).document(), 400)

        handler.__name__ = getattr(fn, "__name__", "handler")
        return handler

    @property
    def new(self) -> bool:
        """Whether the request is served as 2026-11-19 (or later)."""
        return self.host.served_version >= NEW_VERSION

    def renderer(self, request: EmulatorRequest) -> Renderer:
        return Renderer(self.host.registry, base_url(request), self.host.served_version)

    def query(self, request: EmulatorRequest, root: str, **kwargs: Any) -> Query:
        if self.new and root not in ("cities", "areas"):  # 2026-11-19: max 100, but 1000 on cities and areas
            kwargs.setdefault("page_size_max", NEW_PAGE_SIZE_MAX)
        return parse_query(request, self.host.registry, root, **kwargs)

    def only_before_new(self) -> None:
        """Endpoints 2026-11-19 removed (``/did_group_types``) are unknown routes there."""
        if self.new:
            raise err.http_error(404, "Not found")

    def only_new(self) -> None:
        """Endpoints 2026-11-19 added (``/sms_trunks`` ...) are unknown routes before it."""
        if not self.new:
            raise err.http_error(404, "Not found")

    def show(self, request: EmulatorRequest, type_: str, obj: Any, includes: tuple[str, ...] = (),
             status: int = 200, meta: Mapping[str, Any] | None = None) -> EmulatorResponse:
        query = self.query(request, type_, includes=includes)
        return respond(self.renderer(request).document(type_, obj, query, meta=meta), status)

    def listing(
        self, request: EmulatorRequest, type_: str, objects: list[Any], *,
        filters: Mapping[str, FilterSpec], includes: tuple[str, ...] = (),
        sorts: Mapping[str, Callable[[Any], Any]] | None = None, paginated: bool = True,
        before: Callable[[list[Any], Query], None] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> EmulatorResponse:
        sorts = sorts or {}
        query = self.query(request, type_, filters=filters.keys(), includes=includes, sorts=sorts.keys(),
                           paginated=paginated)
        if before is not None:
            before(objects, query)
        found = apply_sort(apply_filters(objects, query, filters), query.sort, sorts)
        renderer = self.renderer(request)
        if paginated:
            return respond(renderer.page(type_, found, query, request, f"/{type_}", meta=meta))
        return respond(renderer.document(type_, found, query, meta=meta))


def respond(document: Mapping[str, Any], status: int = 200) -> EmulatorResponse:
    return EmulatorResponse.json(dict(document), status, content_type=MEDIA_TYPE)


def base_url(request: EmulatorRequest) -> str:
    """Where links point: the host the request was sent to, under ``/v3``."""
    host = request.headers.get("host") or "api.didww.com"
    local = host.startswith(("127.", "localhost", "[::1]", "0.0.0.0"))  # noqa: S104
    return f"{'http' if local else 'https'}://{host}/v3"
