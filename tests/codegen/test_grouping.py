"""Resources and method names of documents without a config (generator.build.grouping)."""

from __future__ import annotations

import pytest

from generator.build.grouping import ROOT_RESOURCE, method_without_resource, resource_of


@pytest.mark.parametrize(
    ("tags", "path", "expected"),
    [
        (["Pet Store"], "/v1/anything", "pet_store"),
        (["Api20100401Account"], "/2010-04-01/Accounts.json", "account"),  # Twilio's tags
        (["Api20100401AddressList"], "/x", "address_list"),
        (["V1Pets"], "/x", "pets"),
        (["API Keys"], "/x", "api_keys"),  # "api" alone names the resource
        (["v2"], "/x", "v2"),  # nothing else: kept
        (None, "/v1/customers/{customer}/sources", "customers"),
        ([], "/2010-04-01/Accounts/{AccountSid}/Calls.json", "accounts"),
        ([""], "/api/v2/line-items", "line_items"),
        (None, "/responses/{id}?beta=true", "responses"),
        (None, "/{id}", ROOT_RESOURCE),
        (None, "/", ROOT_RESOURCE),
    ],
)
def test_untagged_operations_are_grouped_by_their_path(
    tags: object, path: str, expected: str
) -> None:
    assert resource_of(tags, path) == expected


@pytest.mark.parametrize(
    ("operation_id", "resource", "expected"),
    [
        ("repos_get", ("repos",), "get"),
        ("listPets", ("pets",), "list"),
        ("findPetsByStatus", ("pet",), "find_by_status"),  # plural operation, singular tag
        ("createAssistantFile", ("assistants",), "create_file"),
        ("GetCustomersCustomerSources", ("customers",), "get_customer_sources"),  # first run only
        ("listLineItems", ("line_items",), "list"),
        ("getInventory", ("store",), "getInventory"),  # nothing to remove: unchanged
        ("Pets", ("pets",), "Pets"),  # nothing left: unchanged
        ("pets_2fa", ("pets",), "pets_2fa"),  # a digit cannot start a name: unchanged
        ("petsitter_list", ("pets",), "petsitter_list"),  # whole words only
    ],
)
def test_method_names_drop_the_words_of_their_resource(
    operation_id: str, resource: tuple[str, ...], expected: str
) -> None:
    assert method_without_resource(operation_id, resource) == expected
