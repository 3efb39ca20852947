"""``/orders``: buying numbers (by quantity, available number or reservation, back-ordering
allowed), polled until complete, and cancelled while pending."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from didkit.sandbox import EmulatorRequest, EmulatorResponse

from . import _errors as err
from ._jsonapi import Query
from ._routes_common import (
    ApiBase,
    FilterSpec,
    Predicate,
    RouteEntry,
    _bool_attr,
    _int_attr,
    _is_int,
    _only,
    _resource_data,
    _str_attr,
    apply_filters,
    f_eq,
    f_ieq,
    respond,
)
from ._world import AvailableDid, Order, OrderItem, lookup, ruby_decimal


class OrderRoutes(ApiBase):
    """The order endpoints."""

    def order_routes(self) -> list[RouteEntry]:
        """``/orders``."""
        return [
            ("GET", "/orders", self.orders, "orders.list"),
            ("POST", "/orders", self.create_order, "orders.create"),
            ("GET", "/orders/{id}", self.order, "orders.get"),
            ("PATCH", "/orders/{id}", self.update_order, "orders.update"),
            ("DELETE", "/orders/{id}", self.cancel_order, "orders.delete"),
        ]

    def orders(self, request: EmulatorRequest) -> EmulatorResponse:
        def moment(name: str, values: list[str]) -> datetime:
            try:
                parsed = datetime.fromisoformat(values[0].replace("Z", "+00:00"))
            except ValueError:
                raise err.invalid_filter_value(name, values[0]) from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.world.clock().tzinfo)

        def gteq(name: str, values: list[str]) -> Predicate:
            bound = moment(name, values)
            return lambda o: o.created_at >= bound

        def lteq(name: str, values: list[str]) -> Predicate:
            bound = moment(name, values)
            return lambda o: o.created_at <= bound

        filters: dict[str, FilterSpec] = {
            "created_at_gteq": gteq,
            "created_at_lteq": lteq,
            "external_reference_id": f_eq(lambda o: o.external_reference_id),
            "id": f_eq(lambda o: o.id),
            "reference": f_eq(lambda o: o.reference),
            "status": f_ieq(lambda o: o.status),
        }

        def poll(orders: list[Any], query: Query) -> None:
            # every GET that shows a pending order is one poll of it
            others = {k: v for k, v in filters.items() if k != "status"}
            narrowed = Query({k: v for k, v in query.filters.items() if k != "status"}, {}, [], 1, 50, False)
            for order in apply_filters(orders, narrowed, others):
                self.world.advance(order, self.host.back_orders)

        return self.listing(
            request, "orders", list(self.world.orders.values()),
            filters=filters,
            sorts={"amount": lambda o: o.amount, "created_at": lambda o: o.created_at,
                   "external_reference_id": lambda o: o.external_reference_id,
                   "reference": lambda o: o.reference, "status": lambda o: o.status},
            before=poll,
        )

    def order(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        order = lookup(self.world.orders, id)
        query = self.query(request, "orders")
        self.world.advance(order, self.host.back_orders)
        return respond(self.renderer(request).document("orders", order, query))

    def update_order(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        order = lookup(self.world.orders, id)
        attributes, relationships = _resource_data(request, "orders", ident=id)
        _only(attributes, ("external_reference_id",))
        _only(relationships, ())
        if "external_reference_id" in attributes:
            order.external_reference_id = _str_attr(attributes, "external_reference_id", nullable=True)
        return self.show(request, "orders", order)

    def cancel_order(self, request: EmulatorRequest, id: str) -> EmulatorResponse:
        w = self.world
        order = lookup(w.orders, id)
        if order.status != "pending":
            raise err.invalid("status", f"order is {order.status} and can't be cancelled", pointer="/data")
        for item in order.items:
            for number in item.numbers:
                available = AvailableDid(w.new_id(), number, item.group_id)
                w.available[available.id] = available
        w.balance += order.amount
        order.status = "canceled"
        return EmulatorResponse.empty(204)

    def create_order(self, request: EmulatorRequest) -> EmulatorResponse:
        w = self.world
        attributes, relationships = _resource_data(request, "orders")
        _only(attributes, ("items", "allow_back_ordering", "callback_url", "callback_method",
                           "external_reference_id"))
        _only(relationships, ())
        if "items" not in attributes:
            raise err.param_missing("items")
        raw_items = attributes["items"]
        if not isinstance(raw_items, list) or not raw_items:
            raise err.invalid_field_value("items", raw_items)
        back_ordering = _bool_attr(attributes, "allow_back_ordering") if "allow_back_ordering" in attributes \
            else False
        callback_url = _str_attr(attributes, "callback_url", nullable=True) if "callback_url" in attributes \
            else None
        callback_method = None
        if attributes.get("callback_method") is not None:
            callback_method = str(attributes["callback_method"])
            if callback_method not in ("get", "post"):
                raise err.invalid_field_value("callback_method", callback_method)
        reference = _str_attr(attributes, "external_reference_id", nullable=True) \
            if "external_reference_id" in attributes else None

        items: list[OrderItem] = []
        picks: list[list[AvailableDid]] = []
        chosen: set[str] = set()
        back_ordered = False
        for index, raw in enumerate(raw_items):
            where = f"/data/attributes/items/{index}"
            if not isinstance(raw, dict) or "type" not in raw:
                raise err.param_missing("type")
            if raw["type"] != "did_order_items":
                raise err.invalid_field_value("type", raw["type"])
            _only(raw, ("type", "attributes"))
            item = raw.get("attributes") or {}
            if not isinstance(item, dict):
                raise err.invalid_field_value("attributes", item)
            _only(item, ("sku_id", "qty", "did_reservation_id", "available_did_id", "nanpa_prefix_id",
                         "billing_cycles_count"))
            if "sku_id" not in item:
                raise err.param_missing("sku_id")
            sku = w.skus.get(str(item["sku_id"]))
            if sku is None:
                raise err.invalid("sku", "is invalid", pointer=f"{where}/attributes/sku_id", status=400)
            group = w.groups[sku.group_id]
            ways = [k for k in ("qty", "available_did_id", "did_reservation_id") if k in item]
            if len(ways) != 1:
                raise err.ApiError.one(
                    400, "Invalid order item",
                    "Supply exactly one of qty, available_did_id or did_reservation_id with sku_id.",
                    "100", pointer=where,
                )
            nanpa: str | None = None
            if "nanpa_prefix_id" in item:
                nanpa = str(item["nanpa_prefix_id"])
                if ways[0] != "qty" or nanpa not in w.nanpa_prefixes():
                    raise err.invalid("nanpa_prefix", "is invalid", pointer=f"{where}/attributes/nanpa_prefix_id",
                                      status=400)
            cycles = None
            if "billing_cycles_count" in item:
                cycles = _int_attr(item, "billing_cycles_count", nullable=True, minimum=1,
                                   pointer=f"{where}/attributes/billing_cycles_count")
            taken: list[AvailableDid] = []
            if ways[0] == "qty":
                qty = item["qty"]
                if not _is_int(qty) or qty < 1:
                    raise err.invalid_field_value("qty", qty)
                stock = [a for a in w.group_stock(group.id)
                         if a.id not in chosen and (nanpa is None or w.nanpa_of(a) == nanpa)]
                if len(stock) < qty:
                    if not back_ordering:
                        raise err.ApiError.one(
                            400, "Insufficient stock",
                            f"did_group - only {len(stock)} DIDs of {group.area_name} ({group.prefix}) are "
                            f"available, {qty} requested",
                            "100", pointer=f"{where}/attributes/qty",
                        )
                    back_ordered = True
                taken = stock[:qty]  # a back-order takes what is in stock now and waits for the rest
            elif ways[0] == "available_did_id":
                qty = 1
                available = w.available.get(str(item["available_did_id"]))
                if available is None or available.group_id != group.id or available.id in chosen:
                    raise err.invalid("available_did", "is not available",
                                      pointer=f"{where}/attributes/available_did_id", status=400)
                taken = [available]
            else:
                qty = 1
                held = w.reservations.get(str(item["did_reservation_id"]))
                available = w.available.get(held.available_did_id) if held else None
                if available is None or available.group_id != group.id or available.id in chosen:
                    raise err.invalid("did_reservation", "is invalid",
                                      pointer=f"{where}/attributes/did_reservation_id", status=400)
                taken = [available]
            chosen.update(a.id for a in taken)
            picks.append(taken)
            items.append(OrderItem(sku.id, group.id, qty, sku.setup_price, sku.monthly_price, cycles))

        total = sum((i.qty * (i.setup_price + i.monthly_price) for i in items), Decimal("0"))
        if total > w.balance + w.credit:
            raise err.ApiError.one(
                400, "Insufficient balance", "Insufficient balance.", "400",
                meta={"total_cost": ruby_decimal(total)},
            )

        # commit: charge, take the numbers out of stock, record the purchase
        w.balance -= total
        for item, taken in zip(items, picks, strict=True):
            item.numbers = [w.take_number(a) for a in taken]
            w.purchased.extend(item.numbers)
        order = Order(
            id=w.new_id(), reference=w.new_reference(), description="DID", status="pending",
            created_at=w.clock(), callback_url=callback_url, callback_method=callback_method,
            external_reference_id=reference, items=items, polls_left=self.host.order_pending_polls,
            back_ordered=back_ordered,
        )
        w.orders[order.id] = order
        if order.polls_left == 0 and not back_ordered:
            w.complete(order)
        return self.show(request, "orders", order, status=201)
