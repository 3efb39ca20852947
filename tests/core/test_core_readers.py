"""The adapter kit's field readers (``didkit.readers``): every form carriers send reads to the
same value; a value no form fits is a FieldError naming the field, and a ResponseFormatError
naming the provider and the full path."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from didkit import Money, ResponseFormatError
from didkit.readers import (
    FieldError,
    join_path,
    read_bool,
    read_datetime,
    read_decimal,
    read_e164,
    read_e164_and_region,
    read_each,
    read_int,
    read_list,
    read_money,
    read_name,
    read_object,
    read_str,
    required,
)

UTC = timezone.utc


def fails(read: Any, value: Any, *args: Any, field: str = "some.field") -> FieldError:
    with pytest.raises(FieldError) as raised:
        read(value, field, *args)
    assert raised.value.field == field
    assert field in str(raised.value)
    return raised.value


@given(st.integers(-(2**53), 2**53))
def test_an_integer_in_every_form_reads_the_same(n: int) -> None:
    forms = [n, str(n), f" {n} ", float(n)] + ([f"+{n}"] if n >= 0 else [])
    assert {read_int(form, "channels") for form in forms} == {n}
    assert all(type(read_int(form, "channels")) is int for form in forms)


@given(st.one_of(st.booleans(), st.floats().filter(lambda f: not f.is_integer()), st.text().filter(
    lambda t: not t.strip().lstrip("+-").isdigit() or not t.strip().lstrip("+-").isascii()), st.lists(st.integers())))
def test_anything_else_is_no_integer(value: Any) -> None:
    fails(read_int, value)


@given(st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False, allow_infinity=False))
def test_an_amount_as_text_or_number_reads_the_same(amount: Decimal) -> None:
    forms: list[Any] = [str(amount), f" {amount} ", float(amount)]
    if amount == amount.to_integral_value():
        forms.append(int(amount))
    assert {read_decimal(form, "per_min") for form in forms} == {amount}
    assert {read_money(form, "per_min", "USD") for form in forms} == {Money(amount, "USD")}


@pytest.mark.parametrize("value", [True, "free", "1,99", "NaN", "Infinity", float("nan"), float("inf"), [1], {}])
def test_no_amount(value: Any) -> None:
    fails(read_decimal, value)
    fails(read_money, value, "USD")


def test_a_price_as_text_keeps_its_digits_and_is_shared() -> None:
    assert str(read_decimal("1.490", "f")) == "1.490"
    assert read_money("1.49", "f", "USD") is read_money("1.49", "f", "USD")
    assert str(read_money(1.0, "f", "USD").amount) == "1.0"  # type: ignore[union-attr]
    assert str(read_money(1, "f", "USD").amount) == "1"  # type: ignore[union-attr]


NUMBERS = ["12125550100", "442071838750", "4930901820", "61291234567", "5491123456789", "12565378257"]


@given(st.sampled_from(NUMBERS), st.sampled_from(["{}", "+{}", " +{} ", "00{}"]))
def test_a_number_with_or_without_plus_reads_to_e164(digits: str, form: str) -> None:
    assert read_e164(form.format(digits), "number") == "+" + digits
    assert read_e164(int(digits), "number") == "+" + digits
    found = read_e164_and_region(form.format(digits), "number")
    assert found is not None and found[0] == "+" + digits


def test_a_number_spelled_out_reads_to_e164() -> None:
    assert read_e164("+1 (212) 555-0100", "number") == "+12125550100"
    assert read_e164_and_region("+12125550100", "number") == ("+12125550100", "US")
    assert read_e164_and_region(442071838750, "number") == ("+442071838750", "GB")


@pytest.mark.parametrize("value", ["", "abc", "12", "0123456789", "+", True, 1.5, [], "١٢١٢٥٥٥٠١٠٠x"])
def test_no_number(value: Any) -> None:
    fails(read_e164, value)
    fails(read_e164_and_region, value)


MOMENTS = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
).map(lambda m: m.replace(microsecond=m.microsecond // 1000 * 1000))


@given(MOMENTS, st.integers(-12 * 60, 14 * 60).map(lambda minutes: minutes // 15 * 15))
def test_a_moment_in_every_form_reads_the_same(moment: datetime, offset_minutes: int) -> None:
    whole = moment.replace(microsecond=0)
    local = whole.astimezone(timezone(timedelta(minutes=offset_minutes)))
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    compact = f"{local:%Y-%m-%dT%H:%M:%S}{sign}{hours:02d}{minutes:02d}"
    forms = {
        whole: [
            f"{whole:%Y-%m-%d %H:%M:%S}",
            f"{whole:%Y-%m-%d %H:%M:%S}+00:00",
            f"{whole:%Y-%m-%dT%H:%M:%S}Z",
            f"{whole:%Y-%m-%dT%H:%M:%S}.000Z",
            f"{whole:%Y-%m-%dT%H:%M:%S}.000000+00:00",
            f"{whole:%Y-%m-%d %H:%M:%S} UTC",
            local.isoformat(),
            compact,
        ],
        moment: [
            f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z",
            f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}000Z",  # nanoseconds: cut to micro
        ],
    }
    for expected, texts in forms.items():
        for text in texts:
            read = read_datetime(text, "added")
            assert read == expected, text
            assert read is not None and read.tzinfo is UTC


@given(st.dates(min_value=datetime(1971, 1, 1).date(), max_value=datetime(2099, 12, 31).date()))
def test_a_date_alone_is_midnight_utc(day: Any) -> None:
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    for text in (day.isoformat(), f"{day.isoformat()} 00:00:00", f"{day.isoformat()} 00:00:00+00:00",
                 f"{day.isoformat()}T00:00:00.000Z"):
        read = read_datetime(text, "paid_until")
        assert read == midnight and read is not None and read.tzinfo is UTC


@pytest.mark.parametrize(
    "value", ["", "yesterday", "2023-02-30", "2023-04-10T25:00:00Z", "10/04/2023", "2023-13-01T00:00:00Z", 20230410,
              "2023-04-10X06:42:59.000Z", True, []],
)
def test_no_moment(value: Any) -> None:
    fails(read_datetime, value)


@pytest.mark.parametrize(("forms", "expected"), [
    ([True, 1, "true", "TRUE", " True ", "1"], True),
    ([False, 0, "false", "False", "0"], False),
])
def test_a_flag_in_every_form(forms: list[Any], expected: bool) -> None:
    assert {read_bool(form, "sms_enabled") for form in forms} == {expected}


@pytest.mark.parametrize("value", ["yes", "no", 2, -1, 1.0, [], "maybe"])
def test_no_flag(value: Any) -> None:
    fails(read_bool, value)


@given(st.sampled_from(["active", "inactive", "in_progress"]), st.sampled_from([str.upper, str.title, str.lower]))
def test_names_in_any_case(name: str, spell: Any) -> None:
    assert read_name(f" {spell(name)} ", "status") == name


def test_structure_and_text_readers() -> None:
    assert read_str("x", "label") == "x" and read_str(None, "label") is None
    fails(read_str, 1)
    fails(read_name, 1)
    assert read_object({"a": 1}, "item") == {"a": 1}
    fails(read_object, [1])
    assert read_list([1], "items") == [1]
    fails(read_list, {"a": 1})
    assert required(0, "x") == 0
    fails(required, None)


def test_none_passes_every_reader() -> None:
    for read in (read_int, read_decimal, read_e164, read_e164_and_region, read_datetime, read_bool, read_name,
                 read_str, read_object, read_list):
        assert read(None, "f") is None
    assert read_money(None, "f", "USD") is None


def test_errors_name_the_path_and_the_provider() -> None:
    def channels(item: Any) -> int | None:
        return read_int(item.get("channels"), "channels")

    assert read_each([{"channels": "4"}, {"channels": 5}], "items", channels) == [4, 5]
    with pytest.raises(FieldError) as raised:
        read_each([{"channels": 4}, {"channels": 5}, {}, {"channels": "many"}], "items", channels)
    assert raised.value.field == "items[3].channels"
    error = raised.value.response_error("wavix", status_code=200, request_id="r1")
    assert isinstance(error, ResponseFormatError)
    assert error.field == "items[3].channels" and error.provider == "wavix" and error.request_id == "r1"
    assert "wavix" in str(error) and "items[3].channels" in str(error) and "'many'" in str(error)
    with pytest.raises(FieldError) as missing:
        read_each(None, "items", channels)
    assert missing.value.field == "items"
    assert join_path("", "a") == "a" and join_path("a", "") == "a" and join_path("a", "[0]") == "a[0]"
    assert FieldError("", "x").response_error("didww").field == "(document)"
