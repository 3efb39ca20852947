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
        self, values: Mapping[str, Any] | None, *, provider: str, error: type[DidkitError] = InvalidInputError
    ) -> dict[str, Any]:
        """``values`` under their declared names, each checked by its :class:`Param`.

        An unknown name is an ``error`` (by default :class:`~didkit.InvalidInputError`) naming the
        known ones; so is a value its check refuses. ``None`` and ``{}`` check to ``{}``."""
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
