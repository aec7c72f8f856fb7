"""Where an operation lives in the client, and its method's name, when no config says so.

* The resource is the operation's first tag (without a leading version word, as in
  Twilio's ``Api20100401Call``); an untagged operation is grouped by its path:
  the first segment that is neither a parameter nor an API prefix (``/v1/customers/{id}`` ->
  ``customers``, ``/2010-04-01/Accounts.json`` -> ``accounts``), so no document ends up with
  hundreds of methods on ``client.default``. Only an operation on ``/`` itself is ``root``.
* The method name is the operationId without the words that repeat its resource:
  ``repos_get`` on ``repos`` -> ``get``; ``listPets`` on ``pets`` -> ``list``;
  ``GetCustomersCustomerSources`` on ``customers`` -> ``get_customer_sources``. The full
  operationId stays the fallback when the short name is taken or would be empty.

Decided once, here; :mod:`generator.build.api` claims the names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.build.naming import singular, snake, words

ROOT_RESOURCE = "root"
# segments that say which API or version, not which resource
_PREFIX = re.compile(
    r"^(?:v\d+(?:[a-z]+\d*)?|api|apis|rest|\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)*)$", re.I
)
# a leading word of a tag that only says which version (not a bare "api": "API Keys" stays)
_VERSION_WORD = re.compile(r"^(?:api|v)?\d+(?:[a-z]+\d*)?$", re.I)  # api20100401, v1beta1
_EXTENSION = re.compile(r"\.(?:json|xml|csv|ya?ml)$", re.I)


def resource_of(tags: object, path: str) -> str:
    """The (snake_case) resource of an operation: its first tag without a leading version
    (``Api20100401Account`` -> ``account``, ``V1Pets`` -> ``pets``), else its path's first
    noun."""
    if isinstance(tags, list) and tags and str(tags[0]).strip():
        parts = snake(str(tags[0])).split("_")
        while len(parts) > 1 and _VERSION_WORD.match(parts[0]):
            parts = parts[1:]
        return "_".join(parts)
    return resource_of_path(path)


def resource_of_path(path: str) -> str:
    for segment in path.split("?", 1)[0].split("/"):
        segment = _EXTENSION.sub("", segment)
        if not segment or "{" in segment or _PREFIX.match(segment):
            continue
        return snake(segment)
    return ROOT_RESOURCE


def method_without_resource(name: str, resource: Sequence[str]) -> str:
    """``name`` (an operationId) without the first run of words that names ``resource``'s last
    level (its last word plural or singular); ``name`` itself when nothing sensible is left."""
    if not resource:
        return name
    noun = [w for w in resource[-1].split("_") if w]
    parts = words(name)
    size = len(noun)
    for start in range(len(parts) - size + 1) if noun else ():
        run = parts[start : start + size]
        if run[:-1] == noun[:-1] and singular(run[-1]) == singular(noun[-1]):
            rest = parts[:start] + parts[start + size :]
            return "_".join(rest) if rest and not rest[0].isdigit() else name
    return name
