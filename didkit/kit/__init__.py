"""The adapter kit: what every carrier adapter needs and no carrier owns.

A stable, documented surface for adapter authors (see ``docs/writing-an-adapter.md``):

* :class:`Param` and :class:`Declared` — the filters, update fields and options a carrier
  accepts, each with its check, so a caller's typo is an error naming the known names before
  any request;
* :class:`NumberFilter` and :class:`NumberUpdate` — the neutral ``list_numbers`` filters and
  ``update_number`` changes as operations receive them; :func:`keep_emitted` — how the core
  applies the filters a carrier cannot apply server-side.
"""

from ._declared import Declared, Param
from ._numbers import NEUTRAL_FIELDS, NEUTRAL_FILTERS, NumberFilter, NumberUpdate, keep_emitted

__all__ = [
    "NEUTRAL_FIELDS",
    "NEUTRAL_FILTERS",
    "Declared",
    "NumberFilter",
    "NumberUpdate",
    "Param",
    "keep_emitted",
]
