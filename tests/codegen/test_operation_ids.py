"""The operationId of an operation without one is decided once (generator.build.operation_ids),
for the generator and the change report alike: these tests pin the rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.build.api import build_api
from generator.build.operation_ids import derived_operation_id, operation_sites
from generator.diagnostics import Diagnostics
from generator.load.config import Config
from generator.load.loader import load_spec
from tests.conftest import minimal_spec

OK = {"responses": {"200": {"description": "ok"}}}


def test_derived_from_method_and_path_words() -> None:
    assert derived_operation_id("get", "/events/{dataset_id}/raw") == "get_events_dataset_id_raw"
    assert derived_operation_id("post", "/a-b/c.d/") == "post_a_b_c_d"


def test_derived_ids_are_numbered_while_taken() -> None:
    assert derived_operation_id("get", "/a", {"get_a"}) == "get_a_2"
    assert derived_operation_id("get", "/a", {"get_a", "get_a_2"}) == "get_a_3"


def test_derived_ids_avoid_explicit_ids_written_later_and_ids_derived_before() -> None:
    doc = minimal_spec(
        paths={
            "/a-b": {"get": OK},
            "/a_b": {"get": OK},
            "/c": {"get": OK, "post": {**OK, "operationId": "get_c"}},
        }
    )
    found = [(op.pointer, op.operation_id) for op in operation_sites(doc)]
    assert found == [
        ("/paths/~1a-b/get", "get_a_b"),
        ("/paths/~1a_b/get", "get_a_b_2"),
        ("/paths/~1c/get", "get_c_2"),  # "get_c" is the POST's own id
        ("/paths/~1c/post", "get_c"),
    ]


def test_path_items_by_reference_are_walked_and_their_ids_count() -> None:
    doc = minimal_spec(
        paths={"/get": {"get": OK}, "/x": {"$ref": "#/components/pathItems/X"}},
        components={"pathItems": {"X": {"get": {**OK, "operationId": "get_get"}}}},
    )
    found = [(op.pointer, op.operation_id) for op in operation_sites(doc)]
    assert found == [("/paths/~1get/get", "get_get_2"), ("/components/pathItems/X/get", "get_get")]


def test_the_generator_uses_these_ids(write_spec: Callable[..., Path]) -> None:
    doc: dict[str, Any] = minimal_spec(
        paths={
            "/get": {"get": OK},
            "/x": {"$ref": "#/components/pathItems/X"},
            "/y/{id}": {"delete": OK},
        },
        components={"pathItems": {"X": {"get": {**OK, "operationId": "get_get"}}}},
    )
    api = build_api(load_spec(write_spec(doc)), Config(), Diagnostics())
    built = {op.operation_id for op in api.operations()}
    assert (
        built
        == {site.operation_id for site in operation_sites(doc)}
        == {"get_get", "get_get_2", "delete_y_id"}
    )
