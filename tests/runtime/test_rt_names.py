"""The runtime names the generator relies on (``generator.build.runtime_names``) are the runtime's.

The generator never imports the runtime it copies into each package; these tests tie the facts it
holds about that runtime to the runtime itself (``templates/runtime``, importable as ``rtpkg._core``).
"""

from __future__ import annotations

import ast
from pathlib import Path

from rtpkg._core import client, endpoint, settings, types

from generator.build.registry import RESERVED_CLASS_NAMES
from generator.build.runtime_names import CLIENT_ATTRIBUTES, PATH_PLACEHOLDER
from generator.build.typeexpr import IMPORTED_HELPERS

ROOT = Path(__file__).resolve().parents[2]


def test_path_placeholders_are_read_as_the_endpoint_reads_them() -> None:
    assert PATH_PLACEHOLDER.pattern == endpoint.PATH_PLACEHOLDER.pattern
    assert PATH_PLACEHOLDER.flags == endpoint.PATH_PLACEHOLDER.flags


def _public_attributes(cls: type[client.BaseClient]) -> set[str]:
    class Probe(cls):  # type: ignore[valid-type,misc]
        _settings = settings.ClientSettings(
            dist_name="probe", version="0", default_base_url="https://x"
        )

    instance = Probe(http_client=None)
    try:
        return {name for name in dir(instance) if not name.startswith("_")}
    finally:
        if isinstance(instance, client.SyncAPIClient):
            instance.close()


def test_client_attributes_are_every_public_attribute_of_the_runtime_clients() -> None:
    """A resource named like one of these is renamed; one missing here would be shadowed."""
    public = _public_attributes(client.SyncAPIClient) | _public_attributes(client.AsyncAPIClient)
    assert public == set(CLIENT_ATTRIBUTES)


def _resource_runtime_imports() -> set[str]:
    """Every name a generated resource module of our package imports from the runtime."""
    names: set[str] = set()
    for path in (ROOT / "generated" / "cloudforce_one_events" / "resources").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("_core."):
                names |= {alias.asname or alias.name for alias in node.names}
    return names


def test_no_model_may_take_a_name_the_resource_modules_import_from_the_runtime() -> None:
    """Resource modules name models through the models package, but a class body resolves the
    runtime names it imports: a model of the same name must be renamed, never shadow them."""
    imported = _resource_runtime_imports()
    assert {"Endpoint", "SyncResource", "NotGiven"} <= imported  # the scan found the imports
    # functions (as_raw) and constants (NOT_GIVEN) are not CamelCase: no class name can equal them
    class_like = {name for name in imported if not (name.islower() or name.isupper())}
    assert class_like - RESERVED_CLASS_NAMES == set()


def test_runtime_helpers_a_type_expression_may_spell_exist_in_the_runtime() -> None:
    assert {"FileInput", "LazyType"} <= IMPORTED_HELPERS
    assert isinstance(endpoint.LazyType, type)
    assert types.FileInput is not None
