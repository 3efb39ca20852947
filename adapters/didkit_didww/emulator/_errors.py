"""JSON:API error objects as DIDWW (a JSONAPI::Resources server) writes them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """An error answer: an HTTP status and the ``errors[]`` it carries."""

    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["detail"] if errors else str(status))
        self.status = status
        self.errors = errors

    @classmethod
    def one(
        cls,
        status: int,
        title: str,
        detail: str,
        code: str,
        *,
        pointer: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> ApiError:
        error: dict[str, Any] = {"title": title, "detail": detail, "code": code}
        if pointer is not None:
            error["source"] = {"pointer": pointer}
        if meta is not None:
            error["meta"] = meta
        error["status"] = str(status)
        return cls(status, [error])

    def document(self) -> dict[str, Any]:
        return {"errors": self.errors}


def http_error(status: int, detail: str) -> ApiError:
    """A plain error whose code is the HTTP status (401, 404, 429, 5xx …)."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return ApiError.one(status, title, detail, str(status))


def unauthorized() -> ApiError:
    return ApiError.one(401, "Unauthorized", "Authorization failed", "401")


def not_found(key: str) -> ApiError:
    return ApiError.one(404, "Record not found", f"The record identified by {key} could not be found.", "404")


def filter_not_allowed(name: str) -> ApiError:
    return ApiError.one(400, "Filter not allowed", f"{name} is not allowed.", "102")


def invalid_field_value(field: str, value: object) -> ApiError:
    return ApiError.one(400, "Invalid field value", f"{value} is not a valid value for {field}.", "103")


def param_not_allowed(name: str) -> ApiError:
    return ApiError.one(400, "Param not allowed", f"{name} is not allowed.", "105")


def param_missing(name: str) -> ApiError:
    return ApiError.one(400, "Missing Parameter", f"The required parameter, {name}, is missing.", "106")


def invalid_filter_value(name: str, value: str) -> ApiError:
    return ApiError.one(400, "Invalid filter value", f"{value} is not a valid value for {name}.", "107")


def key_not_in_url(key: str) -> ApiError:
    return ApiError.one(400, "Key is not included in URL", f"The URL does not support the key {key}", "110")


def invalid_include(relationship: str, type_: str) -> ApiError:
    return ApiError.one(
        400, "Invalid field", f"{relationship} is not a valid includable relationship of {type_}", "112"
    )


def invalid_sort(criteria: str, type_: str) -> ApiError:
    return ApiError.one(
        400, "Invalid sort criteria", f"{criteria} is not a valid sort criteria for {type_}", "114"
    )


def type_mismatch(type_: object) -> ApiError:
    return ApiError.one(400, "Type Mismatch", f"{type_} is not a valid type for this operation.", "116")


def invalid_page_value(page: str, value: str) -> ApiError:
    return ApiError.one(
        400, "Invalid page value", f"{value} is not a valid value for {page} page parameter.", "118"
    )


def bad_request(detail: str) -> ApiError:
    return ApiError.one(400, "Bad Request", detail, "400")


def unsupported_media_type(media_type: str) -> ApiError:
    return ApiError.one(
        415,
        "Unsupported media type",
        "All requests that create or update must use the 'application/vnd.api+json' Content-Type. "
        f"This request specified '{media_type}'.",
        "415",
    )


def invalid(attribute: str, message: str, *, pointer: str | None = None, status: int = 422) -> ApiError:
    """A model validation error (code 100), as Rails words it: ``attr - message``."""
    return ApiError.one(
        status,
        message,
        f"{attribute} - {message}",
        "100",
        pointer=pointer if pointer is not None else f"/data/attributes/{attribute}",
    )
