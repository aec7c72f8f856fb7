"""An operation whose only declared answer is a redirect with a body returns that body.

Twilio's ``.../Payloads/{Sid}/Data.json`` declares only a 307 whose JSON body says where the data
is (``redirect_to``). The client does not follow redirects, so that 307 is the operation's
success: parsed into its model, not raised as an error.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.pipeline import Options, generate

DOC = {
    "openapi": "3.0.3",
    "info": {"title": "Media", "version": "1"},
    "servers": [{"url": "https://media.test"}],
    "paths": {
        "/data": {
            "get": {
                "operationId": "fetchData",
                "responses": {
                    "307": {
                        "description": "where the data is",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"redirect_to": {"type": "string"}},
                                }
                            }
                        },
                    },
                    "404": {"description": "no such data"},
                },
            }
        }
    },
}


def test_a_redirect_that_is_the_only_answer_is_the_success(tmp_path: Path) -> None:
    spec = tmp_path / "media.yaml"
    spec.write_text(yaml.safe_dump(DOC, sort_keys=False))
    result = generate(Options(spec, None, tmp_path / "out", package_name="media", formatter="ruff"))
    (op,) = result.api.operations()
    assert op.success_codes == (307,)
    assert op.response is not None and op.response.type is not None
    assert [r.status for r in op.error_responses] == ["404"]
