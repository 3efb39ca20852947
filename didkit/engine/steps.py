"""The vocabulary of sans-I/O operations.

An operation is a generator that yields *steps* and gets answers back:

* yield :class:`HttpRequest` → receives an :class:`HttpResponse` (or has the typed
  :class:`~didkit.ProviderError` thrown into it at the ``yield``);
* yield :class:`Sleep` → receives ``None`` once the runner has slept;
* yield :class:`Emit` (streams only) → hands items to the consumer; receives ``None`` when the
  consumer wants more, so the next page is only fetched on demand.

The same generator is driven by :class:`~didkit.engine.SyncRunner` (``httpx.Client``) and
:class:`~didkit.engine.AsyncRunner` (``httpx.AsyncClient``): each operation is written once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Mapping, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import attrs

T = TypeVar("T")

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

QueryParams = Sequence[tuple[str, str]]


def _params(value: Mapping[str, Any] | QueryParams | None) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    out: list[tuple[str, str]] = []
    for key, item in items:
        if item is None:
            continue
        if isinstance(item, bool):
            out.append((key, "true" if item else "false"))
        elif isinstance(item, (list, tuple)):
            out.extend((key, str(part)) for part in item)
        else:
            out.append((key, str(item)))
    return tuple(out)


def _form(value: Mapping[str, Any] | QueryParams | None) -> tuple[tuple[str, str], ...] | None:
    return None if value is None else _params(value)


def _one_body(instance: HttpRequest, attribute: Any, value: Any) -> None:
    # Run for form, then content (attrs validates in field order): each against those before it.
    earlier = [instance.json] + ([instance.form] if attribute.name == "content" else [])
    if value is not None and any(body is not None for body in earlier):
        from ..errors import InvalidInputError

        raise InvalidInputError("a request has one body: json, form or content")


@attrs.frozen
class HttpRequest:
    """A request description. ``path`` is relative to the provider's base URL (or absolute,
    for a ``links.next`` URL). ``idempotent`` decides whether the engine may retry it:
    it defaults to ``True`` for GET/HEAD/OPTIONS only; purchases must never be (except after a
    429: the carrier processed nothing).

    The body is ``json`` (sent with the provider's content type), ``content`` (bytes already
    encoded, such as :meth:`multipart`'s) or ``form``: fields sent
    ``application/x-www-form-urlencoded``, given and converted as ``params`` are (a list value
    repeats the field; ``None`` leaves it out; booleans are ``true``/``false``)."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_params)
    json: Any = attrs.field(default=None, repr=False)  # may carry credentials (a token request)
    form: tuple[tuple[str, str], ...] | None = attrs.field(
        default=None, converter=_form, validator=_one_body, repr=False, kw_only=True
    )  # may carry credentials too
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)  # may carry a key
    idempotent: bool | None = None
    operation: str | None = None
    content: bytes | None = attrs.field(default=None, repr=False, validator=_one_body)  # already encoded
    """A body sent as it is (with its ``Content-Type`` in ``headers``), for what is not JSON:
    see :meth:`multipart`."""

    @classmethod
    def multipart(
        cls,
        method: str,
        path: str,
        *,
        fields: Sequence[tuple[str, str]] = (),
        files: Sequence[tuple[str, tuple[str, bytes, str]]] = (),
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        operation: str | None = None,
    ) -> HttpRequest:
        """A ``multipart/form-data`` request: ``fields`` are ``(name, value)`` pairs and
        ``files`` ``(name, (filename, content, content type))`` pairs, encoded by httpx (in the
        order given; a name may repeat)."""
        import httpx

        encoded = httpx.Request(method, "http://multipart.invalid/", data=dict(fields) or None, files=list(files))
        if len({name for name, _ in fields}) != len(fields):
            raise ValueError("multipart fields must have distinct names")
        return cls(
            method,
            path,
            headers={**(headers or {}), "Content-Type": encoded.headers["Content-Type"]},
            idempotent=idempotent,
            operation=operation,
            content=encoded.read(),
        )

    @property
    def retryable(self) -> bool:
        if self.idempotent is not None:
            return self.idempotent
        return self.method.upper() in _IDEMPOTENT_METHODS

    @property
    def label(self) -> str:
        """A short name for logs and errors: ``"GET /v1/numbers"``."""
        return self.operation or f"{self.method} {self.path.split('?', 1)[0]}"


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def url_path(template: str, /, **values: str | int) -> str:
    """``template`` with each ``{name}`` replaced by ``values[name]`` as exactly one path segment,
    percent-encoded (``/``, ``?``, ``#``, ``%`` and the rest included): how operations put an id
    into a path, so that no value can reach another resource (``"../balance"``) or add a query.

    ``url_path("/dids/{id}", id="a/b?c")`` is ``"/dids/a%2Fb%3Fc"``. An empty value, ``.`` or
    ``..`` would still name another resource, and is an :class:`~didkit.InvalidInputError`."""

    def segment(match: re.Match[str]) -> str:
        text = str(values[match.group(1)])
        if text in ("", ".", ".."):
            from ..errors import InvalidInputError

            raise InvalidInputError(f"{text!r} cannot be an id in a request path")
        return quote(text, safe="")

    return _PLACEHOLDER.sub(segment, template)


_fast_decode: Any = None


def decode_json(content: bytes) -> Any:
    """``json.loads(content)``: the same value or the same error, 1.5–2 times faster.

    ``msgspec`` decodes where it agrees with ``json``: it reads integers of any size exactly,
    and it refuses what ``json`` reads differently (``NaN``, ``1E400``, lone surrogates, a
    byte-order mark, UTF-16 and UTF-32), which ``json`` then takes. (``orjson``, the decoder
    before it, turned integers beyond 64 bits into floats: every body had to be scanned for long
    digit runs first, ~2 µs a DIDWW DID, which left it no faster than ``json`` on DIDWW's pages.)"""
    global _fast_decode
    if _fast_decode is None:
        try:
            import msgspec

            _fast_decode = msgspec.json.Decoder().decode
        except ImportError:  # pragma: no cover - a declared dependency
            _fast_decode = False
    if _fast_decode and type(content) is bytes:
        try:
            return _fast_decode(content)
        except (ValueError, RecursionError):  # msgspec.DecodeError: json decides, and words any error
            pass
    return json.loads(content)


@attrs.frozen
class HttpResponse:
    """A response as operations see it."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    url: str = ""
    request_id: str | None = None
    provider: str = ""

    def json(self) -> Any:
        """The body decoded as JSON; :class:`~didkit.ResponseFormatError` if it is not JSON."""
        from ..errors import ResponseFormatError

        try:
            return decode_json(self.content)
        except ValueError as exc:
            raise ResponseFormatError(
                f"response body is not JSON ({exc.__class__.__name__})",
                provider=self.provider,
                status_code=self.status_code,
                request_id=self.request_id,
            ) from None

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300


@attrs.frozen
class Sleep:
    """Ask the runner to wait (a poll interval); the runner's injected sleep does it."""

    seconds: float


@attrs.frozen
class Emit(Generic[T]):
    """Hand a batch of items to the consumer of a stream."""

    items: Sequence[T]


Step = HttpRequest | Sleep | Emit[Any]
Operation = Generator[Step, Any, T]
"""An operation producing a ``T``."""
Stream = Generator[Step, Any, None]
"""An operation that emits items (via :class:`Emit`) instead of returning a value."""
