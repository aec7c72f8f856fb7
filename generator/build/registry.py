"""The schema registry: every model draft by name and by pointer, and their unique class names.

:class:`SchemaRegistry` is the state that typing a document's schemas builds up: which class
name each schema pointer got (component schemas first, so they get the plain names; inline
schemas are named from their context), the :class:`ModelDraft` of each name, and the warnings
already given. It knows no schema construct itself: ``type_of`` hands every schema to the
mapper it was made with (:func:`generator.build.schemas.schema_type`). Drafts become final
:class:`~generator.ir.Model` objects in :mod:`generator.build.models`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from generator.build.naming import NameRegistry, class_name
from generator.diagnostics import Diagnostics
from generator.ir import TypeRef
from generator.load.loader import LoadedSpec
from generator.load.pointers import resolve_pointer

# Names the generated modules import; no model may take them.
RESERVED_CLASS_NAMES = {
    "Endpoint", "NotGiven", "NOT_GIVEN", "RequestOptions", "Any", "Mapping", "Sequence", "Literal",
    "Unpack", "SyncResource", "AsyncResource", "PageIterator", "AsyncPageIterator", "PaginationSpec",
    "RawResponse", "BaseModel", "Field", "ConfigDict", "Annotated", "Union", "Optional", "Client",
    "AsyncClient", "TYPE_CHECKING", "annotations", "BulkIngest", "AsyncBulkIngest",
    "APIModel", "RequestModel", "FileInput", "Iterable", "AsyncIterable", "Callable", "BulkError",
    "BulkProgress", "BulkReport", "Self", "ClassVar", "LazyType",
}  # fmt: skip


@dataclass
class FieldDraft:
    wire_name: str
    py_name: str
    type: TypeRef
    required: bool
    doc: str
    default: Any = None
    has_default: bool = False
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False


@dataclass
class ModelDraft:
    name: str
    kind: str  # "object" | "alias"
    pointer: str
    owner: str  # component or operation the model belongs to (module grouping)
    doc: str = ""
    fields: list[FieldDraft] = field(default_factory=list)
    alias_type: TypeRef | None = None
    additional: TypeRef | bool | None = None  # typed / allowed / forbidden extra keys
    done: bool = False


class Mapper(Protocol):
    """Types one schema (see :func:`generator.build.schemas.schema_type`)."""

    def __call__(
        self,
        registry: SchemaRegistry,
        schema: Any,
        pointer: str,
        hint: str,
        owner: str,
        array_context: tuple[str, str] | None,
    ) -> TypeRef: ...


class SchemaRegistry:
    """Drafts by name and pointer, unique class names, warnings given once."""

    def __init__(
        self,
        spec: LoadedSpec,
        diagnostics: Diagnostics,
        taken: set[str],
        mapper: Mapper,
        type_overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.type_overrides = dict(type_overrides or {})  # property wire name -> "integer"
        self.overridden: dict[str, set[str]] = {}  # wire name -> pointers of the schemas narrowed
        self.spec = spec
        self.doc = spec.document
        self.diagnostics = diagnostics
        self.names = NameRegistry(RESERVED_CLASS_NAMES | taken)
        self.drafts: dict[str, ModelDraft] = {}
        self.by_pointer: dict[str, str] = {}  # schema pointer -> model name
        self.numbered = 0
        self._mapper = mapper
        self._warned: set[tuple[str, str]] = set()

    def type_of(
        self,
        schema: Any,
        pointer: str,
        hint: str,
        owner: str,
        *,
        array_context: tuple[str, str] | None = None,
    ) -> TypeRef:
        """The type of ``schema`` found at ``pointer``; ``hint`` names an inline model,
        ``owner`` is the component or operation it belongs to, ``array_context`` the
        (model, property) an array is the value of (its items are named after them)."""
        return self._mapper(self, schema, pointer, hint, owner, array_context)

    def narrowed(self, t: TypeRef, wire: str) -> TypeRef:
        """``t``, the type of property ``wire``, with the config's type override for it applied:
        a ``number`` (``float``), or a list of them, becomes ``int``; other types stay."""
        if wire not in self.type_overrides:
            return t
        if t.kind == "float":
            self.overridden.setdefault(wire, set()).add(t.pointer)
            return replace(t, kind="int")
        if t.kind == "list":
            return replace(t, args=(self.narrowed(t.args[0], wire),))
        return t

    # ------------------------------------------------------------------ names
    def claim(self, preferred: str, pointer: str, alternatives: tuple[str, ...] = ()) -> str:
        """The first free of ``preferred`` and ``alternatives`` (numbered, with a warning,
        when none is free), now the name of the schema at ``pointer``."""
        name, numbered = self.names.claim(preferred, *alternatives, case_insensitive=True)
        if numbered:
            self.numbered += 1
            self.warn(
                pointer,
                f"no contextual name was free for {preferred!r}; numbered as {name!r} "
                f"(numbered model name #{self.numbered})",
            )
        self.by_pointer[pointer] = name
        return name

    def inline_name(self, hint: str, owner: str, pointer: str) -> str:
        """Name an inline schema from its context; collisions get a longer contextual name."""
        in_owner = hint if hint.startswith(owner) else class_name(owner + " " + hint)
        alternatives = (in_owner, hint + "Inline", in_owner + "Inline")
        return self.claim(hint, pointer, alternatives=tuple(dict.fromkeys(alternatives)))

    # ------------------------------------------------------------------ drafts
    def add(self, draft: ModelDraft) -> TypeRef:
        """Register ``draft`` under its name; a reference to it."""
        self.drafts[draft.name] = draft
        return self.ref_to(draft)

    def ref_to(self, draft: ModelDraft) -> TypeRef:
        if draft.kind == "object":
            return TypeRef("model", name=draft.name, pointer=draft.pointer)
        return TypeRef("alias", name=draft.name, pointer=draft.pointer)

    def drafted(self, pointer: str) -> ModelDraft | None:
        """The draft already made for the schema at ``pointer``."""
        name = self.by_pointer.get(pointer)
        return self.drafts.get(name) if name is not None else None

    def alias_target(self, t: TypeRef) -> TypeRef | None:
        """What alias ``t`` stands for, when it is a known alias."""
        draft = self.drafts.get(t.name or "") if t.kind == "alias" else None
        return draft.alias_type if draft is not None else None

    # ------------------------------------------------------------------ document
    def deref(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow ``$ref`` chains; returns the target and its pointer."""
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target = node["$ref"][1:]
            if target in seen:
                break
            seen.add(target)
            node, pointer = resolve_pointer(self.doc, target), target
        return node, pointer

    # ------------------------------------------------------------------ warnings
    def loose(self, pointer: str, message: str, t: TypeRef) -> TypeRef:
        """``t``, a looser type than the schema's: warned about, and noted in the docstrings."""
        self.warn(pointer, message)
        return replace(t, note=message)

    def warn(self, pointer: str, message: str) -> None:
        """One warning per place and message (a schema merged into several allOfs is typed
        more than once)."""
        if (pointer, message) in self._warned:
            return
        self._warned.add((pointer, message))
        self.diagnostics.warn(self.spec.locate(pointer), message)
