"""Naming is decided once, in generator.build.naming: these tests pin the rules."""

import keyword

import pytest

from generator.build.naming import (
    MAX_NAME,
    NameRegistry,
    class_name,
    configured_name_problem,
    field_name,
    item_name,
    method_name,
    package_from_title,
    param_name,
    singular,
    snake,
    status_suffix,
)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("datasetId", "dataset_id"),
        ("pageSize", "page_size"),
        ("originCountryISOAlpha3", "origin_country_iso_alpha3"),
        ("X-Auth-Key", "x_auth_key"),
        ("HTTPServer", "http_server"),
        (
            "post_DOSEventCreateBulkWithRelationships",
            "post_dos_event_create_bulk_with_relationships",
        ),
        ("revert-do", "revert_do"),
        ("list pets / by owner", "list_pets_by_owner"),
        ("ümlaut name", "umlaut_name"),
        ("123abc", "n123_abc"),
        ("", "value"),
        ("!!!", "value"),
        # words written in mixed case stay one word
        ("OAuth2Security", "oauth2_security"),
        ("oauth2", "oauth2"),
        ("OpenIDConnect", "openid_connect"),
        ("openIdConnect", "open_id_connect"),
        ("IPv4Address", "ipv4_address"),
        ("ETag", "etag"),
        ("GitHubToken", "github_token"),
        ("AuthZ", "authz"),
        ("AuthZone", "auth_zone"),
        ("AValue", "a_value"),
    ],
)
def test_snake_case_of_wire_names(wire: str, expected: str) -> None:
    assert snake(wire) == expected


@pytest.mark.parametrize("word", ["class", "from", "import", "lambda", "None", "True", "async"])
def test_keywords_are_escaped_with_a_trailing_underscore(word: str) -> None:
    assert param_name(word) == snake(word) + ("_" if keyword.iskeyword(snake(word)) else "")
    assert not keyword.iskeyword(field_name(word))


@pytest.mark.parametrize(
    "name", ["json", "copy", "dict", "schema", "model_config", "model_dump", "validate"]
)
def test_pydantic_attribute_names_are_escaped_on_fields(name: str) -> None:
    assert field_name(name) == snake(name) + "_"


@pytest.mark.parametrize(
    "name", ["timeout", "extra_headers", "extra_query", "extra_body", "retry_unsafe", "self"]
)
def test_parameters_never_shadow_the_request_options(name: str) -> None:
    assert param_name(name) == name + "_"


def test_type_names_are_not_escaped_on_parameters() -> None:
    # `create(date=...)` is the documented surface; annotations resolve at module level
    assert param_name("date") == "date"
    assert param_name("type") == "type"


def test_class_names() -> None:
    assert class_name("threat events") == "ThreatEvents"
    assert class_name("BaseModel") == "BaseModelModel"
    assert class_name("1st") == "N1St"


def test_long_class_names_are_shortened_by_words_never_hashed() -> None:
    twilio = "api.v2010.account.available_phone_number_country.available_phone_number_machine_to_machine.capabilities"
    assert (
        class_name(twilio) == "ApiV2010AccountAvailablePhoneNumberCountryMachineToCapabilities"
    )  # repeats dropped
    deep = "create assistant request tool resources object file search vector store chunking strategy static config"
    assert (
        class_name(deep)
        == "CreateToolResourcesObjectFileSearchVectorStoreChunkingStrategyStaticConfig"
    )  # middle dropped
    assert class_name(deep) == class_name(deep)  # deterministic
    assert all(len(class_name(n)) <= MAX_NAME for n in (twilio, deep, "x" * 500))


@pytest.mark.parametrize(
    ("status", "suffix"),
    [
        ("200", "Response"),
        ("2XX", "Response"),
        ("404", "NotFoundError"),
        ("429", "TooManyRequestsError"),
        ("4XX", "ClientError"),
        ("5XX", "ServerError"),
        ("499", "ClientError"),
        ("default", "Error"),
    ],
)
def test_inline_response_classes_say_what_the_status_means(status: str, suffix: str) -> None:
    assert status_suffix(status) == suffix


def test_method_names_avoid_resource_members() -> None:
    assert method_name("with_raw_response") == "with_raw_response_"
    assert method_name("deprecated") == "deprecated_"  # a decorator of the class body
    assert method_name("class") == "class_"
    assert method_name("getEventList") == "get_event_list"


@pytest.mark.parametrize(
    "name",
    ["copy", "json", "dict", "validate", "model_dump", "options", "timeout", "with_tags", "self"],
)
def test_method_names_reserve_only_what_collides_on_a_resource_class(name: str) -> None:
    """Pydantic's model attributes and the request options are not members of a resource class:
    a method may take their names."""
    assert method_name(name) == name
    assert configured_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("with_raw_response", "already has a member"),
        ("with_streaming_response", "already has a member"),
        ("cached_property", "decorator"),
        ("deprecated", "decorator"),
        ("class", "keyword"),
        ("_client", "underscore"),
        ("getLegacy", "not snake_case; write 'get_legacy'"),
        ("list-all", "not a Python identifier"),
    ],
)
def test_configured_names_that_cannot_be_honoured_say_why(name: str, reason: str) -> None:
    problem = configured_name_problem(name)
    assert problem is not None and reason in problem


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("events", "event"),
        ("aliases", "alias"),
        ("categories", "category"),
        ("boxes", "box"),
        ("status", "status"),
        ("data", "data"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_item_names_come_from_the_property() -> None:
    assert item_name("BulkCreateResult", "createdEvents") == "BulkCreateResultCreatedEvent"
    assert item_name("Upload", "data") == "UploadDataItem"


def test_registry_uses_context_before_numbers() -> None:
    registry = NameRegistry()
    assert registry.claim("Owner") == ("Owner", False)
    assert registry.claim("Owner", "RepositoryOwner") == ("RepositoryOwner", False)
    assert registry.claim("Owner", "RepositoryOwner") == ("RepositoryOwner2", True)


def test_registry_can_treat_names_differing_in_case_as_equal() -> None:
    registry = NameRegistry()
    registry.claim("Pet", case_insensitive=True)
    assert registry.claim("pet", "PetSchema", case_insensitive=True) == ("PetSchema", False)


@pytest.mark.parametrize(
    ("title", "package"),
    [
        ("Swagger Petstore - OpenAPI 3.0", "swagger_petstore"),
        ("Spotify Web API with fixes and improvements from sonallux", "spotify_web_api"),
        ("Discord HTTP API (Preview)", "discord_http_api"),
        ("Twilio - Api", "twilio"),
        ("Datadog API V1 Collection", "datadog_api_v1_collection"),  # V1 is inside: kept
        ("Widgets API v2", "widgets_api"),
        ("Test 3.1 Features", "test_3_1_features"),
        ("Billing: the internal API", "billing"),
        ("- OpenAPI 3.0", "open_api_3_0"),  # nothing before the dash: the whole title
        ("3.0", "n3_0"),
        ("Kubernetes", "kubernetes"),
    ],
)
def test_package_names_from_titles_drop_what_describes_the_api(title: str, package: str) -> None:
    assert package_from_title(title) == package
