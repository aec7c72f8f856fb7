"""Python names for things in a spec: decided here, once, and unit-tested here.

* ``snake`` / ``pascal`` split any wire name (camelCase, kebab-case, spaces, slashes,
  unicode) into words; non-identifier characters become word breaks.
* Names that would not be valid or safe Python are escaped with a trailing
  underscore (keywords, names that shadow what generated code needs) or a leading
  letter (names starting with a digit).
* Collisions are resolved by context (a prefix naming where the thing comes from),
  never by numbering; :class:`NameRegistry` numbers only as a last resort and says so.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import unicodedata
from http import HTTPStatus

_WORD_BOUNDARY = re.compile(
    r"""
    [A-Z]+(?=[A-Z][a-z])      # an acronym before a capitalised word: "HTTPServer" -> HTTP
    | [A-Z]?[a-z]+[0-9]*      # a capitalised or lower-case word, digits attached
    | [A-Z]+[0-9]*            # an acronym
    | [0-9]+                  # a number
    """,
    re.X,
)

# Names generated code itself relies on inside model and resource classes.
_PYDANTIC_RESERVED = {
    name
    for name in (
        "copy dict json parse_obj parse_raw parse_file schema schema_json construct validate "
        "update_forward_refs fields model_config model_fields model_computed_fields "
        "model_extra model_fields_set model_construct model_copy model_dump model_dump_json "
        "model_json_schema model_parametrized_name model_post_init model_rebuild "
        "model_validate model_validate_json model_validate_strings"
    ).split()
}
_TYPE_NAMES = {
    "str", "int", "float", "bool", "bytes", "list", "dict", "object", "type", "date",
    "datetime", "Any", "Literal", "Optional", "Union", "Sequence", "Mapping", "None",
}  # fmt: skip
RESERVED_PARAMS = {
    "self",
    "options",
    "timeout",
    "extra_headers",
    "extra_query",
    "extra_body",
    "retry_unsafe",
}


def words(name: str) -> list[str]:
    """Split a wire name into lower-case words; unicode letters are transliterated or dropped."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    parts: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", text):
        parts.extend(m.group(0).lower() for m in _WORD_BOUNDARY.finditer(chunk))
    return parts


MAX_NAME = 80
"""Longest identifier made from a spec name; longer ones are cut and end in a short hash of the
whole name (identifiers become file names, which the file system limits to 255 bytes)."""


def cap(name: str, limit: int = MAX_NAME) -> str:
    """``name`` itself when short enough, else a deterministic shortened form."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('_')}_{digest}"


# Words written in mixed case that are one word: their snake_case keeps them whole
# (``OAuth2Security`` -> ``oauth2_security``, not ``o_auth2_security``).
_ONE_WORD = re.compile(r"OAuth|OpenID|ETag|GitHub|IPv(?=[46])|Auth[NZ](?![a-z])|iOS|macOS")


def _one_word(match: re.Match[str]) -> str:
    word = match.group(0)
    return word[:1].upper() + word[1:].lower()


def snake(name: str) -> str:
    """``datasetId`` -> ``dataset_id``; ``X-Auth-Key`` -> ``x_auth_key``; ``OAuth2Security`` ->
    ``oauth2_security``; never empty."""
    result = "_".join(words(_ONE_WORD.sub(_one_word, name)))
    if not result:
        result = "value"
    if result[0].isdigit():
        result = "n" + result
    return cap(result)


def pascal(name: str) -> str:
    """``threat events`` -> ``ThreatEvents``; acronyms keep their initial only: ``HTTPServer`` -> ``HttpServer``.

    A name longer than :data:`MAX_NAME` is shortened by words, never cut or hashed: words
    that repeat an earlier one go first (``AccountPhoneNumberCountryPhoneNumberLocal`` ->
    ``AccountPhoneNumberCountryLocal``), then words from the middle, keeping the first and as
    many of the last as fit. Two long names that shorten alike are told apart by the caller's
    registry, with contextual alternatives."""
    parts = [w[:1].upper() + w[1:] for w in words(name)] or ["Model"]
    if parts[0][0].isdigit():
        parts[0] = "N" + parts[0]
    return _fit(parts, MAX_NAME)


def _fit(parts: list[str], limit: int) -> str:
    if len("".join(parts)) <= limit:
        return "".join(parts)
    seen: set[str] = set()
    kept: list[str] = []
    for i, part in enumerate(parts):
        if part in seen and 0 < i < len(parts) - 1:  # the first and last words always stay
            continue
        seen.add(part)
        kept.append(part)
    if len("".join(kept)) <= limit:
        return "".join(kept)
    head, tail = kept[:1], kept[1:]
    while tail and len("".join(head + tail)) > limit:
        tail = tail[1:]
    return "".join(head + tail) if tail else cap("".join(kept), limit)


def constant(name: str) -> str:
    return snake(name).upper()


def escape_keyword(name: str) -> str:
    if keyword.iskeyword(name) or name == "_":
        return name + "_"
    return name


def safe_field_identifier(wire: str) -> bool:
    """``wire`` may be used as a model attribute exactly as written (``Name``, ``petType``)."""
    return (
        wire.isascii()
        and wire.isidentifier()
        and not wire.startswith("_")
        and not keyword.iskeyword(wire)
        and wire not in _PYDANTIC_RESERVED
        and wire not in _TYPE_NAMES
        and wire
        not in ("Field", "ConfigDict", "APIModel", "RequestModel", "Annotated", "TypeAliasType")
        and not wire.startswith("model_")
        and len(wire) <= MAX_NAME
    )


def field_name(wire: str) -> str:
    """Attribute name of a model field."""
    name = escape_keyword(snake(wire))
    if name in _PYDANTIC_RESERVED or name.startswith("model_"):
        name += "_"
    return name


def param_name(wire: str) -> str:
    """Keyword-argument name of an endpoint method."""
    name = escape_keyword(snake(wire))
    if name in RESERVED_PARAMS:
        name += "_"
    return name


# What a method or sub-resource of a generated resource class can collide with: the members every
# resource class (and its ``WithRawResponse`` twin) defines, and the names its body looks up at
# class level (the decorators). Nothing else is reserved there: pydantic's model attributes
# (``copy``, ``json``, ...) live on models, and the request options are parameters, not members.
RESOURCE_MEMBERS = frozenset({"with_raw_response", "with_streaming_response"})
_CLASS_BODY_NAMES = frozenset({"cached_property", "deprecated"})


def method_name(name: str) -> str:
    """Attribute name of a method or sub-resource derived from the spec: snake_case, with a
    trailing underscore only where the plain name cannot be a member of a resource class."""
    result = escape_keyword(snake(name))
    if result in RESOURCE_MEMBERS or result in _CLASS_BODY_NAMES:
        result += "_"
    return result


def configured_name_problem(name: str) -> str | None:
    """Why ``name``, a method or resource name written in the config, cannot be used exactly as
    written on a resource class; ``None`` when it can. The config's names are the client's public
    API: they are used as written or refused, never adjusted."""
    if not (name.isascii() and name.isidentifier()):
        return f"{name!r} is not a Python identifier"
    if keyword.iskeyword(name):
        return f"{name!r} is a Python keyword"
    if name.startswith("_"):
        return f"{name!r} starts with an underscore: resource classes keep such names for their own state"
    if name in RESOURCE_MEMBERS:
        return f"every resource class already has a member {name!r}"
    if name in _CLASS_BODY_NAMES:
        return f"resource class bodies use {name!r} as a decorator; a member of that name would shadow it"
    if name != snake(name):
        return f"{name!r} is not snake_case; write {snake(name)!r}"
    return None


def module_name(name: str) -> str:
    return escape_keyword(snake(name))


# where a title stops naming the API and starts describing it
_TITLE_TAIL = re.compile(r"\s+[-\u2013\u2014]\s+|\s*:\s+|\s*\(|\s+with\s+", re.I)
_TITLE_VERSION = re.compile(r"\s+(?:v?\d+(?:\.\d+)*|openapi(?:\s+\d+(?:\.\d+)*)?)$", re.I)


def package_from_title(title: str) -> str:
    """The package name of a document without a configured one: its title without the part
    that describes it (``Swagger Petstore - OpenAPI 3.0`` -> ``swagger_petstore``, ``Spotify
    Web API with fixes ...`` -> ``spotify_web_api``, ``Discord HTTP API (Preview)`` ->
    ``discord_http_api``) or a trailing version; the whole title when nothing is left."""
    head = _TITLE_TAIL.split(title.strip(), maxsplit=1)[0]
    head = _TITLE_VERSION.sub("", head).strip()
    return module_name(head) if words(head) else module_name(title)


def class_name(name: str) -> str:
    """PascalCase; a name that already is an ASCII PascalCase identifier is kept as written
    (``GraphQLRequest`` stays, it does not become ``GraphQlRequest``)."""
    if (
        name.isascii()
        and name.isidentifier()
        and name[0].isupper()
        and "_" not in name
        and len(name) <= MAX_NAME
    ):
        result = name
    else:
        result = pascal(name)
    if (
        keyword.iskeyword(result)
        or result in _TYPE_NAMES
        or result in {"BaseModel", "Field", "ConfigDict"}
    ):
        result += "Model"
    return result


def status_suffix(status: str) -> str:
    """How an inline response body's class name ends: ``Response`` for a success, else what
    the status means (``404`` -> ``NotFoundError``, ``4XX`` -> ``ClientError``,
    ``default`` -> ``Error``), never the number itself."""
    if status.startswith("2"):
        return "Response"
    try:
        return pascal(HTTPStatus(int(status)).phrase) + "Error"
    except ValueError:
        pass
    return {"4": "ClientError", "5": "ServerError"}.get(status[:1], "Error")


_IRREGULAR = {"aliases": "alias", "statuses": "status", "indices": "index"}


def singular(word: str) -> str:
    """A best-effort singular of an English plural, used to name array items."""
    lower = word.lower()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if lower.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(word) > 1:
        return word[:-1]
    return word


def item_name(parent: str, prop: str) -> str:
    """Class name for the items of array property ``prop`` of ``parent``."""
    parts = words(prop)
    if not parts:
        return parent + "Item"
    singled = singular(parts[-1])
    if singled == parts[-1]:
        return class_name(parent + " " + " ".join(parts) + " item")
    return class_name(parent + " " + " ".join([*parts[:-1], singled]))


class NameRegistry:
    """Hands out unique names within one namespace, deterministically.

    ``claim(preferred, *alternatives)`` returns the first free candidate; the
    alternatives are contextual (longer, more specific) names. Only when all are
    taken does it number, and it reports that so the caller can warn.
    """

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = set(taken or ())
        self.folded: set[str] = {t.lower() for t in self.taken}

    def claim(
        self, preferred: str, *alternatives: str, case_insensitive: bool = False
    ) -> tuple[str, bool]:
        for candidate in (preferred, *alternatives):
            if self._free(candidate, case_insensitive):
                self._take(candidate)
                return candidate, False
        base = alternatives[-1] if alternatives else preferred
        n = 2
        while not self._free(f"{base}{n}", case_insensitive):
            n += 1
        self._take(f"{base}{n}")
        return f"{base}{n}", True

    def _free(self, name: str, case_insensitive: bool) -> bool:
        return name not in self.taken and not (case_insensitive and name.lower() in self.folded)

    def _take(self, name: str) -> None:
        self.taken.add(name)
        self.folded.add(name.lower())
