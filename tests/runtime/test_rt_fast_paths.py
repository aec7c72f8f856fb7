"""The fast paths of the runtime behave exactly like the general ones: lazy endpoint types, the
TypedDict mirror of request bodies (also for models that defer building, and the dates in it), the
collector pause."""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
from collections.abc import Iterator
from typing import Annotated, Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from rt_support import Mock
from rtpkg._core import errors
from rtpkg._core.collector import gc_paused
from rtpkg._core.endpoint import Endpoint, LazyType, resolve_type
from rtpkg._core.request import serialize_body
from rtpkg._core.response import RawResponse
from rtpkg._core.wire import CANONICAL_DATETIME, wire_type
from typing_extensions import Required


class Deferred(BaseModel):
    """Configured like the generated models: aliases, both names accepted, built on first use."""

    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        defer_build=True,
    )


class Raw(Deferred):
    data: dict[str, Any] | None
    source: str | None = None


class Item(Deferred):
    category: str
    date: dt.datetime
    account_id: float | None = Field(default=None, alias="accountId")
    tags: list[str] | None = None
    raw: Raw | None = None


class Batch(Deferred):
    data: list[Item]
    dataset_id: str = Field(alias="datasetId")
    include_created_events: bool | None = Field(default=None, alias="includeCreatedEvents")


class Result(BaseModel):
    model_config = ConfigDict(extra="allow")
    created: int | None = None  # everything optional: an envelope would validate as a Result too


def endpoint(body_type: Any = Batch, response_type: Any = Result) -> Endpoint[Any]:
    return Endpoint[Any](
        operation_id="op",
        method="POST",
        path="/x",
        response_type=response_type,
        body_type=body_type,
    )


@pytest.fixture
def gc_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def item(**overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {"category": "c", "date": "2024-05-01T12:00:00Z"}
    value.update(overrides)
    return value


BODIES = [
    {"data": [item()], "datasetId": "ds"},
    {"data": [item(), item(accountId=3)], "datasetId": "ds", "includeCreatedEvents": True},
    {"data": [item(account_id=3.5, tags=["a", "b"])], "dataset_id": "ds"},  # Python names
    {"data": [item(date="2024-05-01T14:00:00+02:00")], "datasetId": "ds"},  # normalised
    {"data": [item(date="2024-05-01 12:00")], "datasetId": "ds"},
    {"data": [item(date=dt.datetime(2024, 1, 2, 3, 4, 5))], "datasetId": "ds"},
    {"data": [item(raw={"data": {"k": [1, {"x": None}]}, "source": "s"})], "datasetId": "ds"},
    {"data": [item(raw={"data": None})], "datasetId": "ds", "includeCreatedEvents": None},
    {"data": [], "datasetId": "ds"},
    ({"data": [item(tags=("a",))], "datasetId": "ds"}),  # a tuple where a list is declared
]


def model_path(body: object) -> bytes:
    adapter: TypeAdapter[Batch] = TypeAdapter(Batch)
    return adapter.dump_json(adapter.validate_python(body), by_alias=True, exclude_unset=True)


def test_mirror_is_used_for_models_that_defer_building() -> None:
    # generated models set defer_build=True: they must still be mirrored (they were not, once,
    # and every body took the twice-as-slow model path without anyone noticing)
    assert not Item.__pydantic_complete__
    assert endpoint().body_wire_adapter is not None


@pytest.mark.parametrize("body", BODIES)
def test_mirror_sends_the_bytes_of_the_model_path(body: dict[str, Any]) -> None:
    assert serialize_body(endpoint(), body) == model_path(body)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"data": [{"date": "2024-05-01"}], "datasetId": "ds"}, "data[0].category: Field required"),
        ({"data": [item(extra=1)], "datasetId": "ds"}, "data[0].extra: Extra inputs are not"),
        ({"data": [item(date="soon")], "datasetId": "ds"}, "data[0].date: Input should be"),
        ({"data": [item()]}, "datasetId: Field required"),
    ],
)
def test_invalid_bodies_are_worded_by_the_model_path(body: dict[str, Any], problem: str) -> None:
    with pytest.raises(errors.RequestValidationError) as info:
        serialize_body(endpoint(), body)
    assert any(p.startswith(problem) for p in info.value.problems), info.value.problems


def test_lazy_types_resolve_once() -> None:
    calls: list[str] = []

    def load(name: str, value: Any) -> LazyType:
        def thunk() -> Any:
            calls.append(name)
            return value

        return LazyType(thunk)

    ep = endpoint(body_type=load("body", Batch), response_type=load("response", Result))
    assert calls == []  # nothing is resolved before it is needed
    assert "not resolved" in repr(ep.body_type)
    for _ in range(3):
        serialize_body(ep, {"data": [item()], "datasetId": "ds"})
        response = httpx.Response(200, content=b'{"created": 1}')
        assert RawResponse(response, ep).parse() == Result(created=1)
    assert sorted(calls) == ["body", "response"]
    assert ep.resolved_body_type is Batch and ep.resolved_response_type is Result
    assert resolve_type(ep.body_type) is Batch and resolve_type(list[int]) == list[int]
    assert repr(ep.body_type) == f"LazyType({Batch!r})"


def test_lazy_types_through_a_client() -> None:
    calls = []

    def response_type() -> Any:
        calls.append(1)
        return Result

    ep = endpoint(body_type=None, response_type=LazyType(response_type))
    mock = Mock({"created": 2}, {"created": 3})
    client = mock.client()
    assert [client.events._request(ep, path={}, options={}).created for _ in range(2)] == [2, 3]
    assert calls == [1]


def test_gc_paused_restores_the_collector(gc_enabled: None) -> None:
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: still paused after the inner block
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError):
        with gc_paused():
            raise KeyError("x")
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled(gc_enabled: None) -> None:
    gc.disable()
    with gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_collector_paused_only_while_pydantic_builds(gc_enabled: None) -> None:
    seen: list[bool] = []

    def record(value: str) -> str:
        seen.append(gc.isenabled())
        return value

    class Watched(BaseModel):
        name: Annotated[str, AfterValidator(record)]

    body = endpoint(body_type=Watched, response_type=list[Watched])
    assert serialize_body(body, {"name": "a"}) == b'{"name":"a"}'
    response = httpx.Response(200, content=json.dumps([{"name": "b"}, {"name": "c"}]).encode())
    assert [w.name for w in RawResponse(response, body).parse()] == ["b", "c"]
    with pytest.raises(errors.RequestValidationError):
        serialize_body(body, {"name": 1})
    assert seen == [False, False, False] and gc.isenabled()


def test_escaped_success_key_still_takes_the_general_path() -> None:
    # "\u0073uccess" is "success": the body is an envelope even though the bytes do not say so
    content = b'{"\\u0073uccess": true, "result": {"created": 4}, "errors": [], "messages": []}'
    response = httpx.Response(200, content=content)
    assert RawResponse(response, endpoint(body_type=None)).parse() == Result(created=4)


# --- dates in the mirror: a string already written as pydantic writes it is sent as it is ------

DATETIME: TypeAdapter[dt.datetime] = TypeAdapter(dt.datetime)
OFFSETS = st.one_of(
    st.none(),
    st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: dt.timezone(dt.timedelta(minutes=m))),
)
SHAPED = st.from_regex(
    r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
    r"([Zz]|[+-][0-9]{2}:?[0-9]{2})?\Z",
    fullmatch=True,
)


EDITS = [
    lambda t: t.replace("Z", "+00:00"),
    lambda t: t.replace("Z", "-00:00"),
    lambda t: t.replace("Z", "z"),
    lambda t: t.replace("T", " "),
    lambda t: t[:19] + ".000000" + t[19:],
    lambda t: t[:19] + ".5" + t[19:],
    lambda t: t[:8] + "29" + t[10:],
    lambda t: t[:8] + "30" + t[10:],
    lambda t: t[:8] + "31" + t[10:],
    lambda t: t[:5] + "02-29" + t[10:],
    lambda t: t[:11] + "24" + t[13:],
    lambda t: t[:17] + "60" + t[19:],
    lambda t: "0000" + t[4:],
    lambda t: t + "\n",
    lambda t: t[:16],
]
NEAR_WRITTEN = st.tuples(
    st.datetimes(timezones=OFFSETS), st.lists(st.sampled_from(EDITS), min_size=1, max_size=3)
).map(lambda pair: _edited(DATETIME.dump_python(pair[0], mode="json"), pair[1]))


def _edited(text: str, edits: list[Any]) -> str:
    for edit in edits:
        text = edit(text)
    return text


class Stamped(Deferred):
    when: dt.datetime
    maybe: dt.datetime | None = None
    many: list[dt.datetime] | None = None


class StampedStrict(Stamped):
    model_config = ConfigDict(strict=True)


def sent(adapter: TypeAdapter[Any], value: object) -> bytes | str:
    try:
        return adapter.dump_json(adapter.validate_python(value), by_alias=True, exclude_unset=True)
    except ValidationError:
        return "rejected"


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        SHAPED,
        NEAR_WRITTEN,
        st.datetimes(timezones=OFFSETS).map(lambda d: DATETIME.dump_python(d, mode="json")),
        st.datetimes(timezones=OFFSETS).map(lambda d: d.isoformat()),
        st.datetimes(timezones=OFFSETS),
        st.integers(-(10**10), 10**10),
        st.text(max_size=30),
    )
)
def test_mirror_dates_send_what_the_model_sends(value: object) -> None:
    """Whatever the value (canonical or not, valid or not, a string, a datetime, a timestamp),
    the mirror accepts what the model accepts and sends the same bytes."""
    mirror: TypeAdapter[Any] = TypeAdapter(wire_type(Stamped))
    model: TypeAdapter[Stamped] = TypeAdapter(Stamped)
    body = {"when": value, "maybe": value, "many": [value, value]}
    assert sent(mirror, body) == sent(model, body)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(timezones=OFFSETS))
def test_every_date_pydantic_writes_is_recognised_as_written(value: dt.datetime) -> None:
    written = DATETIME.dump_python(value, mode="json")
    assert re.fullmatch(CANONICAL_DATETIME.strip("^$"), written), written


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-29T00:00:00Z",
        "2000-02-29T23:59:59.000001+23:59",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59.999999-00:01",
    ],
)
def test_written_dates_are_kept_as_given(text: str) -> None:
    value = TypeAdapter(wire_type(Stamped)).validate_python({"when": text})
    assert value["when"] is text


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-29T00:00:00Z",  # not a leap year
        "1900-02-29T00:00:00Z",  # divisible by 100, not by 400
        "2024-04-31T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:00+00:00",  # written as Z
        "2024-01-01T00:00:00.000000Z",  # written without microseconds
        "2024-01-01T00:00:00.5Z",  # written with six digits
        "0000-01-01T00:00:00Z",
        "2024-01-01T00:00:00Z\n",
    ],
)
def test_other_strings_are_not_taken_as_written(text: str) -> None:
    """Not kept as given: parsed (and written out as pydantic writes it), or rejected."""
    try:
        value = TypeAdapter(wire_type(Stamped)).validate_python({"when": text})
    except ValidationError:
        return
    assert isinstance(value["when"], dt.datetime)


def test_a_model_whose_config_changes_dates_keeps_them_declared() -> None:
    mirror = wire_type(StampedStrict)
    assert mirror.__annotations__["when"] == Required[dt.datetime]
    body = {"when": "2024-01-01T00:00:00Z"}
    assert sent(TypeAdapter(mirror), body) == sent(TypeAdapter(StampedStrict), body) == "rejected"


@pytest.mark.parametrize("year", [1, 4, 100, 200, 400, 1900, 2000, 2023, 2024, 2100, 2400, 9999])
def test_the_calendar_of_written_dates(year: int) -> None:
    """Every day of the year, and the days that do not exist, against ``datetime``'s calendar."""
    for month in range(1, 13):
        for day in range(1, 32):
            text = f"{year:04d}-{month:02d}-{day:02d}T12:00:00Z"
            try:
                dt.date(year, month, day)
                real = True
            except ValueError:
                real = False
            assert bool(re.fullmatch(CANONICAL_DATETIME.strip("^$"), text)) is real, text
