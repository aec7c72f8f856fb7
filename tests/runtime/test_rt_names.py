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


def _placeholder_lines(source: str) -> dict[int, str]:
    """Line number -> how the placeholder stands there: ``statement`` (in a statement that is
    one line), ``item`` (a string item on its own line, a trailing comma after it), ``docstring``
    (a line of a multi-line string that is not its last), or ``other``."""
    import io
    import tokenize

    lines = source.splitlines()
    kinds: dict[int, str] = {}
    logical: list[tokenize.TokenInfo] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        logical.append(tok)
        if tok.type not in (tokenize.NEWLINE, tokenize.ENDMARKER):
            continue
        layout = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
        first = next((t for t in logical if t.type not in layout), tok)
        one_line = first.start[0] == tok.start[0]
        for t in logical:
            if t.type == tokenize.NAME and t.string == "PackageError":
                kinds[t.start[0]] = "statement" if one_line else "other"
            elif t.type == tokenize.STRING and "PackageError" in t.string:
                parts = t.string.splitlines()
                for offset, text in enumerate(parts):
                    if "PackageError" not in text:
                        continue
                    line = t.start[0] + offset
                    if lines[line - 1].strip() == '"PackageError",':
                        kinds[line] = "item"
                    elif len(parts) > 1 and offset < len(parts) - 1:
                        kinds[line] = "docstring"
                    else:
                        kinds[line] = "statement" if one_line else "other"
        logical = []
    return kinds


def test_the_error_placeholder_stands_only_where_black_keeps_lines_while_they_fit() -> None:
    """renamed_in_shape relies on it: then a renamed runtime module needs no formatter."""
    seen = 0
    for path in sorted((ROOT / "templates" / "runtime").glob("*.py")):
        kinds = _placeholder_lines(path.read_text(encoding="utf-8"))
        assert "other" not in kinds.values(), (path.name, kinds)
        seen += len(kinds)
    assert seen >= 10  # the scan found the placeholder where it is


def test_a_renamed_runtime_module_is_black_shaped_whenever_renamed_in_shape_says_so() -> None:
    import black

    from generator.render.formatters import black_mode
    from generator.render.renderer import _PLACEHOLDER_ERROR, renamed_in_shape

    mode = black_mode()
    sources = [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "templates" / "runtime").glob("*.py"))
        if "PackageError" in p.read_text(encoding="utf-8")
    ]
    verdicts = set()
    for length in (1, 5, 12, 18, 30, 40, 45, 60):
        name = "E" * length
        for source in sources:
            named = _PLACEHOLDER_ERROR.sub(name, source)
            verdict = renamed_in_shape(source, named)
            verdicts.add(verdict)
            if verdict:
                assert black.format_str(named, mode=mode) == named, (name, source[:60])
    assert verdicts == {True, False}  # both sides of the rule were exercised
