"""``/voice_in_trunks`` (SIP or PSTN configurations) and ``/voice_in_trunk_groups``."""

from __future__ import annotations

import string
from collections.abc import Mapping
from operator import attrgetter
from typing import Any

from didkit.sandbox import EmulatorRequest, EmulatorResponse

from . import _errors as err
from ._routes_common import ApiBase, RouteEntry, _int_attr, _is_int, _linkage, _only, _resource_data, _str_attr, f_eq
from ._world import SIP_DEFAULTS, Trunk, TrunkGroup, lookup

_SIP_KINDS: dict[str, str | tuple[str, ...]] = {
    "username": "str?", "host": "str?", "port": "int?", "codec_ids": "int[]",
    "rx_dtmf_format_id": "int?", "tx_dtmf_format_id": "int?", "resolve_ruri": "bool",
    "auth_enabled": "bool", "auth_user": "str?", "auth_password": "str?", "auth_from_user": "str?",
    "auth_from_domain": "str?", "sst_enabled": "bool", "sst_min_timer": "int?", "sst_max_timer": "int?",
    "sst_accept_501": "bool", "sip_timer_b": "int?", "dns_srv_failover_timer": "int?", "rtp_ping": "bool?",
    "rtp_timeout": "int?", "force_symmetric_rtp": "bool?", "symmetric_rtp_ignore_rtcp": "bool?",
    "rerouting_disconnect_code_ids": "int[]?", "sst_session_expires": "int?", "sst_refresh_method_id": "int",
    "transport_protocol_id": ("1", "2", "3"), "max_transfers": "int", "max_30x_redirects": "int",
    "media_encryption_mode": ("disabled", "srtp_sdes", "srtp_dtls", "zrtp"),
    "stir_shaken_mode": ("disabled", "original", "pai", "original_pai", "verstat"),
    "allowed_rtp_ips": "str[]?",
    "network_protocol_priority": ("force_ipv4", "force_ipv6", "any", "prefer_ipv4", "prefer_ipv6"),
    "enabled_sip_registration": "bool", "use_did_in_ruri": "bool",
    "diversion_relay_policy": ("none", "as_is", "sip", "tel"),
    "diversion_inject_mode": ("none", "did_number"), "cnam_lookup": "bool",
}


def _kind_ok(kind: str | tuple[str, ...], value: Any) -> bool:
    if isinstance(kind, tuple):
        return str(value) in kind and (isinstance(value, str) or _is_int(value))
    if kind.endswith("?"):
        if value is None:
            return True
        kind = kind[:-1]
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return _is_int(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int[]":
        return isinstance(value, list) and all(_is_int(v) for v in value)
    if kind == "str[]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return False  # pragma: no cover


class VoiceInRoutes(ApiBase):
    """The voice-in trunk and trunk group endpoints."""

    def voice_in_routes(self) -> list[RouteEntry]:
        """``/voice_in_trunks``, ``/voice_in_trunk_groups``."""
        return [
            ("GET", "/voice_in_trunks", self.trunks, "voice_in_trunks.list"),
            ("POST", "/voice_in_trunks", self.create_trunk, "voice_in_trunks.create"),
            ("GET", "/voice_in_trunks/{id}", self.trunk, "voice_in_trunks.get"),
            ("PATCH", "/voice_in_trunks/{id}", self.update_trunk, "voice_in_trunks.update"),
            ("DELETE", "/voice_in_trunks/{id}", self.delete_trunk, "voice_in_trunks.delete"),
            ("GET", "/voice_in_trunk_groups", self.trunk_groups, "voice_in_trunk_groups.list"),
            ("POST", "/voice_in_trunk_groups", self.create_trunk_group, "voice_in_trunk_groups.create"),
            ("GET", "/voice_in_trunk_groups/{id}", self.trunk_group, "voice_in_trunk_groups.get"),
            ("PATCH", "/voice_in_trunk_groups/{id}", self.update_trunk_group, "voice_in_trunk_groups.update"),
            ("DELETE", "/voice_in_trunk_groups/{id}", self.delete_trunk_group, "voice_in_trunk_groups.delete"),
        ]

    def trunks(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.listing(
            request, "voice_in_trunks", list(self.world.trunks.values()),
            filters={
                "configuration.type": f_eq(lambda t: t.config_type),
                "external_reference_id": f_eq(lambda t: t.external_reference_id),
                "id": f_eq(lambda t: t.id), "name": f_eq(lambda t: t.name),
            },
            includes=("voice_in_trunk_group", "pop"),
            sorts={name: attrgetter(name) for name in (
                "capacity_limit", "cli_format", "cli_prefix", "created_at", "description",
                "external_reference_id", "name", "priority", "ringing_timeout", "weight")},
        )

    def trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "voice_in_trunks", lookup(self.world.trunks, id), ("voice_in_trunk_group", "pop"))

    def _configuration(self, raw: Any, current: Trunk | None) -> tuple[str, dict[str, Any]]:
        pointer = "/data/attributes/configuration"
        if not isinstance(raw, dict) or "type" not in raw:
            raise err.invalid_field_value("configuration", raw)
        type_ = raw["type"]
        given = raw.get("attributes") or {}
        if type_ not in ("sip_configurations", "pstn_configurations") or not isinstance(given, dict):
            raise err.invalid_field_value("configuration", type_)
        if current is not None and current.config_type != type_:
            raise err.invalid("configuration", "type can't be changed", pointer=pointer)
        if type_ == "pstn_configurations":
            _only(given, ("dst",))
            dst = given.get("dst")
            if not dst:
                raise err.invalid("dst", "can't be blank", pointer=f"{pointer}/dst")
            if not isinstance(dst, str) or not dst.isdigit() or not 5 <= len(dst) <= 15:
                raise err.invalid("dst", "is invalid", pointer=f"{pointer}/dst")
            return type_, {"dst": dst}
        _only(given, tuple(_SIP_KINDS))
        for key, value in given.items():
            if not _kind_ok(_SIP_KINDS[key], value):
                raise err.invalid(key, "is invalid", pointer=f"{pointer}/{key}")
        config = {**SIP_DEFAULTS, **given}
        if config["enabled_sip_registration"]:
            if config["port"] is not None:
                raise err.invalid("port", "must be blank", pointer=f"{pointer}/port")
            if current is not None and current.config.get("incoming_auth_username"):
                config["incoming_auth_username"] = current.config["incoming_auth_username"]
                config["incoming_auth_password"] = current.config["incoming_auth_password"]
            else:
                rng = self.world.rng
                config["incoming_auth_username"] = "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
                config["incoming_auth_password"] = "".join(
                    rng.choice(string.ascii_letters + string.digits) for _ in range(16))
        else:
            if not config["host"]:
                raise err.invalid("host", "can't be blank", pointer=f"{pointer}/host")
            if config["use_did_in_ruri"]:
                raise err.invalid("use_did_in_ruri", "requires enabled_sip_registration",
                                  pointer=f"{pointer}/use_did_in_ruri")
            config["incoming_auth_username"] = None
            config["incoming_auth_password"] = None
        if config["port"] is not None and not 1 <= config["port"] <= 65535:
            raise err.invalid("port", "is invalid", pointer=f"{pointer}/port")
        return type_, config

    _TRUNK_ATTRIBUTES = ("name", "description", "external_reference_id", "priority", "weight", "capacity_limit",
                         "cli_format", "cli_prefix", "ringing_timeout", "configuration")

    def _trunk_changes(self, attributes: Mapping[str, Any], relationships: Mapping[str, Any],
                       current: Trunk | None) -> dict[str, Any]:
        w = self.world
        _only(attributes, self._TRUNK_ATTRIBUTES)
        _only(relationships, ("voice_in_trunk_group", "pop"))
        changes: dict[str, Any] = {}
        if "name" in attributes:
            name = _str_attr(attributes, "name", nullable=True)
            if not name:
                raise err.invalid("name", "can't be blank")
            if any(t.name == name for t in w.trunks.values() if t is not current):
                raise err.invalid("name", "has already been taken")
            changes["name"] = name
        for key in ("description", "external_reference_id", "cli_format", "cli_prefix"):
            if key in attributes:
                changes[key] = _str_attr(attributes, key, nullable=True)
        for key, nullable, maximum in (("priority", False, None), ("weight", False, 65535),
                                       ("capacity_limit", True, None), ("ringing_timeout", True, 300)):
            if key in attributes:
                changes[key] = _int_attr(attributes, key, nullable=nullable, maximum=maximum)
        if "configuration" in attributes:
            changes["config_type"], changes["config"] = self._configuration(attributes["configuration"], current)
        given, group_id = _linkage(relationships, "voice_in_trunk_group", "voice_in_trunk_groups")
        if given:
            if group_id is not None and group_id not in w.trunk_groups:
                raise err.invalid("voice_in_trunk_group", "is invalid",
                                  pointer="/data/attributes/voice_in_trunk_group_id")
            changes["group_id"] = group_id
        given, pop_id = _linkage(relationships, "pop", "pops")
        if given and pop_id is not None:
            raise err.invalid("pop", "is invalid", pointer="/data/attributes/pop_id")
        return changes

    def create_trunk(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "voice_in_trunks")
        if "configuration" not in attributes:
            raise err.param_missing("configuration")
        if "name" not in attributes:
            raise err.invalid("name", "can't be blank")
        changes = self._trunk_changes(attributes, relationships, None)
        trunk = Trunk(id=w.new_id(), name=changes.pop("name"), created_at=w.clock(),
                      config_type=changes.pop("config_type"), config=changes.pop("config"))
        for key, value in changes.items():
            setattr(trunk, key, value)
        w.trunks[trunk.id] = trunk
        return self.show(request, "voice_in_trunks", trunk, ("voice_in_trunk_group", "pop"), status=201)

    def update_trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        trunk = lookup(self.world.trunks, id)
        attributes, relationships = _resource_data(request, "voice_in_trunks", ident=id)
        for key, value in self._trunk_changes(attributes, relationships, trunk).items():
            setattr(trunk, key, value)
        return self.show(request, "voice_in_trunks", trunk, ("voice_in_trunk_group", "pop"))

    def delete_trunk(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        lookup(w.trunks, id)
        del w.trunks[id]
        for did in w.dids.values():
            if did.trunk_id == id:
                did.trunk_id = None
        return EmulatorResponse.empty(204)

    # -- voice-in trunk groups

    def trunk_groups(self, request: EmulatorRequest) -> EmulatorResponse:
        return self.listing(
            request, "voice_in_trunk_groups", list(self.world.trunk_groups.values()),
            filters={"external_reference_id": f_eq(lambda g: g.external_reference_id), "id": f_eq(lambda g: g.id)},
            includes=("voice_in_trunks",),
            sorts={name: attrgetter(name) for name in (
                "capacity_limit", "created_at", "external_reference_id", "name")},
        )

    def trunk_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        return self.show(request, "voice_in_trunk_groups", lookup(self.world.trunk_groups, id),
                         ("voice_in_trunks",))

    def _group_changes(self, attributes: Mapping[str, Any], relationships: Mapping[str, Any],
                       current: TrunkGroup | None) -> tuple[dict[str, Any], list[str] | None]:
        w = self.world
        _only(attributes, ("name", "capacity_limit", "external_reference_id"))
        _only(relationships, ("voice_in_trunks",))
        changes: dict[str, Any] = {}
        if "name" in attributes:
            name = _str_attr(attributes, "name", nullable=True)
            if not name:
                raise err.invalid("name", "can't be blank")
            if any(g.name == name for g in w.trunk_groups.values() if g is not current):
                raise err.invalid("name", "has already been taken")
            changes["name"] = name
        if "capacity_limit" in attributes:
            changes["capacity_limit"] = _int_attr(attributes, "capacity_limit", nullable=True)
        if "external_reference_id" in attributes:
            changes["external_reference_id"] = _str_attr(attributes, "external_reference_id", nullable=True)
        members: list[str] | None = None
        if "voice_in_trunks" in relationships:
            rel = relationships["voice_in_trunks"]
            data = rel.get("data") if isinstance(rel, dict) else None
            if not isinstance(data, list):
                raise err.ApiError.one(400, "Invalid Links Object", "Data is not a valid Links Object.", "115")
            members = []
            for entry in data:
                if not isinstance(entry, dict) or entry.get("type") != "voice_in_trunks":
                    raise err.type_mismatch(entry.get("type") if isinstance(entry, dict) else entry)
                if entry.get("id") not in w.trunks:
                    raise err.invalid("voice_in_trunks", "is invalid", pointer="/data/relationships/voice_in_trunks")
                members.append(str(entry["id"]))
        return changes, members

    def _set_members(self, group: TrunkGroup, members: list[str] | None) -> None:
        if members is None:
            return
        for trunk in self.world.trunks.values():
            if trunk.id in members:
                trunk.group_id = group.id
            elif trunk.group_id == group.id:
                trunk.group_id = None

    def create_trunk_group(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "voice_in_trunk_groups")
        if "name" not in attributes:
            raise err.invalid("name", "can't be blank")
        changes, members = self._group_changes(attributes, relationships, None)
        group = TrunkGroup(id=w.new_id(), name=changes.pop("name"), created_at=w.clock())
        for key, value in changes.items():
            setattr(group, key, value)
        w.trunk_groups[group.id] = group
        self._set_members(group, members)
        return self.show(request, "voice_in_trunk_groups", group, ("voice_in_trunks",), status=201)

    def update_trunk_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        group = lookup(self.world.trunk_groups, id)
        attributes, relationships = _resource_data(request, "voice_in_trunk_groups", ident=id)
        changes, members = self._group_changes(attributes, relationships, group)
        for key, value in changes.items():
            setattr(group, key, value)
        self._set_members(group, members)
        return self.show(request, "voice_in_trunk_groups", group, ("voice_in_trunks",))

    def delete_trunk_group(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        lookup(w.trunk_groups, id)
        del w.trunk_groups[id]
        for trunk in w.trunks.values():
            if trunk.group_id == id:
                trunk.group_id = None
        for did in w.dids.values():
            if did.trunk_group_id == id:
                did.trunk_group_id = None
        return EmulatorResponse.empty(204)
