"""The IR of schemas: types (:class:`TypeRef`), fields, models and the modules of ``models/``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

TypeKind = Literal[
    "str", "int", "float", "bool", "datetime", "date", "bytes", "any", "none",
    "model", "alias", "literal", "list", "dict", "union",
]  # fmt: skip

Requirement = tuple[str, ...]
"""The keys of the security schemes one alternative of a ``security`` list needs together."""


@dataclass(frozen=True)
class Constraints:
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None


@dataclass(frozen=True)
class TypeRef:
    """A Python type, structurally: enough to render annotations and to make sample values.

    ``name`` is the class or alias name for ``model``/``alias``; ``args`` are the item
    type (list), the value type (dict) or the members (union); ``values`` the allowed
    values of a ``literal``. ``format`` and ``constraints`` come from the schema.
    """

    kind: TypeKind
    name: str | None = None
    args: tuple[TypeRef, ...] = ()
    values: tuple[Any, ...] = ()
    nullable: bool = False
    format: str | None = None
    constraints: Constraints = Constraints()
    example: Any = None
    has_example: bool = False
    discriminator: str | None = None
    pointer: str = ""
    # a tagged union: (discriminator value, member model name) pairs, members in ``args`` order
    tags: tuple[tuple[Any, str], ...] = ()
    # some member does not require the discriminator: data without it tries every member
    tag_optional: bool = False
    note: str = ""  # why this part is typed more loosely than the schema says (also a warning)

    def notes(self) -> list[str]:
        """Every ``note`` of this type and the types inside it."""
        found = [self.note] if self.note else []
        for arg in self.args:
            found.extend(n for n in arg.notes() if n not in found)
        return found

    def models(self) -> set[str]:
        """Names of every generated model or alias this type mentions."""
        found: set[str] = set()
        if self.kind in ("model", "alias") and self.name:
            found.add(self.name)
        for arg in self.args:
            found |= arg.models()
        return found


@dataclass(frozen=True)
class Field:
    py_name: str
    wire_name: str
    type: TypeRef
    annotation: str
    required: bool
    default: str | None  # Python source of the default, None when required
    doc: str
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False


@dataclass(frozen=True)
class Model:
    """A generated type: a pydantic model (``object``), or a type alias for an enum,
    union or other non-object schema (``alias``)."""

    kind: Literal["object", "alias"]
    name: str
    module: str
    doc: str
    pointer: str
    fields: tuple[Field, ...] = ()
    annotation: str = ""  # the aliased type, for kind == "alias"
    alias_type: TypeRef | None = None
    extra: Literal["allow", "forbid", "ignore"] = "allow"
    extra_annotation: str | None = None  # typed additionalProperties
    usage: frozenset[str] = frozenset()  # "request" / "response"
    deps: tuple[str, ...] = ()  # names of models this one refers to
    recursive: bool = False


@dataclass(frozen=True)
class ModelModule:
    """One module of ``models/``: a strongly connected component of the schema graph."""

    name: str
    models: tuple[Model, ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names) of other model modules
    needs_rebuild: bool
    uses: frozenset[str]  # typing helpers needed: "Any", "Literal", "datetime", ...


MODELS_ALIAS = "_models"
"""The name under which resource modules refer to the ``models`` package
(``from .. import models as _models``), whose submodules load on first attribute access: their
annotations and request/response types say ``_models.Event``, so importing a resource imports no
model, while type checkers and ``typing.get_type_hints`` still resolve every name. Generated
members never start with an underscore, so no method or attribute can shadow it."""
