"""Response validation against JSON Schemas: compiled once, errors name the offending field.

A malformed payload becomes :class:`~didkit.ResponseFormatError` (``field`` like
``"items[3].number"``), never a ``KeyError`` or a silently wrong value.

Two validators, one verdict. Python's ``jsonschema`` is the reference: it decides what is
invalid and builds the error (its ``best_match``), so messages never depend on which path ran.
In front of it sits ``jsonschema-rs`` (Rust, Draft 2020-12), which answers "valid" about a
hundred times faster. Its "valid" is trusted only for schemas built from keywords on which it is
known to be at least as strict as ``jsonschema`` (see :func:`fast_path_is_exact`); for any other
schema, for an instance it cannot take, and whenever it says "invalid", the reference decides.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
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


# Keywords whose verdict under jsonschema-rs is never more lenient than under jsonschema, whatever
# the (decoded JSON) instance. The known divergences all make the Rust side stricter: NaN and
# ±Infinity (which Python's json module decodes) fail every "type" there; "$" in a pattern does
# not match before a trailing newline; "\s" knows fewer characters. Stricter only costs a second
# look by the reference, so these keywords may combine freely.
_MONOTONE = frozenset(
    {
        "type", "properties", "required", "items", "prefixItems", "allOf", "anyOf", "$ref", "$defs",
        "const", "enum", "pattern", "minLength", "maxLength", "minItems", "maxItems", "minProperties",
        "maxProperties", "additionalProperties",
    }
)  # fmt: skip
# Numeric bounds pass a non-finite number under jsonschema-rs where jsonschema may fail it
# (``-Infinity`` against ``minimum``): safe only next to a "type", which fails it first, and only
# with bounds both sides compare exactly (integers a float holds exactly). ``multipleOf`` is
# computed differently (0.07 is a multiple of 0.01 in Rust, not in Python): only 1 is safe.
_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_EXACT_FLOAT_INT = 2**53
# Annotations: no effect on validity (formats are annotations in 2020-12 unless asserted, and
# neither validator asserts them here).
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$anchor", "title", "description", "default", "examples", "format",
     "deprecated", "readOnly", "writeOnly"}
)  # fmt: skip
# A conditional flips when its condition is decided differently, so the condition must be built
# from keywords on which both validators agree exactly: object structure and string constants.
_EXACT = frozenset({"properties", "required", "$defs"}) | _ANNOTATIONS
_SUBSCHEMA_MAPS = ("properties", "$defs")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "prefixItems")
_SUBSCHEMAS = ("items", "additionalProperties", "then", "else")


def _exact_condition(schema: Any) -> bool:
    """Whether both validators decide ``schema`` identically on every JSON instance."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, Mapping):
        return False
    for key, value in schema.items():
        if key == "const":
            if not isinstance(value, str):  # a number or null constant meets NaN differently
                return False
        elif key == "enum":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                return False
        elif key not in _EXACT:
            return False
    return all(_exact_condition(sub) for key in _SUBSCHEMA_MAPS for sub in schema.get(key, {}).values())


def fast_path_is_exact(schema: Any) -> bool:
    """Whether jsonschema-rs saying "valid" proves that jsonschema would say so too.

    True for schemas built from :data:`_MONOTONE` keywords, integer bounds beside a ``type``,
    annotations, and ``if``/``then``/``else`` whose ``if`` both validators decide alike; false
    (the reference validator alone decides) for anything else, such as ``not``, ``oneOf``,
    ``patternProperties``, ``unevaluated*`` or ``$dynamicRef``."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, Mapping):
        return False
    for key, value in schema.items():
        if key in _BOUNDS or key == "multipleOf":
            if "type" not in schema or isinstance(value, bool) or not isinstance(value, int):
                return False
            if abs(value) > _EXACT_FLOAT_INT or (key == "multipleOf" and value != 1):
                return False
        elif key == "if":
            if not _exact_condition(schema["if"]):
                return False
        elif key not in _MONOTONE and key not in _ANNOTATIONS and key not in _SUBSCHEMAS:
            return False
    for key in _SUBSCHEMA_MAPS:
        value = schema.get(key, {})
        if not isinstance(value, Mapping) or not all(fast_path_is_exact(sub) for sub in value.values()):
            return False
    for key in _SUBSCHEMA_LISTS:
        value = schema.get(key, [])
        if not isinstance(value, list) or not all(fast_path_is_exact(sub) for sub in value):
            return False
    return all(fast_path_is_exact(schema[key]) for key in _SUBSCHEMAS if key in schema)


class SchemaValidator:
    """One compiled JSON Schema (Draft 2020-12). Compilation happens on first use, once.

    Instances are JSON documents as :func:`json.loads` returns them (dicts, lists, strings,
    numbers, booleans, ``None``)."""

    def __init__(self, schema: Mapping[str, Any], *, name: str = "response") -> None:
        self.schema = schema
        self.name = name
        self._pruned: dict[tuple[str | int, ...], SchemaValidator] = {}

    def without(self, *path: str | int) -> SchemaValidator:
        """This schema with the subschema at ``path`` (keys and indexes into the schema, such as
        ``("properties", "items", "items")``) accepting anything, under the same name: for a
        caller that checks those parts itself, at least as strictly (its tests must hold it to
        that). Made once per path."""
        found = self._pruned.get(path)
        if found is None:
            pruned = copy.deepcopy(dict(self.schema))
            parent: Any = pruned
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = {}
            found = self._pruned[path] = SchemaValidator(pruned, name=self.name)
        return found

    @cached_property
    def _validator(self) -> Any:
        from jsonschema import Draft202012Validator

        # Schemas are checked once in the test suite, not on every start (that costs ~0.3 s each).
        return Draft202012Validator(self.schema)

    @cached_property
    def _fast_is_valid(self) -> Callable[[Any], bool] | None:
        """jsonschema-rs's ``is_valid`` for this schema, or ``None`` when it cannot be trusted
        (or is not installed): then the reference validator does all the work."""
        if not fast_path_is_exact(self.schema):
            return None
        try:
            import jsonschema_rs
        except ImportError:  # pragma: no cover - a declared dependency; the fallback is still exact
            return None
        try:
            is_valid: Callable[[Any], bool] = jsonschema_rs.Draft202012Validator(
                dict(self.schema), validate_formats=False
            ).is_valid
        except Exception:  # a schema it cannot compile: the reference decides
            return None
        return is_valid

    def is_valid(self, instance: Any) -> bool:
        """Whether ``instance`` matches (the reference validator's verdict, reached fast)."""
        fast = self._fast_is_valid
        if fast is not None:
            try:
                valid = fast(instance)
            except Exception:  # an instance it cannot convert (say, a lone surrogate in a key)
                valid = False
            if valid:
                return True
        return bool(self._validator.is_valid(instance))

    def validate(
        self, instance: Any, *, provider: str, status_code: int | None = None, request_id: str | None = None
    ) -> None:
        """Raise :class:`ResponseFormatError` naming the first offending field."""
        if self.is_valid(instance):
            return
        from jsonschema.exceptions import best_match

        error = best_match(self._validator.iter_errors(instance))
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
