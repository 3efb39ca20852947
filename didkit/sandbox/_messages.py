"""The request and response values an emulator sees: no HTTP library types leak into worlds."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs


class BadRequestBody(Exception):
    """The request body is not the JSON document the route expects."""


@attrs.frozen
class EmulatorRequest:
    """One HTTP request as an emulator's route handler receives it."""

    method: str
    path: str
    query: dict[str, list[str]] = attrs.field(factory=dict)
    headers: dict[str, str] = attrs.field(factory=dict)
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of query parameter ``name``, as sent."""
        return list(self.query.get(name, ()))

    def json(self) -> Any:
        """The body decoded as JSON; :class:`BadRequestBody` when it is empty or not JSON."""
        if not self.body:
            raise BadRequestBody("empty request body")
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise BadRequestBody(f"request body is not JSON: {exc}") from exc


@attrs.define
class EmulatorResponse:
    """What a route handler answers."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = attrs.field(factory=dict)

    @classmethod
    def json(
        cls,
        obj: Any,
        status: int = 200,
        *,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ) -> EmulatorResponse:
        """A JSON response."""
        merged = {"content-type": content_type}
        if headers:
            merged.update({k.lower(): v for k, v in headers.items()})
        return cls(status=status, body=json.dumps(obj, separators=(",", ":")).encode(), headers=merged)

    @classmethod
    def empty(cls, status: int = 204) -> EmulatorResponse:
        """A response without a body."""
        return cls(status=status)
