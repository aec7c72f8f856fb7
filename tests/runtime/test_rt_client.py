"""Client construction: credentials from arguments and environment, redaction, lifecycle."""

from __future__ import annotations

import logging

import httpx
import pytest
from rt_support import API_KEY, BASE, TOKEN, AsyncClient, Client, Mock
from rtpkg._core import errors
from rtpkg._core.client import SyncAPIClient

ENV_VARS = [
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_EMAIL",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_ACCOUNT_ID",
    "CLOUDFLARE_BASE_URL",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def test_credentials_and_account_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", TOKEN + "\n")
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "env-acc")
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", "https://proxy.test/v4/")
    mock = Mock({"uuid": "u"})
    client = Client(http_client=httpx.Client(transport=httpx.MockTransport(mock)))
    assert client.account_id == "env-acc"
    assert client.base_url == "https://proxy.test/v4"
    client.events.get(dataset_id="d", event_id="e")
    request = mock.requests[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (
        str(request.url)
        == "https://proxy.test/v4/accounts/env-acc/cloudforce-one/events/dataset/d/events/e"
    )


def _sent_headers(**kwargs: object) -> httpx.Headers:
    """The headers of one call made by a client built with ``kwargs``."""
    mock = Mock({"uuid": "u"})
    client = Client(http_client=httpx.Client(transport=httpx.MockTransport(mock)), **kwargs)
    client.events.get(dataset_id="d", event_id="e", account_id="a")
    return mock.requests[0].headers


def test_legacy_credentials_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_EMAIL", "me@example.com")
    monkeypatch.setenv("CLOUDFLARE_API_KEY", API_KEY)
    headers = _sent_headers()
    assert headers["X-Auth-Key"] == API_KEY and headers["X-Auth-Email"] == "me@example.com"
    assert "authorization" not in headers
    assert Client().base_url == BASE


def test_explicit_arguments_beat_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passing any credential keeps every credential of the environment out."""
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "env-token")
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "env-acc")
    client = Client(api_email="me@example.com", api_key=API_KEY, account_id="arg-acc")
    assert client.account_id == "arg-acc"
    headers = _sent_headers(api_email="me@example.com", api_key=API_KEY)
    assert headers["X-Auth-Key"] == API_KEY and "authorization" not in headers
    assert _sent_headers(api_token="arg-token")["Authorization"] == "Bearer arg-token"


def test_token_wins_over_legacy_pair() -> None:
    """The first alternative of the security requirement the client can satisfy is sent."""
    headers = _sent_headers(api_token=TOKEN, api_email="me@example.com", api_key=API_KEY)
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert "X-Auth-Key" not in headers


def test_missing_credentials_error_names_keyword_and_env() -> None:
    with pytest.raises(errors.ConfigurationError) as info:
        Client()
    text = str(info.value)
    assert "api_token" in text and "CLOUDFLARE_API_TOKEN" in text
    assert "CLOUDFLARE_EMAIL" in text and "CLOUDFLARE_API_KEY" in text
    assert isinstance(info.value, ValueError)
    with pytest.raises(errors.ConfigurationError):
        AsyncClient()


def test_half_a_legacy_pair_is_an_error() -> None:
    with pytest.raises(errors.ConfigurationError, match="api_key is missing"):
        Client(api_email="me@example.com")
    with pytest.raises(errors.ConfigurationError, match="api_email is missing"):
        Client(api_key=API_KEY)


def test_invalid_token_rejected_without_echo() -> None:
    bad = "abc def\r\nX-Injected: 1"
    with pytest.raises(errors.ConfigurationError) as info:
        Client(api_token=bad)
    assert "api_token" in str(info.value) and "abc" not in str(info.value)


def test_account_id_optional_at_construction() -> None:
    assert Client(api_token=TOKEN).account_id is None


def test_client_without_settings_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="_settings"):
        SyncAPIClient(api_token=TOKEN)


# --- redaction ----------------------------------------------------------------------------


def test_repr_hides_secrets() -> None:
    token_client = Client(api_token=TOKEN, account_id="acc")
    assert repr(token_client) == f"Client(base_url='{BASE}', account_id='acc', api_token='***')"
    legacy = Client(api_email="me@example.com", api_key=API_KEY)
    assert API_KEY not in repr(legacy) and "api_key='***'" in repr(legacy)
    assert TOKEN not in repr(AsyncClient(api_token=TOKEN))


@pytest.mark.parametrize(
    "reply",
    [
        (401, {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}),
        (200, b"not json"),
        "connect",
        "read-timeout",
    ],
)
@pytest.mark.parametrize("legacy", [False, True])
def test_secrets_absent_from_errors_and_logs(
    reply: object, legacy: bool, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(request: httpx.Request) -> Exception:
        # a transport error whose text contains the credentials must be scrubbed
        leak = f"{request.headers.get('authorization')} {request.headers.get('x-auth-key')}"
        if reply == "connect":
            return httpx.ConnectError(f"cannot connect: {leak}", request=request)
        return httpx.ReadTimeout(f"timed out: {leak}", request=request)

    mock = Mock(default=fail if isinstance(reply, str) else reply)
    credentials = {"api_token": None, "api_email": "me@example.com", "api_key": API_KEY}
    client = mock.client(**credentials) if legacy else mock.client()
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(errors.APIError) as info:
            client.events.get(dataset_id="d", event_id="e")
    exc = info.value
    for text in [str(exc), repr(exc), repr(exc.request), repr(client), caplog.text]:
        assert TOKEN not in text
        assert API_KEY not in text
    assert len(mock.requests) >= 1


def test_redact_headers_helper() -> None:
    from rtpkg._core.logs import redact_headers, scrub

    headers = {"Authorization": f"Bearer {TOKEN}", "X-Auth-Key": API_KEY, "Accept": "a"}
    assert redact_headers(headers) == {"Authorization": "***", "X-Auth-Key": "***", "Accept": "a"}
    assert scrub(f"x {TOKEN} y {API_KEY}", [TOKEN, API_KEY, ""]) == "x *** y ***"


# --- lifecycle ----------------------------------------------------------------------------


def test_context_manager_and_close() -> None:
    with Client(api_token=TOKEN) as client:
        assert not client._http.is_closed
    assert client._http.is_closed
    client = Client(api_token=TOKEN)
    client.close()
    assert client._http.is_closed


def test_logger_name_is_the_package() -> None:
    from rtpkg._core.logs import logger

    assert logger.name == "rtpkg"


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"api_tokn": TOKEN},
            "got an unexpected keyword argument 'api_tokn' (did you mean 'api_token'?)",
        ),
        (
            {"max_retry": 3},
            "got an unexpected keyword argument 'max_retry' (did you mean 'max_retries'?)",
        ),
        (
            {"accountId": "a"},
            "got an unexpected keyword argument 'accountId' (did you mean 'account_id'?)",
        ),
        (
            {"zzz": 1, "timeout_s": 2},
            "got unexpected keyword arguments 'timeout_s' (did you mean 'timeout'?), 'zzz'",
        ),
    ],
)
def test_unknown_client_arguments_raise_type_error_with_the_closest_name(
    cls: type[Client] | type[AsyncClient], given: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError) as raised:
        cls(api_token=TOKEN, **given)  # type: ignore[arg-type]
    assert str(raised.value) == f"{cls.__name__}() {message}"
    assert TOKEN not in str(raised.value)  # names only, never a value
