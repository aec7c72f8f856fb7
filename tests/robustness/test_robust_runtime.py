"""The generated kitchen-sink clients on the wire (httpx.MockTransport, no network): query
styles, header and cookie parameters, multipart / form / binary / text bodies, binary and text
responses, bodiless 2xx answers, tagged unions."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import importlib
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from pydantic import TypeAdapter, ValidationError

from tests.robustness.support import Generated, credentials

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A transport answering from a table of (method, path) -> response, keeping every request."""

    def __init__(self, routes: dict[tuple[str, str], httpx.Response]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.routes[(request.method, request.url.path)]

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def _client(package: str, recorder: Recorder) -> Any:
    module = importlib.import_module(package)
    return module.Client(
        **credentials(module), http_client=httpx.Client(transport=httpx.MockTransport(recorder))
    )


def _query(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True)


def _multipart(request: httpx.Request) -> list[tuple[str, str | None, str, bytes]]:
    """(field name, filename, content type, payload) of each part, parsed by the stdlib."""
    raw = (
        b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + request.content
    )
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    assert message.is_multipart()
    parts = []
    for part in message.iter_parts():
        parts.append(
            (
                part.get_param("name", header="content-disposition"),
                part.get_filename(),
                part.get_content_type(),
                part.get_payload(decode=True),
            )
        )
    return parts


@pytest.fixture
def ks30(generated: Callable[[str], Generated]) -> str:
    return generated("kitchen_sink_30").package


@pytest.fixture
def ks31(generated: Callable[[str], Generated]) -> str:
    return generated("kitchen_sink_31").package


def test_query_styles_headers_and_cookies(ks30: str) -> None:
    rec = Recorder(
        {
            ("GET", "/v1/pets"): httpx.Response(
                200, json=[{"id": 1, "name": "Rex", "species": "dog"}]
            )
        }
    )
    pets = _client(ks30, rec).pet_store.list_pets(
        session_id="abc; def",
        theme="dark",
        tags=["a", "b"],
        status=["available", "in-progress"],
        filter={"species": "cat", "min_age": 2},
        color={"R": 100, "G": 200},
        point={"x": 1, "y": 2},
        ids=[1, 2, 3],
        words=["big", "cat"],
        where={"field": "name", "equals": "x"},
        class_="k",
        self_=True,
        limit=5,
        x_request_id="req-1",
        x_trace_id="00000000-0000-0000-0000-000000000000",
    )
    assert pets[0].name == "Rex" and pets[0].legs == 4  # defaults from the spec
    assert _query(rec.last) == [
        ("limit", "5"),
        ("tags", "a,b"),  # form, explode false
        ("status", "available"),  # form, exploded: the key repeats
        ("status", "in-progress"),
        ("filter[species]", "cat"),  # deepObject
        ("filter[min_age]", "2"),
        ("color", "R,100,G,200"),  # object, form, explode false
        ("x", "1"),  # object, form, exploded: its properties become parameters
        ("y", "2"),
        ("ids", "1|2|3"),  # pipeDelimited
        ("words", "big cat"),  # spaceDelimited
        ("where", '{"field":"name","equals":"x"}'),  # content: application/json
        ("class", "k"),
        ("self", "true"),
    ]
    assert rec.last.headers["X-Request-ID"] == "req-1"  # a path-item-level $ref'd parameter
    assert rec.last.headers["X-Trace-Id"] == "00000000-0000-0000-0000-000000000000"
    assert (
        rec.last.headers["Cookie"] == "session_id=abc%3B%20def; theme=dark"
    )  # cookies are cookies
    assert "session_id" not in rec.last.headers


def test_several_2xx_and_bodiless_answers(ks30: str) -> None:
    pet = {"id": 7, "name": "Rex", "species": "dog"}
    rec = Recorder({("POST", "/v1/pets"): httpx.Response(201, json=pet)})
    client = _client(ks30, rec)
    assert client.pet_store.pets_create(name="Rex", species="dog").id == 7
    assert rec.last.headers["content-type"] == "application/json"
    rec.routes[("POST", "/v1/pets")] = httpx.Response(202)
    assert client.pet_store.pets_create(name="Rex", species="dog") is None
    rec.routes[("GET", "/v1/export")] = httpx.Response(204)
    assert client.admin_ops.export(format="csv") is None
    rec.routes[("GET", "/v1/defaults-only")] = httpx.Response(
        200, json={"title": "fine", "extra": 1}
    )
    assert client.garden.default_only().title == "fine"


def test_multipart_upload(ks30: str) -> None:
    rec = Recorder({("PUT", "/v1/pets/3/photo"): httpx.Response(200, json={"id": "p1"})})
    photo = _client(ks30, rec).pet_store.upload_photo(
        pet_id=3,
        file=("cat.png", b"\x89PNG\x00", "image/png"),
        thumbnails=[b"small", ("medium.png", b"medium")],
        caption='a "quoted"\ncaption',
        tags=["x", "y"],
        metadata={"width": 10, "height": 20},
    )
    assert photo.id == "p1"
    assert rec.last.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert _multipart(rec.last) == [
        ("file", "cat.png", "image/png", b"\x89PNG\x00"),
        ("thumbnails", "thumbnails", "application/octet-stream", b"small"),
        ("thumbnails", "medium.png", "application/octet-stream", b"medium"),
        ("caption", None, "text/plain", b'a "quoted"\ncaption'),
        ("tags", None, "text/plain", b"x"),
        ("tags", None, "text/plain", b"y"),
        ("metadata", None, "application/json", b'{"width":10,"height":20}'),
    ]


def test_form_octet_stream_and_text_bodies_and_responses(ks30: str) -> None:
    rec = Recorder(
        {
            ("POST", "/v1/login"): httpx.Response(
                200, text="session-token", headers={"content-type": "text/plain; charset=utf-8"}
            ),
            ("PUT", "/v1/blobs/k 1"): httpx.Response(201, text="etag-1"),
            ("GET", "/v1/blobs/k"): httpx.Response(206, content=b"\x00\x01part"),
            ("POST", "/v1/notes"): httpx.Response(200, json={"text": "hello"}),
            ("GET", "/v1/pets/3/photo"): httpx.Response(
                200, content=b"\x89PNG", headers={"content-type": "image/png"}
            ),
        }
    )
    client = _client(ks30, rec)
    assert (
        client.admin_ops.login(username="ann", password="p w&d", remember=True, scopes=["r", "w"])
        == "session-token"
    )
    assert rec.last.headers["content-type"] == "application/x-www-form-urlencoded"
    assert rec.last.content == b"username=ann&password=p+w%26d&remember=true&scopes=r&scopes=w"
    assert rec.last.headers["accept"] == "text/plain"
    assert (
        client.admin_ops.put_blob(key="k 1", content=b"\x00\xff", content_md5="c3VtCg==")
        == "etag-1"
    )
    assert (
        rec.last.content == b"\x00\xff"
        and rec.last.headers["content-type"] == "application/octet-stream"
    )
    assert rec.last.headers["Content-MD5"] == "c3VtCg=="
    assert client.admin_ops.get_blob(key="k") == b"\x00\x01part"  # a second 2xx (206), binary too
    note = client.admin_ops.add_note(content="hello ✓")
    assert note.text == "hello"
    assert (
        rec.last.content == "hello ✓".encode()
        and rec.last.headers["content-type"] == "text/plain; charset=utf-8"
    )
    assert client.pet_store.download_photo(pet_id=3) == b"\x89PNG"
    assert rec.last.headers["accept"] == "image/png"
    raw = client.pet_store.with_raw_response.download_photo(pet_id=3)
    assert raw.parse() == b"\x89PNG" and raw.status_code == 200


def test_tagged_unions(ks30: str) -> None:
    models = importlib.import_module(f"{ks30}.models")
    shape: TypeAdapter[Any] = TypeAdapter(models.Shape)
    assert (
        type(shape.validate_python({"kind": "round", "radius": 1})).__name__ == "Circle"
    )  # mapping
    assert (
        type(shape.validate_python({"kind": "square", "side": 2})).__name__ == "Square"
    )  # bare-name mapping
    assert (
        type(shape.validate_python({"kind": "triangle", "base": 1, "height": 2})).__name__
        == "Triangle"
    )  # enum tag
    with pytest.raises(ValidationError, match="union_tag"):
        shape.validate_python({"kind": "hexagon", "radius": 1})
    event: TypeAdapter[Any] = TypeAdapter(models.Event)  # inline members, single-valued enums
    assert (
        type(event.validate_python({"type": "deleted", "reason": "r"})).__name__
        == "EventTypeDeleted"
    )
    # allOf polymorphism (discriminator on the base, no oneOf): a subtype parses as the base, nothing lost
    order = models.Order.model_validate({"vehicle": {"vtype": "car", "wheels": 4, "seats": 5}})
    assert order.vehicle.model_extra == {"seats": 5}
    rec = Recorder(
        {("POST", "/v1/shapes"): httpx.Response(200, json={"kind": "circle", "radius": 2.5})}
    )
    client = _client(ks30, rec)
    result = client.uber_tag.post_get_shape(
        body=models.Square(kind="Square", side=3)
    )  # implicit mapping
    assert result.radius == 2.5
    assert rec.last.content == b'{"kind":"Square","side":3.0}'


def test_readable_names(generated: Callable[[str], Generated]) -> None:
    api = generated("kitchen_sink_30").result.api
    names = {m.name for m in api.models}
    # context first: Order's inline `shipping` is OrderShippingInline (a component owns OrderShipping)
    assert {
        "OrderShipping",
        "OrderShippingInline",
        "OrderShippingInlineAddressGeo",
        "OrderLine",
        "PetOwner",
    } <= names
    assert {
        "Pet",
        "PetSchema",
        "Class",
        "List",
        "BaseModelModel",
        "N3DPoint",
    } <= names  # case, keywords, digits
    fields = {
        m.name: {f.wire_name: f.py_name for f in m.fields} for m in api.models if m.kind == "object"
    }
    assert fields["Names"] == {
        "name": "name", "Name": "Name", "NAME": "NAME", "petType": "petType", "pet_type": "pet_type",
        "pet-type": "pet_type_", "": "value", "with space": "with_space", "ünïcödé": "unicode",
    }  # fmt: skip
    assert (
        fields["Class"]["class"] == "class_" and fields["Class"]["model_config"] == "model_config_"
    )
    assert fields["Class"]["date"] == "date_"  # would shadow the type of its own annotation
    ops = {op.operation_id: op.py_name for op in api.operations()}
    assert (
        ops["list pets"] == "list_pets"
        and ops["pets/create"] == "pets_create"
        and ops["get-pet"] == "get_pet"
    )
    assert (
        ops["créerForme"] == "creer_forme"
        and ops["class"] == "class_"
        and ops["123go"] == "n123_go"
    )
    assert {ops["getShape"], ops["GetShape"]} == {"get_shape", "post_get_shape"}
    assert (
        ops["delete_pets_petId"] == "delete_pets_pet_id"
    )  # no operationId: derived from method and path


def test_kitchen_sink_31_bodies_and_responses(ks31: str) -> None:
    rec = Recorder(
        {
            ("GET", "/api/files/a.txt"): httpx.Response(
                200, text="héllo", headers={"content-type": "text/plain; charset=utf-8"}
            ),
            ("POST", "/api/files/a.bin"): httpx.Response(201, json={"path": "a.bin", "size": 3}),
            ("GET", "/api/books/b1/cover"): httpx.Response(200, content=b"JFIF"),
            ("PUT", "/api/books/b1/cover"): httpx.Response(204),
            ("POST", "/api/subscribe"): httpx.Response(
                200, text="<p>ok</p>", headers={"content-type": "text/html"}
            ),
            ("POST", "/api/notes"): httpx.Response(201),
            ("GET", "/api/search"): httpx.Response(200, json={"hits": [{"name": "Ann"}]}),
        }
    )
    client = _client(ks31, rec)
    files = client.media_files
    assert files.read_text(path="a.txt") == "héllo"
    rec.routes[("GET", "/api/files/a.txt")] = httpx.Response(203, content=b"\xff\xfe")
    assert files.read_text(path="a.txt") == b"\xff\xfe"  # the 203 is binary
    assert rec.last.headers["accept"] == "text/plain, application/octet-stream"
    info = files.upload_raw(path="a.bin", content=b"abc")
    assert info.size == 3 and rec.last.headers["content-type"] == "application/octet-stream"
    assert files.download_cover(book_id="b1") == b"JFIF"
    assert rec.last.headers["accept"] == "image/jpeg, image/png"
    assert (
        files.upload_cover(
            book_id="b1",
            image=b"JFIF",
            alt="front",
            attachments=[("a.pdf", b"%PDF", "application/pdf")],
            meta={"source": "scan"},
        )
        is None
    )
    assert [(n, f, t) for n, f, t, _ in _multipart(rec.last)] == [
        ("image", "image", "application/octet-stream"),
        ("alt", None, "text/plain"),
        ("attachments", "a.pdf", "application/pdf"),
        ("meta", None, "application/json"),
    ]
    assert client.import_.subscribe(email="a@b.test", topics=["x"], daily=False) == "<p>ok</p>"
    assert rec.last.content == b"email=a%40b.test&topics=x&daily=false"
    assert client.import_.post_notes(content="# title") is None
    assert rec.last.headers["content-type"] == "text/markdown; charset=utf-8"
    result = client.unicode_tag.unicode_search(
        q="dune",
        page={"size": 10, "number": 2},
        fields=["title", "year"],
        sort=["a", "b"],
        year=1965,
        prefs=["dark", "compact"],
        x_api_version="2",
    )
    assert type(result.hits[0]).__name__ == "Author"
    assert _query(rec.last) == [
        ("q", "dune"),
        ("page[size]", "10"),
        ("page[number]", "2"),
        ("fields", "title,year"),
        ("year", "1965"),
        ("sort", "a|b"),
    ]
    assert (
        rec.last.headers["cookie"] == "prefs=dark,compact"
        and rec.last.headers["x-api-version"] == "2"
    )


def test_kitchen_sink_31_async_and_recursive_alias(ks31: str) -> None:
    module = importlib.import_module(ks31)
    models = importlib.import_module(f"{ks31}.models")
    value = {"a": [1.5, "x", None, {"b": True}]}
    assert TypeAdapter(models.JsonValue).validate_python(value) == value
    rec = Recorder({("POST", "/api/lives"): httpx.Response(200, json=value)})

    async def call() -> Any:
        async with module.AsyncClient(
            **credentials(module), http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec))
        ) as client:
            return await client.n9_lives.nine_lives(body=value)

    assert asyncio.run(call()) == value
    events: TypeAdapter[Any] = TypeAdapter(
        list[models.LibraryEvent]
    )  # tagged by const, no discriminator
    parsed = events.validate_python(
        [{"event": "closed"}, {"event": "return", "book": {"id": "1", "title": "t", "authors": []}}]
    )
    assert [type(e).__name__ for e in parsed] == [
        "LibraryEventEventClosed",
        "LibraryEventEventReturn",
    ]
