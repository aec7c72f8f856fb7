"""Clients generated for small documents of each security scheme kind send what each operation's
``security`` names, checked by a real HTTP server on 127.0.0.1 that records every request.

The documents are in ``tests/fixtures/specs/auth``: one per kind (apiKey in a header and in the
query, http basic and bearer, none at all), and a mixed one (an OAuth2 client-credentials token,
a cookie + header pair, Digest, OpenID Connect, an unsupported mutualTLS scheme).
"""

from __future__ import annotations

import base64
import importlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "fixtures" / "specs" / "auth"
KINDS = ("header", "query", "basic", "bearer", "none", "mixed")
PACKAGES = {kind: f"widgets_{'open' if kind == 'none' else kind}" for kind in KINDS}
PACKAGES["header"], PACKAGES["query"] = "widgets_header_key", "widgets_query_key"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every fixture document generated (without a config) into one folder on ``sys.path``."""
    root = tmp_path_factory.mktemp("auth-clients")
    for kind in KINDS:
        out = root / kind
        subprocess.run(
            [sys.executable, "-m", "generator", "generate", "--no-config", "--out", str(out),
             "--spec", str(SPECS / f"auth_{kind}.yaml")],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )  # fmt: skip
        sys.path.insert(0, str(out))
    yield root
    for kind in KINDS:
        sys.path.remove(str(root / kind))


def package(generated: Path, kind: str) -> ModuleType:
    return importlib.import_module(PACKAGES[kind])


class Recorder(BaseHTTPRequestHandler):
    """Answers every GET with a body valid for the fixtures; 401 for the token ``expired``."""

    seen: list[tuple[str, dict[str, str]]] = []

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.seen.append((self.path, headers))
        if headers.get("authorization") == "Bearer expired":
            self._answer(401, {"message": "expired"})
        elif self.path.startswith("/v1/widgets"):
            self._answer(200, [])
        else:
            self._answer(200, {"ok": True})

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    """A base URL on 127.0.0.1 and the (path, headers) of every request it received."""
    seen: list[tuple[str, dict[str, str]]] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_api_key_header_is_sent_under_its_declared_name(generated: Path, server: Any) -> None:
    base, seen = server
    client = package(generated, "header").Client(api_key_auth="k-123", base_url=base)
    client.widgets.list()
    client.health.get()
    assert seen[0][0] == "/v1/widgets" and seen[0][1]["x-api-key"] == "k-123"
    assert seen[1][0] == "/v1/health" and "x-api-key" not in seen[1][1]  # security: []


def test_api_key_query_is_sent_in_the_query(generated: Path, server: Any) -> None:
    base, seen = server
    client = package(generated, "query").Client(api_key="q 1", base_url=base)
    client.widgets.list()
    client.health.get()
    assert seen[0][0] == "/v1/widgets?api_key=q+1"
    assert seen[1][0] == "/v1/health"


def test_basic_takes_a_pair_and_the_environment(
    generated: Path, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, seen = server
    widgets = package(generated, "basic")
    widgets.Client(basic_auth=("ann", "s3cret"), base_url=base).widgets.list()
    monkeypatch.setenv("WIDGETS_BASIC_BASIC_AUTH", "bob:pw:with:colons")
    widgets.Client(base_url=base).widgets.list()
    assert seen[0][1]["authorization"] == "Basic " + base64.b64encode(b"ann:s3cret").decode()
    assert (
        seen[1][1]["authorization"] == "Basic " + base64.b64encode(b"bob:pw:with:colons").decode()
    )


def test_missing_credential_raises_before_sending_naming_argument_and_env(
    generated: Path, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, seen = server
    widgets = package(generated, "bearer")
    monkeypatch.delenv("WIDGETS_BEARER_BEARER_AUTH", raising=False)
    client = widgets.Client(base_url=base)  # an open operation exists: no credentials needed yet
    client.health.get()
    with pytest.raises(widgets.ConfigurationError) as info:
        client.widgets.list()
    assert "bearer_auth=" in str(info.value) and "WIDGETS_BEARER_BEARER_AUTH" in str(info.value)
    assert [path for path, _ in seen] == ["/v1/health"]
    widgets.Client(bearer_auth="tok", base_url=base).widgets.list()
    assert seen[1][1]["authorization"] == "Bearer tok"


def test_a_document_without_security_needs_no_credentials(generated: Path, server: Any) -> None:
    base, seen = server
    widgets = package(generated, "none")
    widgets.Client(base_url=base).widgets.list()
    assert "authorization" not in seen[0][1]
    with pytest.raises(TypeError, match="unexpected keyword argument 'api_key'"):
        widgets.Client(api_key="x")


def test_alternatives_in_order_and_a_pair_sends_both(generated: Path, server: Any) -> None:
    base, seen = server
    mixed = package(generated, "mixed")
    pair = mixed.Client(session_cookie="sess-1", tenant_key="ten-1", base_url=base)
    pair.widgets.list()
    assert seen[0][1]["cookie"] == "SESSION=sess-1" and seen[0][1]["x-tenant-key"] == "ten-1"
    both = mixed.Client(oauth="tok", session_cookie="s", tenant_key="t", base_url=base)
    both.widgets.list()  # the first alternative the client holds: oauth
    assert seen[1][1]["authorization"] == "Bearer tok" and "cookie" not in seen[1][1]
    digest = 'username="u", realm="r", nonce="n", uri="u", response="x"'
    mixed.Client(digest_auth=digest, oidc="id-tok", base_url=base).reports.get()
    assert seen[2][1]["authorization"] == "Digest " + digest
    mixed.Client(oidc="id-tok", base_url=base).reports.get()
    assert seen[3][1]["authorization"] == "Bearer id-tok"
    with pytest.raises(mixed.ConfigurationError, match="tenant_key is missing"):
        mixed.Client(session_cookie="s", base_url=base).widgets.list()
    assert len(seen) == 4


def test_token_provider_is_asked_again_once_after_a_401(generated: Path, server: Any) -> None:
    base, seen = server
    tokens = iter(["expired", "fresh", "unused"])
    client = package(generated, "mixed").Client(oauth=lambda: next(tokens), base_url=base)
    assert client.widgets.list() == []
    assert [h["authorization"] for _, h in seen] == ["Bearer expired", "Bearer fresh"]


async def _async_list(mixed: ModuleType, base: str) -> Any:
    async with mixed.AsyncClient(oauth="atok", base_url=base) as client:
        return await client.widgets.list()


def test_async_client_sends_the_same(generated: Path, server: Any) -> None:
    import asyncio

    base, seen = server
    assert asyncio.run(_async_list(package(generated, "mixed"), base)) == []
    assert seen[0][1]["authorization"] == "Bearer atok"


def test_credentials_never_in_repr_or_errors(generated: Path) -> None:
    mixed = package(generated, "mixed")
    client = mixed.Client(session_cookie="SECRET-cookie", tenant_key="SECRET-key")
    assert "SECRET" not in repr(client) and "session_cookie='***'" in repr(client)
    with pytest.raises(mixed.ConfigurationError) as info:
        mixed.Client(tenant_key="SECRET bad\r\n")
    assert "SECRET" not in str(info.value) and "tenant_key" in str(info.value)


def test_unknown_keywords_raise_with_did_you_mean(generated: Path, server: Any) -> None:
    base, seen = server
    client = package(generated, "bearer").Client(bearer_auth="t", base_url=base)
    with pytest.raises(TypeError, match=r"'timeuot' \(did you mean 'timeout'\?\)"):
        client.widgets.list(timeuot=3)
    with pytest.raises(
        TypeError, match=r"'dataset_idd' \(did you mean 'timeout'\?\)|'dataset_idd'$"
    ):
        client.widgets.list(dataset_idd=3)
    with pytest.raises(TypeError, match="'bearer_aut'"):  # the signature of Client says it
        package(generated, "bearer").Client(bearer_aut="t")
    assert seen == []


def test_with_options_copies_settings_and_shares_the_pool(generated: Path, server: Any) -> None:
    base, seen = server
    with httpx.Client() as http:
        client = package(generated, "bearer").Client(bearer_auth="one", base_url=base)
        other = client.with_options(bearer_auth="two", timeout=5.0)
        assert other._http is client._http and other.timeout == 5.0 and client.timeout == 60.0
        other.widgets.list()
        client.widgets.list()
        other.close()  # the pool belongs to the first client: still open
        client.widgets.list()
        client.close()
        assert http is not None
    assert [h["authorization"] for _, h in seen] == ["Bearer two", "Bearer one", "Bearer one"]
    with pytest.raises(TypeError, match="did you mean 'max_retries'"):
        client.with_options(max_retry=1)


def test_a_client_of_another_api_names_nothing_of_cloudflare(generated: Path) -> None:
    for kind in KINDS:
        for path in (generated / kind).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".md", ".toml", ".json"):
                text = path.read_text("utf-8").lower()
                for word in ("cloudflare", "cloudforce", "account_id"):
                    assert word not in text, f"{word} in {path.relative_to(generated)}"


def _build(tmp_path: Path, config_text: str, kind: str = "mixed") -> Any:
    from generator.build.api import build_api
    from generator.diagnostics import Diagnostics
    from generator.load.config import load_config
    from generator.load.loader import load_spec

    config = tmp_path / "codegen.toml"
    config.write_text(config_text)
    spec = SPECS / f"auth_{kind}.yaml"
    loaded = load_spec(spec, allow_outside=False, display=spec.name)
    return build_api(loaded, load_config(config, display="codegen.toml"), Diagnostics())


def test_config_renames_arguments_and_environment(tmp_path: Path) -> None:
    api = _build(
        tmp_path,
        '[auth]\nenv_prefix = "WID"\n\n[auth.schemes.tenantKey]\nargument = "tenant"\n'
        'env = "TENANT_KEY"\n',
    )
    by_key = {s.key: s for s in api.schemes}
    assert (by_key["tenantKey"].argument, by_key["tenantKey"].env) == ("tenant", "TENANT_KEY")
    assert by_key["sessionCookie"].env == "WID_SESSION_COOKIE"
    assert api.env["base_url"] == "WID_BASE_URL" and api.error_class == "WidgetsMixedError"


def test_config_naming_an_undeclared_scheme_is_an_error_with_its_line(tmp_path: Path) -> None:
    from generator.diagnostics import GenerationError

    with pytest.raises(GenerationError) as info:
        _build(tmp_path, '[auth]\nenv_prefix = "W"\n\n[auth.schemes.api_token]\nenv = "T"\n')
    text = str(info.value)
    assert "codegen.toml:4" in text and "api_token" in text and "oauth" in text


def test_scheme_argument_clashing_with_a_client_setting_is_an_error(tmp_path: Path) -> None:
    from generator.diagnostics import GenerationError

    with pytest.raises(GenerationError, match="'timeout'"):
        _build(tmp_path, '[auth.schemes.oidc]\nargument = "timeout"\n')
