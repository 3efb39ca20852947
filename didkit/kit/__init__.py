"""The adapter kit: what every carrier adapter needs and no carrier owns.

A stable, documented surface for adapter authors (see ``docs/writing-an-adapter.md``); nothing
in it knows a carrier.

* Paging — :class:`Page`, :func:`numbered_pages` (page number with a total page count) and
  :func:`linked_pages` (what each page says comes next), which operations ``yield from``;
  :func:`collect`, :func:`first_emitted` and :func:`keep_emitted` to use a stream inside an
  operation.
* :class:`ExpiringCache` — values kept for a TTL on the operation context's clock, fetched by
  an operation on a miss.
* Declarations — :class:`Param` and :class:`Declared` (with the checks :func:`check_flag` and
  :func:`check_number`): the filters, update fields and options a carrier accepts, so a caller's typo
  is an error naming the known names before any request.
* :class:`~didkit.auth.Credentials` and :func:`~didkit.auth.basic_auth` — credentials of
  several parts (declared in ``ProviderSpec.credential_parts``), each checked and redacted.
* :class:`NumberFilter` and :class:`NumberUpdate` — the neutral ``list_numbers`` filters and
  ``update_number`` changes as operations receive them.

Field readers for carrier records are in :mod:`didkit.readers`; the request/response steps in
:mod:`didkit.engine`.
"""

from ..auth import Credentials, basic_auth
from ._cache import ExpiringCache
from ._declared import Declared, Param, check_flag, check_number
from ._numbers import NEUTRAL_FIELDS, NEUTRAL_FILTERS, NumberFilter, NumberUpdate
from ._streams import Page, collect, first_emitted, keep_emitted, linked_pages, numbered_pages

__all__ = [
    "NEUTRAL_FIELDS",
    "NEUTRAL_FILTERS",
    "Credentials",
    "Declared",
    "ExpiringCache",
    "NumberFilter",
    "NumberUpdate",
    "Page",
    "Param",
    "basic_auth",
    "check_flag",
    "check_number",
    "collect",
    "first_emitted",
    "keep_emitted",
    "linked_pages",
    "numbered_pages",
]
