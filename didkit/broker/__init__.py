"""The broker: work across several providers, written only against the provider protocols.

* :func:`compare` / :func:`compare_async` run one :class:`~didkit.SearchQuery` on every provider
  at once and return a :class:`Comparison` — the offers, cheapest first, with a
  :class:`ProviderReport` per provider. A failing or slow provider is reported (and logged at
  ``WARNING``); only when none answers does it raise :class:`ComparisonFailedError`.
* :func:`procure` / :func:`procure_async` buy exactly one number (or exactly ``count``): search
  everywhere, drop what breaks the caller's limits, rank, then try offers one by one, failing over
  on errors another offer can cure — and stopping dead when an attempt's outcome is unknown. With
  ``count`` > 1 an "any number" offer asks for all still missing in one order, a partial fill
  continues on the next offers, and the total never exceeds ``count``
  (:class:`ProcurementIncompleteError` carries what was bought when the offers run out);
  ``hold_first=True`` holds the chosen specific numbers first and releases every unused hold.

Providers may be sync or async instances, mixed freely, or registered names. The blocking
functions run an event loop of their own (sync providers go to worker threads) and refuse to run
inside one: await the ``_async`` twins there. (An async provider handed to a blocking function
runs on that private, short-lived loop: in sync code, prefer sync providers.)

How procure fails over
----------------------

By the error ``provider.purchase`` raised:

* ``NumberUnavailableError``, ``DocumentsRequiredError``, ``NotFoundError``,
  ``RequestRejectedError``, ``UnsupportedOperationError``, a ``ServerError``/``TransportError``
  known not to have bought anything, any other ``ProviderError`` with a known outcome: nothing
  was bought — **try the next offer**.
* ``AuthenticationError``, ``RateLimitedError``: **skip that provider's remaining offers**.
* ``InsufficientFundsError``: skip that provider's offers costing as much or more up front.
* ``InvalidInputError``, ``ConfigurationError``: **stop, re-raised as is** — it would fail for
  every offer; fix the call.
* ``AmbiguousPurchaseError``, any error with ``outcome_unknown``, a ``ResponseFormatError`` (an
  answer, maybe a success, we could not read), an exception that is not a ``DidkitError``:
  **stop** with :class:`AmbiguousProcurementError`; no other offer is tried.

An order returned ``FAILED``/``CANCELLED`` is a failed attempt; one returned ``PENDING`` (the
carrier completes orders asynchronously and ``wait`` ran out) *is* a purchase: it is returned and
nothing else is bought — poll ``provider.get_order(order.id)``.

References and the ledger
-------------------------

``reference`` is your idempotency key. For one number the broker passes it unchanged to every
attempt (``provider.purchase(offer, reference=reference)``); for ``count`` > 1 each order carries
``<reference>#<n>``. So a carrier that stores it
(``capabilities.carrier_side_reference``, e.g. DIDWW's ``external_reference_id``) can hand back an
earlier order under it instead of buying again — the adapter does that itself.

Every attempt is also written through a ledger (:mod:`didkit.ledger`; ``ledger=``, by default
``$DIDKIT_LEDGER`` or an SQLite file in the user state directory): the intent before the purchase
request leaves, the outcome after. So, in any process:

* a reference that bought returns that :class:`Procurement` (as recorded) and buys nothing;
* two calls with one reference never both buy: the later one waits (``ledger.wait``) and returns
  the first one's purchase, or raises :class:`~didkit.LedgerBusyError`;
* a reference whose last attempt has an unknown outcome (the call raised
  :class:`AmbiguousProcurementError`, or its process died mid-purchase) is settled with that carrier
  before anything is bought: a carrier that stores references is asked for the order under it;
  otherwise the number is looked up among the account's numbers. When that cannot decide, the
  call raises :class:`~didkit.AmbiguousPurchaseError` naming the reference and the number, and buys
  nothing until you check the account and ``forget`` the reference
  (``didkit procurements forget REF`` or ``ledger.forget(ref)``).
"""

from __future__ import annotations

from ._compare import compare, compare_async
from ._procure import DEFAULT_SETTLE_WINDOW, LedgerLike, buy, classify, procure, procure_async
from ._ranking import PriceCap, Strategy
from ._runtime import ProgressCallback, ProviderLike
from ._types import (
    AmbiguousProcurementError,
    AttemptOutcome,
    Comparison,
    ComparisonFailedError,
    EventLoopRunningError,
    Procurement,
    ProcurementAttempt,
    ProcurementFailedError,
    ProcurementIncompleteError,
    ProviderReport,
)

__all__ = [
    "DEFAULT_SETTLE_WINDOW",
    "AmbiguousProcurementError",
    "AttemptOutcome",
    "Comparison",
    "ComparisonFailedError",
    "EventLoopRunningError",
    "LedgerLike",
    "PriceCap",
    "Procurement",
    "ProcurementAttempt",
    "ProcurementFailedError",
    "ProcurementIncompleteError",
    "ProgressCallback",
    "ProviderLike",
    "ProviderReport",
    "Strategy",
    "buy",
    "classify",
    "compare",
    "compare_async",
    "procure",
    "procure_async",
]
