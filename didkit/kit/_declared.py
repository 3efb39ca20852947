"""Declared names: the filters, update fields and options a carrier accepts, each with its check.

An adapter declares what it accepts once; the core (and the adapter's own option parsing) checks a
caller's values against that declaration before any request, so a typo is an error naming the
known names rather than a request the carrier rejects, or worse, silently ignores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from ..errors import DidkitError, InvalidInputError


def _as_is(value: Any) -> Any:
    return value


def _params(value: Mapping[str, Param]) -> dict[str, Param]:
    return dict(value)


@attrs.frozen
class Param:
    """One declared name: what it means (shown in errors, docs and ``--help``) and how a value is
    checked. ``check`` returns the value as the adapter wants it (a wire string, a converted
    number, ...) and raises :class:`~didkit.InvalidInputError` for a value that cannot be."""

    description: str
    check: Callable[[Any], Any] = _as_is
    default: Any = None
    """What :meth:`Declared.check` gives with ``defaults=True`` when the name is not given
    (not checked: the adapter's own value). ``None``: nothing."""


@attrs.frozen
class Declared(Mapping[str, Param]):
    """The names a carrier accepts for one purpose, as a read-only mapping name → :class:`Param`.

    ``what`` names the purpose in messages (``"filter"``, ``"update field"``, ``"option"``).
    ``canonical`` maps other spellings a caller may use to a declared name (``order_id`` →
    ``order.id``), returning ``None`` for a name it does not know.
    """

    what: str
    params: Mapping[str, Param] = attrs.field(factory=dict, converter=_params)
    canonical: Callable[[str], str | None] | None = None

    def __getitem__(self, name: str) -> Param:
        return self.params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def name_of(self, name: str) -> str | None:
        """The declared name ``name`` stands for (itself, or through ``canonical``), else ``None``."""
        if name in self.params:
            return name
        if self.canonical is not None:
            found = self.canonical(name)
            if found is not None and found in self.params:
                return found
        return None

    def check(
        self,
        values: Mapping[str, Any] | None,
        *,
        provider: str,
        error: type[DidkitError] = InvalidInputError,
        defaults: bool = False,
    ) -> dict[str, Any]:
        """``values`` under their declared names, each checked by its :class:`Param`; with
        ``defaults``, plus the default of every name not given that has one.

        An unknown name is an ``error`` (by default :class:`~didkit.InvalidInputError`; options
        use :class:`~didkit.ConfigurationError`) naming the known ones; so is a value its check
        refuses. ``None`` and ``{}`` check to ``{}`` (or the defaults)."""
        out = self._check(values, provider=provider, error=error)
        if defaults:
            for name, param in self.params.items():
                if name not in out and param.default is not None:
                    out[name] = param.default
        return out

    def _check(
        self, values: Mapping[str, Any] | None, *, provider: str, error: type[DidkitError]
    ) -> dict[str, Any]:
        if values is None:
            return {}
        if not isinstance(values, Mapping):
            raise error(f"{self.what}s must be a mapping of name to value, got {values!r}")
        out: dict[str, Any] = {}
        for given, value in values.items():
            name = self.name_of(given) if isinstance(given, str) else None
            if name is None:
                raise error(f"{provider} has no {self.what} {given!r} ({self.known()})")
            try:
                out[name] = self.params[name].check(value)
            except InvalidInputError as exc:
                if error is InvalidInputError:
                    raise
                raise error(str(exc)) from None
        return out

    def known(self) -> str:
        """``"known: a, b, c"`` (or ``"it has none"``), for messages."""
        return f"known: {', '.join(sorted(self.params))}" if self.params else "it has none"


def check_flag(name: str) -> Callable[[Any], bool]:
    """A :class:`Param` check: ``True`` or ``False`` only (not ``1``, not ``"yes"``)."""

    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise InvalidInputError(f"{name} must be True or False, got {value!r}")
        return value

    return check


def check_number(
    name: str, *, minimum: float | None = None, maximum: float | None = None, integer: bool = False
) -> Callable[[Any], Any]:
    """A :class:`Param` check: a number (an ``int`` with ``integer``) within the bounds given;
    ``True``/``False`` are not numbers here."""
    kind = "an integer" if integer else "a number"

    def check(value: Any) -> Any:
        allowed = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed):
            raise InvalidInputError(f"{name} must be {kind}, got {value!r}")
        if minimum is not None and value < minimum:
            raise InvalidInputError(f"{name} must be {kind} >= {minimum}, got {value!r}")
        if maximum is not None and value > maximum:
            raise InvalidInputError(f"{name} must be {kind} <= {maximum}, got {value!r}")
        return value

    return check
