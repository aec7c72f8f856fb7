"""Names of the runtime (``templates/runtime``) that the generator's decisions rely on, in one place.

The runtime is verbatim Python copied into every generated package; the generator never imports
it. What the generator must know about it is held here, and ``tests/runtime/test_rt_names.py``
pins each fact against the runtime itself, so the two cannot drift apart silently.
"""

from __future__ import annotations

import re

# One ``{name}`` placeholder of a path template, as the runtime's ``Endpoint`` reads it.
PATH_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")

# Public attributes of the runtime's clients: a top-level resource may not shadow them (the
# attributes of path defaults, such as ``account_id``, come from the config).
CLIENT_ATTRIBUTES = frozenset(
    {"close", "aclose", "base_url", "timeout", "max_retries", "retry_unsafe", "with_options"}
)
