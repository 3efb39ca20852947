"""Response validation against JSON Schemas: compiled once, errors name the offending field.

A malformed payload becomes :class:`~didkit.ResponseFormatError` (``field`` like
``"items[3].number"``), never a ``KeyError`` or a silently wrong value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cached_property
from importlib import resources
from typing import Any

from .errors import ResponseFormatError


def field_path(path: Any) -> str:
    """``["items", 3, "number"]`` → ``"items[3].number"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


class SchemaValidator:
    """One compiled JSON Schema (Draft 2020-12). Compilation happens on first use."""

    def __init__(self, schema: Mapping[str, Any], *, name: str = "response") -> None:
        self.schema = schema
        self.name = name

    @cached_property
    def _validator(self) -> Any:
        from jsonschema import Draft202012Validator

        # Schemas are checked once in the test suite, not on every start (that costs ~0.3 s each).
        return Draft202012Validator(self.schema)

    def validate(
        self, instance: Any, *, provider: str, status_code: int | None = None, request_id: str | None = None
    ) -> None:
        """Raise :class:`ResponseFormatError` naming the first offending field."""
        validator = self._validator
        if validator.is_valid(instance):
            return
        from jsonschema.exceptions import best_match

        error = best_match(validator.iter_errors(instance))
        assert error is not None
        field = field_path(error.absolute_path)
        raise ResponseFormatError(
            f"{self.name}: field {field!r} is invalid: {_short(error.message)}",
            provider=provider,
            status_code=status_code,
            request_id=request_id,
            field=field,
        )


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


class SchemaSet:
    """Schemas shipped as JSON files inside a package (``<package>/schemas/<name>.json``),
    loaded and compiled lazily, once per process."""

    def __init__(self, package: str, directory: str = "schemas") -> None:
        self.package = package
        self.directory = directory
        self._cache: dict[str, SchemaValidator] = {}

    def __getitem__(self, name: str) -> SchemaValidator:
        found = self._cache.get(name)
        if found is None:
            text = resources.files(self.package).joinpath(self.directory).joinpath(f"{name}.json").read_text("utf-8")
            found = self._cache[name] = SchemaValidator(json.loads(text), name=name)
        return found

    def names(self) -> list[str]:
        folder = resources.files(self.package).joinpath(self.directory)
        return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))
