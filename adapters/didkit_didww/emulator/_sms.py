"""``sms_trunks`` and ``sms_trunk_groups`` (API 2026-11-19), as DIDWW's 2026-11-19 pages
describe them (sms-trunk-object, create/update/delete-sms-trunk, sms-trunk-group-object).

A DID routes inbound SMS to one SMS trunk or one SMS trunk group (``PATCH /dids/{id}``, in
``_routes_dids``); names are unique across trunks and groups; only inbound-capable trunks join a
group, and a trunk belongs to at most one; a trunk or group that DIDs route to cannot be
deleted (422). Priority: higher values are tried first (the docs; the draft spec says the
opposite, and the docs win).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from didkit.sandbox import EmulatorRequest, EmulatorResponse, Route

from . import _errors as err
from ._routes import DidwwApi
from ._routes_common import FilterSpec, _int_attr, _linkage, _only, _resource_data, _str_attr, f_eq
from ._world import SmsTrunk, SmsTrunkGroup, lookup

CONFIG_TYPES = ("sms_to_email", "http_in", "http_out", "smpp_esme", "smpp_smsc")
INBOUND_TYPES = ("sms_to_email", "http_in", "smpp_esme", "smpp_smsc")
BODY_TYPES = ("json", "html_multipart", "html_url_encoded", "raw")
HTTP_IN_FIELDS = (
    "url", "http_method", "query_parameters", "headers", "body_type", "body", "follow_redirect",
    "validate_https_certificate",
)  # fmt: skip
HTTP_IN_DEFAULTS: dict[str, Any] = {
    "query_parameters": None, "headers": None, "body_type": None, "body": None, "follow_redirect": False,
    "validate_https_certificate": True,
}  # fmt: skip
POINTER = "/data/attributes/configuration"


class SmsApi:
    """The SMS trunk endpoints, over the same world and renderer as the rest of the API."""

    def __init__(self, api: DidwwApi) -> None:
        self.api = api

    def routes(self) -> list[Route]:
        table: list[tuple[str, str, Callable[..., EmulatorResponse], str]] = [
            ("GET", "/sms_trunks", self.trunks, "sms_trunks.list"),
            ("POST", "/sms_trunks", self.create_trunk, "sms_trunks.create"),
            ("GET", "/sms_trunks/{id}", self.trunk, "sms_trunks.get"),
            ("PATCH", "/sms_trunks/{id}", self.update_trunk, "sms_trunks.update"),
            ("DELETE", "/sms_trunks/{id}", self.delete_trunk, "sms_trunks.delete"),
            ("GET", "/sms_trunk_groups", self.groups, "sms_trunk_groups.list"),
            ("POST", "/sms_trunk_groups", self.create_group, "sms_trunk_groups.create"),
            ("GET", "/sms_trunk_groups/{id}", self.group, "sms_trunk_groups.get"),
            ("PATCH", "/sms_trunk_groups/{id}", self.update_group, "sms_trunk_groups.update"),
            ("DELETE", "/sms_trunk_groups/{id}", self.delete_group, "sms_trunk_groups.delete"),
        ]
        return [Route(method, pattern, self._guard(fn), name=name) for method, pattern, fn, name in table]

    def _guard(self, fn: Callable[..., EmulatorResponse]) -> Callable[..., EmulatorResponse]:
        def only_new(request: EmulatorRequest, **params: str) -> EmulatorResponse:
            self.api.only_new()
            return fn(request, **params)

        return self.api._guard(only_new)

    @property
    def world(self) -> Any:
        return self.api.world

    def _name_taken(self, name: str, current: object) -> bool:
        w = self.world
        return any(t.name == name for t in w.sms_trunks.values() if t is not current) or any(
            g.name == name for g in w.sms_trunk_groups.values() if g is not current
        )

    def _name(self, attributes: Mapping[str, Any], current: object) -> str:
        name = _str_attr(attributes, "name", nullable=True)
        if not name:
            raise err.invalid("name", "can't be blank")
        if self._name_taken(name, current):
            raise err.invalid("name", "has already been taken")
        return name

    # -- trunks

    _TRUNK_INCLUDES = ("outgoing_dids", "incoming_dids", "sms_trunk_group")

    def trunks(self, request: EmulatorRequest) -> EmulatorResponse:
        filters: dict[str, FilterSpec] = {
            "id": f_eq(lambda t: t.id),
            "name": f_eq(lambda t: t.name),
            "external_reference_id": f_eq(lambda t: t.external_reference_id),
            "configuration.type": f_eq(lambda t: t.config_type),
        }
        return self.api.listing(
            request, "sms_trunks", list(self.world.sms_trunks.values()), filters=filters,
            includes=self._TRUNK_INCLUDES,
            sorts={name: attrgetter(name) for name in (
                "name", "external_reference_id", "blocked", "priority", "allow_in", "allow_out", "created_at",
                "updated_at")},
        )  # fmt: skip

    def trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.api.show(request, "sms_trunks", lookup(self.world.sms_trunks, id), self._TRUNK_INCLUDES)

    def _http_in(self, given: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
        _only(given, HTTP_IN_FIELDS)
        config = {**HTTP_IN_DEFAULTS, **(current or {}), **given}
        url = config.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise err.invalid("url", "is invalid" if url else "can't be blank", pointer=f"{POINTER}/url")
        method = config.get("http_method")
        if method not in ("get", "post", "put"):
            raise err.invalid("http_method", "is not included in the list", pointer=f"{POINTER}/http_method")
        for key in ("query_parameters", "headers"):
            if config[key] is not None and not isinstance(config[key], dict):
                raise err.invalid(key, "is invalid", pointer=f"{POINTER}/{key}")
        for key in ("follow_redirect", "validate_https_certificate"):
            if not isinstance(config[key], bool):
                raise err.invalid(key, "is invalid", pointer=f"{POINTER}/{key}")
        if method == "get":
            for key in ("body_type", "body"):
                if config[key] is not None:
                    raise err.invalid(key, "must be blank", pointer=f"{POINTER}/{key}")
        else:
            if config["body_type"] not in BODY_TYPES:
                raise err.invalid("body_type", "is not included in the list", pointer=f"{POINTER}/body_type")
            body = config["body"]
            form = config["body_type"] in ("html_multipart", "html_url_encoded")
            if body is None or (form and not isinstance(body, dict)) or (not form and not isinstance(body, str)):
                raise err.invalid("body", "is invalid" if body is not None else "can't be blank",
                                  pointer=f"{POINTER}/body")
        return config

    def _configuration(self, raw: Any, current: SmsTrunk | None) -> tuple[str, dict[str, Any]]:
        if not isinstance(raw, dict) or raw.get("type") not in CONFIG_TYPES:
            raise err.invalid_field_value("configuration", raw.get("type") if isinstance(raw, dict) else raw)
        type_ = raw["type"]
        given = raw.get("attributes") or {}
        if not isinstance(given, dict):
            raise err.invalid_field_value("configuration", given)
        if current is not None and current.config_type != type_:
            raise err.invalid("configuration", "type can't be changed", pointer=POINTER)
        if type_ == "http_in":
            return type_, self._http_in(given, current.config if current else None)
        return type_, {**(current.config if current else {}), **given}

    def _trunk_changes(
        self, attributes: Mapping[str, Any], relationships: Mapping[str, Any], current: SmsTrunk | None
    ) -> dict[str, Any]:
        _only(attributes, ("name", "external_reference_id", "blocked", "priority", "allow_any_did_as_source",
                           "configuration"))
        _only(relationships, ("outgoing_dids", "sms_trunk_group"))
        changes: dict[str, Any] = {}
        if "name" in attributes:
            changes["name"] = self._name(attributes, current)
        if "external_reference_id" in attributes:
            ref = _str_attr(attributes, "external_reference_id", nullable=True)
            if ref is not None and len(ref) > 100:
                raise err.invalid("external_reference_id", "is too long (maximum is 100 characters)")
            changes["external_reference_id"] = ref
        if "blocked" in attributes:
            if not isinstance(attributes["blocked"], bool):
                raise err.invalid("blocked", "is invalid")
            changes["blocked"] = attributes["blocked"]
        if "configuration" in attributes:
            changes["config_type"], changes["config"] = self._configuration(attributes["configuration"], current)
        type_ = changes.get("config_type") or (current.config_type if current else None)
        if "priority" in attributes:
            if type_ == "http_out" and attributes["priority"] is not None:
                raise err.invalid("priority", "must be blank")
            changes["priority"] = _int_attr(attributes, "priority", nullable=type_ == "http_out", maximum=32767)
        elif current is None:
            changes["priority"] = None if type_ == "http_out" else 100
        if "allow_any_did_as_source" in attributes:
            if type_ not in ("http_out", "smpp_esme", "smpp_smsc") and attributes["allow_any_did_as_source"]:
                raise err.invalid("allow_any_did_as_source", "is not allowed for this configuration type")
            changes["allow_any_did_as_source"] = bool(attributes["allow_any_did_as_source"])
        given, group_id = _linkage(relationships, "sms_trunk_group", "sms_trunk_groups")
        if given:
            if group_id is not None and group_id not in self.world.sms_trunk_groups:
                raise err.invalid("sms_trunk_group", "is invalid", pointer="/data/relationships/sms_trunk_group")
            if group_id is not None and type_ not in INBOUND_TYPES:
                raise err.invalid("sms_trunk_group", "only inbound trunks can join a group",
                                  pointer="/data/relationships/sms_trunk_group")
            changes["group_id"] = group_id
        return changes

    def create_trunk(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "sms_trunks")
        if "configuration" not in attributes:
            raise err.param_missing("configuration")
        if "name" not in attributes:
            raise err.invalid("name", "can't be blank")
        changes = self._trunk_changes(attributes, relationships, None)
        now = w.clock()
        trunk = SmsTrunk(id=w.new_id(), name=changes.pop("name"), created_at=now, updated_at=now,
                         config_type=changes.pop("config_type"), config=changes.pop("config"))
        for key, value in changes.items():
            setattr(trunk, key, value)
        w.sms_trunks[trunk.id] = trunk
        return self.api.show(request, "sms_trunks", trunk, self._TRUNK_INCLUDES, status=201)

    def update_trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        trunk = lookup(self.world.sms_trunks, id)
        attributes, relationships = _resource_data(request, "sms_trunks", ident=id)
        for key, value in self._trunk_changes(attributes, relationships, trunk).items():
            setattr(trunk, key, value)
        trunk.updated_at = self.world.clock()
        return self.api.show(request, "sms_trunks", trunk, self._TRUNK_INCLUDES)

    def delete_trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        lookup(w.sms_trunks, id)
        if any(d.sms_trunk_id == id for d in w.dids.values()):
            raise err.invalid("base", "SMS trunk is used by DIDs for inbound messages", pointer="/data")
        del w.sms_trunks[id]
        return EmulatorResponse.empty(204)

    # -- groups

    _GROUP_INCLUDES = ("sms_trunks", "incoming_dids")

    def groups(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.api.listing(
            request, "sms_trunk_groups", list(self.world.sms_trunk_groups.values()),
            filters={"id": f_eq(lambda g: g.id), "name": f_eq(lambda g: g.name),
                     "external_reference_id": f_eq(lambda g: g.external_reference_id)},
            includes=self._GROUP_INCLUDES,
            sorts={name: attrgetter(name) for name in ("name", "external_reference_id", "created_at", "updated_at")},
        )  # fmt: skip

    def group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.api.show(request, "sms_trunk_groups", lookup(self.world.sms_trunk_groups, id),
                             self._GROUP_INCLUDES)

    def _group_changes(
        self, attributes: Mapping[str, Any], relationships: Mapping[str, Any], current: SmsTrunkGroup | None
    ) -> tuple[dict[str, Any], list[str] | None]:
        w = self.world
        _only(attributes, ("name", "external_reference_id"))
        _only(relationships, ("sms_trunks",))
        changes: dict[str, Any] = {}
        if "name" in attributes:
            changes["name"] = self._name(attributes, current)
        if "external_reference_id" in attributes:
            changes["external_reference_id"] = _str_attr(attributes, "external_reference_id", nullable=True)
        members: list[str] | None = None
        if "sms_trunks" in relationships:
            rel = relationships["sms_trunks"]
            data = rel.get("data") if isinstance(rel, dict) else None
            if not isinstance(data, list):
                raise err.ApiError.one(400, "Invalid Links Object", "Data is not a valid Links Object.", "115")
            members = []
            pointer = "/data/relationships/sms_trunks"
            for entry in data:
                if not isinstance(entry, dict) or entry.get("type") != "sms_trunks":
                    raise err.type_mismatch(entry.get("type") if isinstance(entry, dict) else entry)
                trunk = w.sms_trunks.get(str(entry.get("id")))
                if trunk is None:
                    raise err.invalid("sms_trunks", "is invalid", pointer=pointer)
                if trunk.config_type not in INBOUND_TYPES:
                    raise err.invalid("sms_trunks", "only inbound trunks can join a group", pointer=pointer)
                if trunk.id in members:
                    raise err.invalid("sms_trunks", "has duplicates", pointer=pointer)
                members.append(trunk.id)
        return changes, members

    def _set_members(self, group: SmsTrunkGroup, members: list[str] | None) -> None:
        if members is None:
            return  # sending the relationship replaces every member; not sending it keeps them
        for trunk in self.world.sms_trunks.values():
            if trunk.id in members:
                trunk.group_id = group.id
            elif trunk.group_id == group.id:
                trunk.group_id = None

    def create_group(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "sms_trunk_groups")
        if "name" not in attributes:
            raise err.invalid("name", "can't be blank")
        changes, members = self._group_changes(attributes, relationships, None)
        now = w.clock()
        group = SmsTrunkGroup(id=w.new_id(), name=changes.pop("name"), created_at=now, updated_at=now)
        for key, value in changes.items():
            setattr(group, key, value)
        w.sms_trunk_groups[group.id] = group
        self._set_members(group, members)
        return self.api.show(request, "sms_trunk_groups", group, self._GROUP_INCLUDES, status=201)

    def update_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        group = lookup(self.world.sms_trunk_groups, id)
        attributes, relationships = _resource_data(request, "sms_trunk_groups", ident=id)
        changes, members = self._group_changes(attributes, relationships, group)
        for key, value in changes.items():
            setattr(group, key, value)
        self._set_members(group, members)
        group.updated_at = self.world.clock()
        return self.api.show(request, "sms_trunk_groups", group, self._GROUP_INCLUDES)

    def delete_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        lookup(w.sms_trunk_groups, id)
        if any(d.sms_trunk_group_id == id for d in w.dids.values()):
            raise err.invalid("base", "SMS trunk group is used by DIDs for inbound messages", pointer="/data")
        del w.sms_trunk_groups[id]
        for trunk in w.sms_trunks.values():
            if trunk.group_id == id:
                trunk.group_id = None
        return EmulatorResponse.empty(204)
