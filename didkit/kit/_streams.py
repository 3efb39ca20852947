"""Paging and stream plumbing for sans-I/O operations.

Operations ``yield from`` these instead of writing their own ``while True`` page loops:

* :func:`numbered_pages` — page-number paging with a total page count (``page=1, 2, …`` until
  the last page or an empty one);
* :func:`linked_pages` — paging by what each page says comes next (a ``links.next`` URL, the
  page number in it, a cursor) until a page names none;
* :func:`collect`, :func:`first_emitted` and :func:`keep_emitted` — use a stream inside an
  operation: gather what it emits, stop at the first item that fits (no further page is
  fetched), or pass on only the items that fit.

Each page is read by the adapter into a :class:`Page`; the next page is only requested when the
consumer wants more, so listing stays lazy.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import Any, Generic, TypeVar

import attrs

from ..engine import Emit, Operation, Step, Stream

T = TypeVar("T")
C = TypeVar("C")


@attrs.frozen
class Page(Generic[T]):
    """One page as the adapter read it: its ``items``, and how paging goes on.

    ``total_pages`` (page-number paging): how many pages the carrier says there are; ``None``
    when it does not say (paging then ends at the first empty page). ``next`` (linked paging):
    what to fetch next, as :func:`linked_pages`' ``fetch`` takes it; ``None`` on the last page.
    """

    items: Sequence[T]
    total_pages: int | None = None
    next: Any = None


def _emit_items(page: Page[Any]) -> Stream:
    if page.items:
        yield Emit(page.items)


def numbered_pages(
    fetch: Callable[[int], Operation[Page[T]]],
    *,
    first: int = 1,
    each: Callable[[Page[T]], Stream] = _emit_items,
) -> Stream:
    """Pages ``first``, ``first + 1``, … as ``fetch(number)`` reads them, until a page is empty
    or its number reaches its ``total_pages``. ``each`` turns a page into steps (by default:
    emit its items); it may send requests of its own (a detail per item, say)."""
    number = first
    while True:
        page = yield from fetch(number)
        yield from each(page)
        if not page.items or (page.total_pages is not None and number >= page.total_pages):
            return
        number += 1
        del page  # as in linked_pages: not held while the next page is fetched and decoded


def linked_pages(
    fetch: Callable[[C], Operation[Page[T]]],
    start: C,
    *,
    each: Callable[[Page[T]], Stream] = _emit_items,
) -> Stream:
    """``fetch(start)``, then ``fetch(page.next)`` while a page names a next one. ``each`` as in
    :func:`numbered_pages`."""
    cursor = start
    while True:
        page = yield from fetch(cursor)
        yield from each(page)
        if page.next is None:
            return
        cursor = page.next
        # Let the page go before the next is fetched: held, a decoded page (a page of a thousand
        # records is tens of thousands of objects) doubles what the listing keeps alive while
        # the next one is decoded, and what the garbage collector walks meanwhile.
        del page


_STOP = object()


def _relay(stream: Stream, on_emit: Callable[[Sequence[Any]], Any]) -> Generator[Step, Any, Any]:
    """Drive ``stream``: its requests and sleeps go up, their answers (or errors) back down.
    ``on_emit(items)`` sees each batch and returns a batch to emit, ``None`` to emit nothing,
    or ``(_STOP, value)`` to close the stream and return ``value``."""
    answer: Any = None
    failure: BaseException | None = None
    try:
        while True:
            try:
                step = stream.throw(failure) if failure is not None else stream.send(answer)
            except StopIteration:
                return None
            failure = None
            answer = None
            if isinstance(step, Emit):
                outcome = on_emit(step.items)
                if isinstance(outcome, tuple) and outcome and outcome[0] is _STOP:
                    return outcome[1]
                if outcome is None:
                    continue
                step = Emit(outcome)
            try:
                answer = yield step
            except GeneratorExit:
                raise
            except BaseException as exc:  # handed to the wrapped stream, as the runner would
                failure = exc
    finally:
        stream.close()


def keep_emitted(stream: Stream, keep: Callable[[Any], bool]) -> Stream:
    """``stream`` with only the emitted items ``keep`` accepts; every other step (requests,
    sleeps, the answers and errors sent back) passes through unchanged. A batch left empty is
    not emitted: the stream goes straight on to its next page."""

    def kept(items: Sequence[Any]) -> list[Any] | None:
        return [item for item in items if keep(item)] or None

    yield from _relay(stream, kept)


def collect(stream: Stream) -> Operation[list[Any]]:
    """Every item ``stream`` emits, as a list: all its pages, fetched inside an operation."""
    items: list[Any] = []

    def gather(batch: Sequence[Any]) -> None:
        items.extend(batch)

    yield from _relay(stream, gather)
    return items


def first_emitted(stream: Stream, fits: Callable[[Any], bool]) -> Operation[Any]:
    """The first item ``stream`` emits that ``fits`` (``None`` if none does). The stream is
    closed as soon as one fits, so no further page is requested."""

    def search(batch: Sequence[Any]) -> tuple[object, Any] | None:
        for item in batch:
            if fits(item):
                return (_STOP, item)
        return None

    found = yield from _relay(stream, search)
    return found
