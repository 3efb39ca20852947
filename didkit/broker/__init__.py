"""The broker: work across several providers, written only against the provider protocols.

* :func:`compare` / :func:`compare_async` run one :class:`~didkit.SearchQuery` on every provider
  at once and return a :class:`Comparison` — the offers, cheapest first, with a
  :class:`ProviderReport` per provider. A failing or slow provider is reported (and logged at
  ``WARNING``); only when none answers does it raise :class:`ComparisonFailedError`.
* :func:`procure` / :func:`procure_async` buy exactly one number: search everywhere, drop what
  breaks the caller's limits, rank, then try offers one by one, failing over on errors another
  offer can cure — and stopping dead when an attempt's outcome is unknown.

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

References, and what you must persist
-------------------------------------

``reference`` is your idempotency key. The broker passes it unchanged to every attempt
(``provider.purchase(offer, reference=reference)``), so a carrier that stores it
(``capabilities.carrier_side_reference``, e.g. DIDWW's ``external_reference_id``) can hand back an
earlier order under it instead of buying again — the adapter does that itself.

Within one process, :data:`default_registry` (a :class:`ProcurementRegistry`) remembers every
reference: ``procure`` with a reference that already bought returns that :class:`Procurement`
again; concurrent calls with one reference wait for each other; a reference whose attempt ended
ambiguous is never used to buy elsewhere — it is retried only with the same provider, and only
when that provider stores references; otherwise ``procure`` raises
:class:`~didkit.AmbiguousPurchaseError` until you check the account and
``default_registry.forget(reference)``.

Nothing survives the process. To be safe across restarts, a caller must persist:

1. the **reference**, *before* calling ``procure`` (write "procuring under R" first);
2. once ``procure`` returns, the **provider name and** ``order.id`` (and the numbers) under that
   reference — mark it done;
3. on :class:`AmbiguousProcurementError`, the **provider** and **offer** it names: the number may
   be yours. Resolve it with that provider (``get_order``/``list_numbers``) before buying again.

After a crash with a reference still marked "procuring", do not just call ``procure`` again:
providers that store references will find the earlier order, but one that does not (Wavix) can
only be checked by looking through its owned numbers.
"""

from __future__ import annotations

from ._compare import compare, compare_async
from ._memory import ProcurementRegistry, default_registry
from ._procure import classify, procure, procure_async
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
    ProviderReport,
)

__all__ = [
    "AmbiguousProcurementError",
    "AttemptOutcome",
    "Comparison",
    "ComparisonFailedError",
    "EventLoopRunningError",
    "PriceCap",
    "Procurement",
    "ProcurementAttempt",
    "ProcurementFailedError",
    "ProcurementRegistry",
    "ProgressCallback",
    "ProviderLike",
    "ProviderReport",
    "Strategy",
    "classify",
    "compare",
    "compare_async",
    "default_registry",
    "procure",
    "procure_async",
]
