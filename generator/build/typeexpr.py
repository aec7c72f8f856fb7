"""Python type expressions: the one place that writes an annotation.

Every annotation the generator emits (model fields, aliases, keyword arguments, return
types, the types handed to the runtime) is built here as an :class:`Expr`: its source
text together with the names that text spells. Those names say what a module must
import and what a class attribute of the same name would shadow, so nothing ever parses
an annotation back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.escape import py_literal
from generator.ir import TypeRef

_SCALARS = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "datetime": "datetime",
    "date": "date",
    "bytes": "bytes",
    "any": "Any",
    "none": "None",
}

IMPORTED_HELPERS = frozenset(
    "Any Literal Annotated Sequence Mapping datetime date _Tag _tagged_by FileInput LazyType builtins".split()
)
"""Names a type expression may spell that a generated module imports (typing, datetime, runtime)."""


class _Id(str):
    """A fragment of an expression's source that is a name it spells."""


@dataclass(frozen=True)
class Expr:
    """Python source of a type expression, as fragments: the names it spells (every identifier
    outside string literals and attribute accesses: ``_models.Event`` spells ``_models``) are
    :class:`_Id` fragments, the rest plain text."""

    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(str(part) for part in self.parts if isinstance(part, _Id))

    def __or__(self, other: Expr) -> Expr:
        return Expr((*self.parts, " | ", *other.parts))

    def qualified(self, builtin_names: frozenset[str]) -> Expr:
        """The same expression with the builtins in ``builtin_names`` spelled
        ``builtins.<name>`` (for a class whose members shadow them)."""
        parts: list[str] = []
        for part in self.parts:
            if isinstance(part, _Id) and part in builtin_names:
                parts += [_Id("builtins"), f".{part}"]
            else:
                parts.append(part)
        return Expr(tuple(parts))

    @property
    def helpers(self) -> frozenset[str]:
        """The imported helpers this expression needs."""
        return self.names & IMPORTED_HELPERS


class Spelled:
    """The names spelled by what one operation writes into its resource module: ``in_class``
    by its method's annotations (looked up in the class body, where a method of the same name
    would shadow them), ``in_module`` by everything it writes (what the module imports).
    ``shadowed``: builtins that members of the class are named like; its annotations spell them
    ``builtins.<name>``."""

    def __init__(self, shadowed: frozenset[str] = frozenset()) -> None:
        self.shadowed = shadowed
        self.in_class: set[str] = set()
        self.in_module: set[str] = set()

    def annotation(self, expr: Expr) -> str:
        """``expr``, written as an annotation of the method."""
        if self.shadowed & expr.names:
            expr = expr.qualified(self.shadowed)
        self.in_class |= expr.names
        self.in_module |= expr.names
        return expr.text

    def expression(self, expr: Expr) -> str:
        """``expr``, written elsewhere in the module (an Endpoint's types, a call's argument)."""
        self.in_module |= expr.names
        return expr.text


def _name(identifier: str) -> Expr:
    return Expr((_Id(identifier),))


def _joined(items: list[Expr] | tuple[Expr, ...], separator: str) -> tuple[str, ...]:
    parts: list[str] = []
    for index, item in enumerate(items):
        if index:
            parts.append(separator)
        parts.extend(item.parts)
    return tuple(parts)


def _subscript(base: str, *args: Expr) -> Expr:
    """``base[arg, ...]``."""
    return Expr((_Id(base), "[", *_joined(args, ", "), "]"))


def _value(v: object) -> Expr:
    """A literal value (``'a'``, ``1``, ``True``, ``None``)."""
    text = py_literal(v)
    return Expr((_Id(text),) if v is None or isinstance(v, bool) else (text,))


def _union(members: list[Expr]) -> Expr:
    """``a | b | ...`` (members already distinct)."""
    return Expr(_joined(members, " | "))


NONE = _name("None")
NOT_GIVEN = _name("NotGiven")
_MAPPING = _subscript("Mapping", _name("str"), _name("Any"))


@dataclass(frozen=True)
class _Style:
    open_enums: bool = False
    request: bool = False
    quote: frozenset[str] = frozenset()
    models: str = ""
    object_aliases: frozenset[str] = frozenset()


def type_expr(
    t: TypeRef,
    *,
    open_enums: bool = False,
    request: bool = False,
    quote: frozenset[str] = frozenset(),
    models: str = "",
    object_aliases: frozenset[str] = frozenset(),
) -> Expr:
    """The annotation of ``t``.

    ``open_enums``: literal types also accept any value of their base type, so a value
    the API adds later does not break parsing (used for response models).
    ``request``: the looser input form of an argument: a model may be given as a
    mapping, sequences and mappings need not be lists and dicts, datetimes may be ISO
    strings. ``quote``: names that must be written as forward references. ``models``: the
    name through which the module refers to the ``models`` package (model and alias names
    are written ``<models>.<Name>``); empty when the names are in scope. ``object_aliases``:
    aliases that stand for object models (a union of them), which the input form also lets be
    given as a mapping, like a model.
    """
    return _expr(t, _Style(open_enums, request, quote, models, object_aliases))


def annotation(
    t: TypeRef,
    *,
    open_enums: bool = False,
    request: bool = False,
    quote: frozenset[str] = frozenset(),
    models: str = "",
    object_aliases: frozenset[str] = frozenset(),
) -> str:
    """The source text of :func:`type_expr`."""
    style = _Style(open_enums, request, quote, models, object_aliases)
    return _expr(t, style).text


def optional(expr: Expr) -> Expr:
    """``expr | None``."""
    return expr | NONE


def runtime_type(t: TypeRef, models: str) -> Expr:
    """The type handed to the runtime (an Endpoint's body or response type): valid at run time,
    wrapped in a ``LazyType`` when it names models (they load on the endpoint's first call, not
    when the resource module is imported)."""
    expr = type_expr(t, open_enums=True, models=models)
    if not t.models():
        return expr
    return Expr((_Id("LazyType"), "(lambda: ", *expr.parts, ")"))


def argument(
    t: TypeRef,
    *,
    required: bool,
    client_default: bool = False,
    models: str = "",
    object_aliases: frozenset[str] = frozenset(),
) -> Expr:
    """A keyword argument of type ``t``: the input form, ``| None`` when the client fills it in,
    ``| NotGiven`` when it may be left out."""
    expr = type_expr(t, request=True, models=models, object_aliases=object_aliases)
    if client_default:
        return expr | NONE
    return expr if required else expr | NOT_GIVEN


def file_argument(t: TypeRef, *, required: bool) -> Expr:
    """A multipart field carrying a file (or several)."""
    file = _name("FileInput")
    expr = _subscript("Sequence", file) if t.kind == "list" else file
    if t.nullable:
        expr = expr | NONE
    return expr if required else expr | NOT_GIVEN


def content_argument(*, text: bool, required: bool) -> Expr:
    """The whole body of a text (``str``) or binary (``bytes | str``) request."""
    expr = _name("str") if text else _name("bytes") | _name("str")
    return expr if required else expr | NOT_GIVEN


def fields_argument(*, required: bool) -> Expr:
    """The whole body of a form or multipart request that is no object model: its fields."""
    return _MAPPING if required else _MAPPING | NOT_GIVEN


def _expr(t: TypeRef, style: _Style) -> Expr:
    expr = _bare(t, style)
    if t.nullable and t.kind not in ("none", "any"):
        expr = expr | NONE
    return expr


def _bare(t: TypeRef, style: _Style) -> Expr:
    kind = t.kind
    if kind in _SCALARS:
        scalar = _name(_SCALARS[kind])
        if style.request and kind in ("datetime", "date"):
            return scalar | _name("str")  # an ISO string will do
        return scalar
    if kind in ("model", "alias"):
        return _named(t, style)
    if kind == "literal":
        return _literal(t, style)
    if kind == "list":
        return _subscript("Sequence" if style.request else "list", _expr(t.args[0], style))
    if kind == "dict":
        return _subscript(
            "Mapping" if style.request else "dict", _name("str"), _expr(t.args[0], style)
        )
    if kind == "union":
        if t.discriminator and t.tags and not style.request:
            return _tagged(t, style)
        members: list[Expr] = []
        for arg in t.args:
            rendered = _expr(arg, style)
            if all(rendered.text != m.text for m in members):
                members.append(rendered)
        return _union(members)
    raise AssertionError(f"unknown type kind {kind}")


def _named(t: TypeRef, style: _Style) -> Expr:
    assert t.name is not None
    if t.name in style.quote:  # a forward reference: a string, spelling no name
        expr = Expr((f'"{style.models}.{t.name}"' if style.models else f'"{t.name}"',))
    else:
        expr = Expr((_Id(style.models), f".{t.name}")) if style.models else _name(t.name)
    if style.request and (t.kind == "model" or t.name in style.object_aliases):
        return expr | _MAPPING
    return expr


def _literal(t: TypeRef, style: _Style) -> Expr:
    expr = _subscript("Literal", *(_value(v) for v in t.values))
    if style.open_enums:
        bases = sorted({_literal_base(v) for v in t.values})
        expr = _union([expr, *(_name(b) for b in bases)])
    return expr


def _tagged(t: TypeRef, style: _Style) -> Expr:
    """A pydantic tagged union: each member carries its model's name as a ``Tag``; a callable
    discriminator maps the wire value of the property (or a model instance) to that name."""
    member_style = replace(style, request=False, object_aliases=frozenset())
    names = list(dict.fromkeys(model for _, model in t.tags))
    parts = [
        _subscript("Annotated", _expr(arg, member_style), _call("_Tag", _value(model)))
        for arg, model in zip(t.args, names, strict=True)
    ]
    pairs = [(_value(v), _value(model)) for v, model in t.tags]
    entries = [Expr((*v.parts, ": ", *model.parts)) for v, model in pairs]
    mapping = Expr(("{", *_joined(entries, ", "), "}"))
    if not t.tag_optional:
        return _subscript(
            "Annotated", _union(parts), _call("_tagged_by", _value(t.discriminator), mapping)
        )
    # data without the property goes to the plain union of the members (best match wins)
    plain = _union([_expr(arg, member_style) for arg in t.args])
    parts.append(_subscript("Annotated", plain, _call("_Tag", _value(UNTAGGED))))
    untagged = Expr(("untagged=", *_value(UNTAGGED).parts))
    tagged_by = _call("_tagged_by", _value(t.discriminator), mapping, untagged)
    return _subscript("Annotated", _union(parts), tagged_by)


UNTAGGED = "*"
"""The tag of a tagged union's fallback member (no class is named so)."""


def _call(function: str, *args: Expr) -> Expr:
    return Expr((_Id(function), "(", *_joined(args, ", "), ")"))


def _literal_base(v: object) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if v is None:
        return "None"
    return "str"
