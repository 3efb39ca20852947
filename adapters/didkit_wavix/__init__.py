"""didkit adapter for Wavix (https://wavix.com): ``didkit.connect("wavix", api_key=...)``.

Registered by the entry point ``wavix = "didkit_wavix:WavixProvider"``. Base URL
``https://api.wavix.com`` (override with ``base_url=``), ``Authorization: Bearer <key>`` (the
deprecated ``appid`` parameter is never sent), key from ``api_key=`` or ``WAVIX_API_KEY``;
``sandbox=True`` talks to :class:`didkit_wavix.emulator.WavixEmulator`.

Adapter options (``didkit.connect("wavix", coverage_ttl=600)``): ``coverage_ttl`` — seconds the
countries, regions, cities and trunk login names stay cached per provider (default 3600, 0
disables); ``max_search_cities`` — how many cities a search without a city looks through (default
20); ``strict_schemas`` — also validate every record response whole against the adapter's JSON
Schemas (default ``False``: each record is read field by field, and a value no drifted form fits
is a :class:`~didkit.ResponseFormatError` naming the field, such as ``items[3].channels``);
``settle_window`` — seconds an unknown checkout outcome is looked for before "not owned" counts
as "not bought" (default :data:`didkit.reconcile.DEFAULT_SETTLE_WINDOW`, 10; 0 believes the first
look). Unknown options raise :class:`~didkit.ConfigurationError`.

How Wavix maps onto didkit
--------------------------

* **Coverage.** Wavix names countries without ISO codes: ``Country.code`` comes from the name.
  Regions exist only where ``has_provinces_or_states`` (the regions endpoint answers 422
  otherwise, so it is never asked). ``list_cities(country, region)`` takes a region id, name or
  ISO 3166-2 code (``"CA"``); an unknown region is :class:`~didkit.NotFoundError`.
* **Search.** Country → region(s) → city are resolved by name as typed (``"Los Angeles"``
  matches ``"LOS ANGELES, CA"``; without a region every region is looked through, lazily; a
  ``"City, ST"`` qualifier narrows the regions). Exact city names win; otherwise cities whose
  name starts with the text are searched. Without a city, up to ``max_search_cities`` cities are
  searched (area codes fitting ``prefix`` first). ``/dids`` is paged lazily (100 a page);
  ``capabilities={SMS}`` sends ``text_enabled_only``; ``prefix``, ``contains``, ``number_type``
  and CNAM are filtered client-side; MMS/fax/emergency never match (Wavix offers do not declare
  them). A region given for a country without regions matches nothing.
* **Purchase.** ``PUT /v1/buy/cart`` → ``POST /v1/buy/cart/checkout`` (never retried) → the new
  record by ``GET /v1/numbers?search=<digits>``, polled for up to ``wait`` seconds; the order id is
  synthesised: ``wavix-<number id>`` (``wavix-+<E.164>`` for a bought number not yet listed,
  status PENDING). ``get_order`` resolves both. When the checkout's outcome is unknown (dropped
  connection, timeout, 5xx, or an unreadable 2xx), the number is looked up over the settle window
  (:func:`didkit.reconcile.settle_purchase`: a late commit or a lagging list is not taken for "not
  bought"): owned → the completed order; still absent once the window has passed, after two looks
  or more → the original error is raised with ``outcome_unknown = False`` (a
  :class:`~didkit.TransportError`/:class:`~didkit.ServerError` the broker may fail over on); a
  lookup fails, or ``wait`` runs out first → :class:`~didkit.AmbiguousPurchaseError`. On every
  failure the number is taken out of the cart (``DELETE /v1/buy/cart``). A number needing
  documents is bought inactive (DID status PENDING); :class:`~didkit.DocumentsRequiredError` only
  when Wavix refuses the purchase.
* **References.** Wavix stores no reference. The provider object remembers reference → order for
  the purchases it made, so the same reference returns the earlier order (and an ambiguous
  attempt is settled by a lookup before anything is bought again). This memory is per process
  and per provider object: to be safe across restarts, persist the reference with the number
  (or the order id) yourself and check ``list_numbers(number_contains=...)`` before buying again.
* **Owned numbers.** ``list_numbers``: the neutral ``number_contains`` and ``label`` are sent as
  ``search`` and ``label`` (partial or case-blind matches, checked again by the core); the rest of
  the neutral filters are applied by the core. ``carrier_filters`` takes ``search``,
  ``label_present`` and ``city_id``. ``update_number(carrier_fields=...)`` takes ``sms_enabled``,
  ``call_status_url``, ``call_recording_enabled``, ``transcription_enabled``,
  ``transcription_threshold`` (``None`` URLs clear the callback: sent as ``""``);
  ``set_messaging(ref, [MessagingRoute.webhook(url)])`` PATCHes ``sms_relay_url`` with
  ``sms_enabled: true`` (one route only; ``[]`` clears both); ``label``/``auto_renew`` raise
  :class:`~didkit.UnsupportedOperationError` (Wavix has no API for them). ``set_destinations``
  PATCHes ``destinations`` with transports 1/4/5 and priorities 1..n; a SIP URI is sent as
  ``user@host`` (``sip:`` dropped; a URI without a user gets ``[did]@host``); a ``[did]``
  placeholder is kept as is, both ways (Wavix substitutes the called number), so destinations read
  from one number can be set on another. A trunk destination needs the trunk's login, read from
  ``GET /v1/trunks/{id}``.
* **Release.** ``DELETE /v1/numbers?dids=<digits>`` (the spec's comma-separated ``dids`` string
  with one number) whenever the number is known, else ``?ids=<id>`` (the spec's exploded ``ids``
  array with one element); never both. Not retried; an unknown outcome is settled by a lookup.
"""

from ._operations import NUMBER_FILTERS, OPTIONS, UPDATE_FIELDS, WavixOperations
from ._provider import (
    DEFAULT_BASE_URL,
    WAVIX_CAPABILITIES,
    WAVIX_SPEC,
    AsyncWavixProvider,
    WavixProvider,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "NUMBER_FILTERS",
    "OPTIONS",
    "UPDATE_FIELDS",
    "WAVIX_CAPABILITIES",
    "WAVIX_SPEC",
    "AsyncWavixProvider",
    "WavixOperations",
    "WavixProvider",
]
