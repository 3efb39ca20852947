"""The error hierarchy. :class:`DidkitError` is the only base a caller must catch.

Messages never contain an API key: every provider error message passes through the engine's
redactor before the exception is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Money

__all__ = [
    "AmbiguousPurchaseError",
    "AuthenticationError",
    "ConfigurationError",
    "DidkitError",
    "DocumentsRequiredError",
    "InsufficientFundsError",
    "InvalidInputError",
    "NotFoundError",
    "NumberUnavailableError",
    "PermissionDeniedError",
    "ProviderError",
    "RateLimitedError",
    "RequestRejectedError",
    "ResponseFormatError",
    "ServerError",
    "TransportError",
    "UnknownPlaceError",
    "UnsupportedOperationError",
]


class DidkitError(Exception):
    """Base of every error didkit raises."""


class InvalidInputError(DidkitError, ValueError):
    """The caller's input is invalid; raised before any request is sent."""


class UnknownPlaceError(InvalidInputError):
    """A region or city the carrier does not know, by the name (or id) the caller gave.

    The one answer every adapter gives to a place name missing from the carrier's own list —
    in ``list_cities(country, region=...)`` and in ``search_numbers`` alike. It is bad input, so
    an :class:`InvalidInputError`; unlike most, it is raised after reading the carrier's
    coverage lists (which are cached), though before any search or purchase request.

    Attributes:
        provider: the provider's name.
        kind: ``"region"`` or ``"city"``.
        name: the name as given.
        country: the ISO country code searched.
        suggestions: the carrier's closest names (at most three), best first; may be empty.
    """

    def __init__(
        self,
        *,
        provider: str,
        kind: str,
        name: str,
        country: str,
        within: str | None = None,
        suggestions: Sequence[str] = (),
        known: int = 0,
    ) -> None:
        self.provider = provider
        self.kind = kind
        self.name = name
        self.country = country
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        place = f"{within}, {country}" if within else country
        plural = "cities" if kind == "city" else "regions"
        quoted = [repr(s) for s in self.suggestions]
        if len(quoted) > 1:
            hint = f"did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"
        elif quoted:
            hint = f"did you mean {quoted[0]}?"
        elif known:
            hint = f"{known} {plural if known > 1 else kind} known there, none close"
        else:
            hint = f"no {plural} known there"
        super().__init__(f"{provider}: no {kind} {name!r} in {place} ({hint})")


class ConfigurationError(DidkitError):
    """didkit is not set up for this: unknown provider, missing API key, bad option."""


class UnsupportedOperationError(DidkitError):
    """The carrier cannot do this (for example, set a label on a Wavix number)."""

    def __init__(self, message: str, *, provider: str | None = None) -> None:
        super().__init__(message)
        self.provider = provider


class ProviderError(DidkitError):
    """A carrier answered with an error, or could not be reached.

    Attributes:
        provider: the provider's name (``"wavix"``, ``"didww"``).
        status_code: the HTTP status, or ``None`` when no response arrived.
        messages: the carrier's own messages, in order.
        request_id: the carrier's request id, where it sends one.
        details: structured error entries (for JSON:API: ``detail``, ``code``, ``pointer``...).
        outcome_unknown: ``True`` when a non-idempotent request may have taken effect although
            no success reached us (a timeout or dropped connection after sending, or a 5xx).
        operation: the step that failed, in the adapter's words (``"create order"``,
            ``"find order by reference"``), or ``"METHOD /path"``; ``None`` when not from a request.
    """

    operation: str | None = None

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        messages: Sequence[str] = (),
        request_id: str | None = None,
        details: Sequence[Mapping[str, Any]] = (),
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.messages: tuple[str, ...] = tuple(messages) or (message,)
        self.request_id = request_id
        self.details: tuple[Mapping[str, Any], ...] = tuple(details)
        self.outcome_unknown = outcome_unknown

    def describe(self) -> str:
        """This error in words, once: the step that failed, the carrier's message, and what the
        HTTP status means (a 2xx here is a success status whose reply could not be read)."""
        message = self.message.rstrip(". ")
        if self.operation and self.operation not in message:
            message = f"{self.operation} failed: {message}"
        status = self.status_code
        if status is None or f"HTTP {status}" in message:
            return message
        if 200 <= status < 300:
            return f"{message} (HTTP {status}, a success status, with a reply that could not be read)"
        return f"{message} (HTTP {status})"

    def __str__(self) -> str:
        parts = [f"{self.provider}: {self.message}"]
        if self.status_code is not None:
            parts.append(f"(HTTP {self.status_code})")
        if self.request_id:
            parts.append(f"[request id {self.request_id}]")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(provider={self.provider!r}, status_code={self.status_code!r}, "
            f"message={self.message!r})"
        )


class AuthenticationError(ProviderError):
    """401/403: the key is missing, wrong, or not allowed to do this."""


class PermissionDeniedError(ProviderError):
    """403 from a valid key that may not use this feature (DIDWW's "Insufficient scope" for a
    read-only token, or its 403 on ``available_dids`` until support enables it for a new
    account). Unlike :class:`AuthenticationError`, no reason to give up on the carrier."""


class NotFoundError(ProviderError):
    """404: no such resource."""


class RequestRejectedError(ProviderError):
    """400/422: the carrier rejected the request as invalid."""


class RateLimitedError(ProviderError):
    """429 after the engine's retries; ``retry_after`` is the carrier's hint in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InsufficientFundsError(ProviderError):
    """The account balance does not cover the purchase."""

    def __init__(
        self,
        message: str,
        *,
        required: Money | None = None,
        available: Money | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.required = required
        self.available = available


class NumberUnavailableError(ProviderError):
    """The number was sold, or the group is out of stock; also raised by the broker when no
    offer fits the caller's limits."""


class DocumentsRequiredError(ProviderError):
    """The number needs documents or registration before it can be bought or used."""


class ServerError(ProviderError):
    """5xx from the carrier (after retries, for reads)."""


class TransportError(ProviderError):
    """The carrier could not be reached or did not answer in time."""


class DeadlineExceededError(TransportError):
    """The operation's deadline passed (a purchase's ``wait``) before its next step could run:
    the step was not sent. ``outcome_unknown`` is ``False`` — this error says nothing about
    earlier steps, which the operation reports itself (a purchase whose outcome is still open
    raises :class:`AmbiguousPurchaseError`)."""


class ResponseFormatError(ProviderError):
    """The carrier's payload does not match its schema; ``field`` names the offending field."""

    def __init__(self, message: str, *, field: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.field = field


class AmbiguousPurchaseError(ProviderError):
    """A purchase may or may not have happened and reconciliation could not decide.

    The caller must check with the carrier before trying again; ``reference`` is the
    idempotency key the attempt used.
    """

    def __init__(self, message: str, *, reference: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("outcome_unknown", True)
        super().__init__(message, **kwargs)
        self.reference = reference

    def describe(self) -> str:
        """The message: it already names each step that failed and how."""
        return self.message.rstrip(". ")
